import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { GetFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNpm, stopGroup } from '../support/npm-start.js';
import { readmeBlocks } from './readme-blocks.js';

/**
 * README.md followed as a new user would: `npm start` runs, and then every shell block of the README
 * runs in order in one shell, as pasted into a terminal beside it: the partner's curl commands, the
 * customer's onboarding, the operator's CLI. Each block must succeed (bash -e; curl with
 * --fail-with-body); blocks that cannot run against `npm start` say why in the README, and this test
 * names them, so none is skipped by accident.
 *
 * The shell runs in a folder that stands for the reader's checkout: links to every file of this one,
 * but its own `.local/`, so neither a developer's running stack nor another test is touched.
 */
const REPO = fileURLToPath(new URL('../../', import.meta.url));
let folder: string;
let child: ChildProcess | undefined;
let state: { emulatorUrl: string; region: string; customer: { accountIds: string[]; credentials: { accessKeyId: string; secretAccessKey: string } } };

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'readme-'));
  for (const entry of await readdir(REPO)) {
    if (entry !== '.local' && entry !== '.git') await symlink(join(REPO, entry), join(folder, entry));
  }
  const started = await startNpm<typeof state>(join(folder, '.local', 'stack.json'), ['--in-memory']);
  child = started.child;
  state = started.state;
}, 60_000);

afterAll(async () => {
  if (child) await stopGroup(child);
  if (folder) await rm(folder, { recursive: true, force: true });
});

/** The shell a reader has: their PATH without the project's node_modules/.bin (npm test puts it there), no AWS settings. */
function readerEnvironment(): NodeJS.ProcessEnv {
  const path = (process.env.PATH ?? '').split(delimiter).filter((entry) => !entry.includes('node_modules')).join(delimiter);
  return { PATH: path, HOME: process.env.HOME ?? folder, LANG: 'C.UTF-8' };
}

function runShell(script: string, cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const shell = spawn('bash', ['-e', '-o', 'pipefail', '-c', script], { cwd, env: readerEnvironment(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    shell.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    shell.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    shell.on('close', (code) => resolve({ code, output }));
  });
}

describe('README.md', () => {
  it('runs every shell block, in order in one shell beside npm start, and each does what it says', async () => {
    const blocks = readmeBlocks(await readFile(join(REPO, 'README.md'), 'utf8')).filter((block) => !block.skipped);
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    const script = blocks.map((block) => `echo '>>> README.md line ${block.line} (${block.section})'\n${block.code}`).join('\n');
    const { code, output } = await runShell(script, folder);
    expect(code, output.slice(-6000)).toBe(0);
    // Every block ran to its end (bash -e stops at the first failing command).
    for (const block of blocks) expect(output).toContain(`>>> README.md line ${block.line} `);

    // The partner's finding reached the customer's Security Hub.
    const securityHub = new SecurityHubClient({ endpoint: state.emulatorUrl, region: state.region, credentials: state.customer.credentials });
    const findExample = async () => (await securityHub.send(new GetFindingsCommand({ Filters: { Id: [{ Value: 'example-finding-1', Comparison: 'EQUALS' }] } }))).Findings ?? [];
    let found = await findExample();
    // Delivery is asynchronous: on a loaded machine the poller may still be at it.
    for (let attempt = 0; attempt < 50 && found.length === 0; attempt++) {
      await sleep(200);
      found = await findExample();
    }
    securityHub.destroy();
    expect(found).toHaveLength(1);
    // The partner read its submission (queued or imported by then: delivery is asynchronous); the scan completed.
    expect(output).toMatch(/"posted":1,"accepted":1,"counts":\{"queued":[01],"imported":[01],/);
    expect(output).toContain('"scanId":"2026-11-30"');
    // The new customer's onboarding ended ACTIVE; the operator's commands answered.
    expect(output).toMatch(/"status": "ACTIVE"/);
    expect(output).toContain('acme/scanner');
  }, 300_000);

  it('says why each block it does not run cannot run against npm start, and those are only the ones named here', async () => {
    const skipped = readmeBlocks(await readFile(join(REPO, 'README.md'), 'utf8')).filter((block) => block.skipped);
    expect(skipped.map((block) => block.code.split('\n')[0])).toEqual([
      'npm ci && npm start',
      'npm ci && npm test',
      'npx cdk bootstrap',
    ]);
    for (const block of skipped) expect(block.skipped!.length).toBeGreaterThan(10);
  });
});
