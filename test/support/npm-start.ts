import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RunningNpmStart<State> {
  child: ChildProcess;
  /** What `npm start` wrote to its state file once it was ready. */
  state: State;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
}

/**
 * Runs `npm start` as README says, on free ports, with the given flags and state file, and resolves
 * once the state file is written (the stack is ready). `detached` (the default) puts it in its own
 * process group, so `stopGroup` ends npm and every child; without it a signal reaches npm alone.
 * A state file left by an earlier run counts only once rewritten: a restart on the same state file
 * keeps the partner's token (npm start reuses it) and still waits until the stack is up again.
 */
export async function startNpm<State>(stateFile: string, flags: string[], options: { detached?: boolean } = {}): Promise<RunningNpmStart<State>> {
  const earlier = existsSync(stateFile) ? statSync(stateFile).mtimeMs : undefined;
  const child = spawn('npm', ['start', '--', ...flags, '--state-file', stateFile, '--api-port', '0', '--emulator-port', '0', '--dynamo-port', '0', '--sqs-port', '0'],
    { detached: options.detached ?? true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  for (let waited = 0; waited < 45_000 && child.exitCode === null; waited += 200) {
    if (existsSync(stateFile) && statSync(stateFile).mtimeMs !== earlier) {
      const text = await readFile(stateFile, 'utf8');
      // Caught mid-write (npm start writes it in place) when it is not whole JSON yet: read it again on the next round.
      if (isWholeJson(text)) return { child, state: JSON.parse(text) as State, output: () => output };
    }
    await sleep(200);
  }
  throw new Error(`npm start did not come up:\n${output}`);
}

/** Ends a detached `npm start` and all of its process group, and waits for npm to exit. */
export async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid!, 'SIGTERM');
  await exited;
}

function isWholeJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
