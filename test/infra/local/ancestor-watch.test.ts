import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parentOf } from '#infra/local/ancestor-watch.js';

const WATCH = fileURLToPath(new URL('../../../infra/local/ancestor-watch.ts', import.meta.url));

describe('watching the processes npm start runs under', () => {
  it('reads a process\'s parent, and nothing for a process that is gone', () => {
    expect(parentOf(process.pid)).toBe(process.ppid);
    expect(parentOf(2 ** 22 + 1)).toBeUndefined();
  });

  it('ends the watching process once its parent is SIGKILLed (a kill re-parents the child, it does not end it)', async () => {
    // middle -> watcher: the watcher's chain is [middle, this test]. SIGKILL to middle re-parents the watcher.
    const script = `import { watchAncestors } from ${JSON.stringify(WATCH)}; watchAncestors(() => process.exit(0), { depth: 2, intervalMs: 100 }); process.stdout.write('watching\\n'); setInterval(() => {}, 1000);`;
    const middle = spawn(process.execPath, ['--import', 'tsx', '-e', `
      const { spawn } = require('node:child_process');
      const watcher = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', ${JSON.stringify(script)}], { stdio: ['ignore', 'inherit', 'inherit'] });
      process.stdout.write(String(watcher.pid) + '\\n');
      setInterval(() => {}, 1000);
    `], { stdio: ['ignore', 'pipe', 'inherit'] });
    let printed = '';
    middle.stdout!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    for (let waited = 0; !printed.includes('watching') && waited < 15_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    const watcherPid = Number(printed.split('\n')[0]);
    expect(parentOf(watcherPid)).toBe(middle.pid);
    middle.kill('SIGKILL');
    let alive = true;
    for (let waited = 0; alive && waited < 10_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      alive = parentOf(watcherPid) !== undefined;
    }
    expect(alive).toBe(false);
  }, 30_000);
});
