import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');

/** Runs the awscli conformance file in a child vitest whose PATH has no `aws`. */
async function runWithoutAwscli(ci: boolean): Promise<{ code: number; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: '/usr/bin:/bin' };
  delete env.CI;
  delete env.VITEST;
  if (ci) env.CI = 'true';
  try {
    const { stdout, stderr } = await run(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', 'test/emulator/awscli-conformance.test.ts'], { cwd: root, env });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, output: (e.stdout ?? '') + (e.stderr ?? '') };
  }
}

describe('a test that needs a tool from outside npm', () => {
  it('fails the run under CI=true when awscli is missing, saying what to install', async () => {
    const { code, output } = await runWithoutAwscli(true);
    expect(code).not.toBe(0);
    expect(output).toContain('awscli (`aws` on PATH) is required by these tests but is not available. Install it with `pip install awscli`');
  }, 60_000);

  it('is skipped with a notice, not failed, on a developer machine without awscli', async () => {
    const { code, output } = await runWithoutAwscli(false);
    expect(code).toBe(0);
    expect(output).toMatch(/NOTICE awscli .* SKIPPED/);
  }, 60_000);
});
