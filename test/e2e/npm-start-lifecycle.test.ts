import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { startNpm } from '../support/npm-start.js';

const run = promisify(execFile);
let folder: string | undefined;
let blocker: Server | undefined;
afterAll(async () => {
  blocker?.close();
  if (folder) await rm(folder, { recursive: true, force: true });
});

describe('npm start, started and stopped as people do', () => {
  it('stops every process and frees its ports when npm itself gets SIGTERM', async () => {
    folder = await mkdtemp(join(tmpdir(), 'broker-lifecycle-'));
    // Not detached and no group kill: the signal goes to npm alone, as `kill <npm pid>` or a supervisor sends it.
    const { child: npm, state, output } = await startNpm<{ apiUrl: string }>(join(folder, 'stack.json'), ['--in-memory'], { detached: false });
    npm.kill('SIGTERM');
    await new Promise((resolve) => npm.once('exit', resolve));
    // The stack notices within a second (ancestor-watch.ts) and then stops its servers; on a CI machine
    // whose two cores run the fuzzers meanwhile that has taken over 10 s, so the bound is generous.
    let closed = false;
    const started = Date.now();
    for (let waited = 0; !closed && waited < 30_000; waited = Date.now() - started) {
      closed = await fetch(`${state.apiUrl}/v1/findings`, { method: 'POST' }).then(() => false, () => true);
      if (!closed) await sleep(250);
    }
    expect(closed, `the API still answered ${Date.now() - started} ms after npm got SIGTERM; npm start printed:\n${output()}`).toBe(true);
  }, 60_000);

  it('says which port is taken and how to pick others, in one line, when a port is in use', async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker!.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const failure = await run('npm', ['start', '--', '--in-memory', '--state-file', join(folder ?? tmpdir(), 'unused.json'),
      '--api-port', String(port), '--emulator-port', '0', '--dynamo-port', '0', '--sqs-port', '0'], { timeout: 45_000 }).then(() => undefined, (error: { code: number; stderr: string }) => error);
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain(`Port ${port} is already in use`);
    expect(failure?.stderr).toContain('--api-port');
    expect(failure?.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('prints its flags with their environment variables and defaults for --help, and a one-line error for an unknown flag or a bad value', async () => {
    const help = await run('npm', ['start', '--', '--help'], { timeout: 45_000 });
    for (const expected of ['--api-port', 'API_PORT', '--in-memory', '--deliver-concurrency', 'DELIVER_CONCURRENCY', '.local/stack.json']) {
      expect(help.stdout).toContain(expected);
    }
    for (const args of [['--bogus'], ['--api-port', 'abc']]) {
      const failure = await run('npm', ['start', '--', ...args], { timeout: 45_000 }).then(() => undefined, (error: { code: number; stderr: string }) => error);
      expect(failure?.code).toBe(1);
      expect(failure?.stderr).toMatch(/^error: /m);
      expect(failure?.stderr).not.toMatch(/\n\s+at /);
    }
  }, 90_000);
});
