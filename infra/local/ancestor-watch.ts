import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * The parent of a process, or undefined once it is gone (or cannot be read). Linux's /proc first (no
 * process to spawn: the watch asks every second), `ps` elsewhere (macOS), which answers the same.
 */
export function parentOf(pid: number): number | undefined {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ...", where comm may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    try {
      const ppid = Number(execFileSync('ps', ['-o', 'ppid=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      return Number.isInteger(ppid) && ppid > 0 ? ppid : undefined;
    } catch {
      return undefined;
    }
  }
}

/**
 * Calls `onGone` once any of this process's ancestors (up to `depth`, below init) has exited.
 * `npm start` runs npm -> (sh ->) tsx -> node; a SIGTERM to npm ends npm alone and leaves the rest
 * holding every port, so the stack watches its ancestors and stops itself with them. An ancestor
 * counts as exited when it is gone or when its own parent changed: a process whose parent exits is
 * re-parented (to init or a subreaper), which also catches the case where the exited one's pid was
 * meanwhile given to another process, and the case where the chain could only be read part way.
 * Where neither /proc nor `ps` answers, only the parent is watched.
 */
export function watchAncestors(onGone: () => void, options: { depth?: number; intervalMs?: number } = {}): () => void {
  const chain: Array<{ pid: number; parent: number | undefined }> = [];
  let pid = process.ppid;
  for (let level = 0; level < (options.depth ?? 4) && pid > 1; level++) {
    const parent = parentOf(pid);
    chain.push({ pid, parent });
    if (parent === undefined) break;
    pid = parent;
  }
  const timer = setInterval(() => {
    const broken = process.ppid !== chain[0]?.pid
      || chain.some(({ pid: ancestor, parent }) => parent !== undefined && parentOf(ancestor) !== parent);
    if (broken) {
      clearInterval(timer);
      onGone();
    }
  }, options.intervalMs ?? 1000);
  timer.unref();
  return () => clearInterval(timer);
}
