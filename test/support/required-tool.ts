/**
 * Tests that need a tool from outside npm (awscli, python3's botocore). Where the tool is missing:
 * under CI=true the test file fails at once with what to install (CI must never pass a suite it did
 * not run); elsewhere (a developer's machine without the tool) its tests are skipped, saying so.
 * `.ci/run` sets CI=true.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { it } from 'vitest';

export function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export function isCi(): boolean {
  return /^(1|true)$/i.test(process.env.CI ?? '');
}

/**
 * `it` when the tool is there; otherwise throws under CI=true (failing the file with `install`),
 * or returns `it.skip` after a notice on stderr.
 */
export function itWithTool(tool: string, available: boolean, install: string): typeof it | typeof it.skip {
  if (available) return it;
  const message = `${tool} is required by these tests but is not available. ${install}`;
  if (isCi()) throw new Error(`${message} (CI=true: a missing tool fails the run instead of skipping it)`);
  console.warn(`NOTICE ${message} Its tests are SKIPPED on this machine (they fail under CI=true).`);
  return it.skip;
}
