import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * `shared/` is the domain: findings, registrations, deliveries and their AWS adapters. It knows no
 * HTTP, no Lambda event and no handler framework; `functions/` turns events into its calls and its
 * results and error kinds into replies (functions/http/). This keeps that true as files are added.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const SHARED = join(ROOT, 'shared');

/** What a domain module may not import, and why. */
const FORBIDDEN: Array<[RegExp, string]> = [
  [/^aws-lambda$/, 'Lambda event types belong to functions/'],
  [/^@middy\//, 'handler middleware belongs to functions/'],
  [/^@aws-lambda-powertools\//, 'logging, metrics and tracing are the handlers\' (functions/observability.ts)'],
  [/^node:(http|https|http2)$/, 'serving HTTP is functions/ and infra/local/'],
  [/^#(functions|infra|emulator)\//, 'the domain depends on nothing above it'],
  [/^(\.\.\/)+(functions|infra|emulator|cli)\//, 'the domain depends on nothing above it'],
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(text: string): string[] {
  const specifiers = [...text.matchAll(/\bfrom\s+'([^']+)'|\bimport\s*\(\s*'([^']+)'\s*\)|^\s*import\s+'([^']+)'/gm)];
  return specifiers.map((match) => match[1] ?? match[2] ?? match[3]!);
}

describe('shared/, the domain', () => {
  it('imports no HTTP, Lambda event, handler framework or layer above it', () => {
    const files = sourceFiles(SHARED);
    expect(files.length).toBeGreaterThan(50);
    const violations = files.flatMap((file) =>
      importsOf(readFileSync(file, 'utf8')).flatMap((specifier) =>
        FORBIDDEN.filter(([pattern]) => pattern.test(specifier)).map(([, why]) => `${relative(ROOT, file)} imports ${specifier}: ${why}`)));
    expect(violations).toEqual([]);
  });

  it('would catch one: the rules match the imports they forbid', () => {
    const caught = (specifier: string) => FORBIDDEN.some(([pattern]) => pattern.test(specifier));
    expect(importsOf("import type { APIGatewayProxyEvent } from 'aws-lambda';").every(caught)).toBe(true);
    expect(caught('@middy/core')).toBe(true);
    expect(caught('#functions/http/error-replies.js')).toBe(true);
    expect(caught('../../functions/http/event-body.js')).toBe(true);
    expect(caught('node:http')).toBe(true);
    expect(caught('@aws-sdk/client-sqs')).toBe(false);
  });
});
