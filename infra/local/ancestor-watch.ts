import { execFileSync } from 'node:child_process';

/**
 * Calls `onGone` once any of this process's ancestors (up to `depth`, below init) has exited.
 * `npm start` runs npm -> sh -> tsx -> node; a SIGTERM to npm ends npm alone and leaves the rest
 * holding every port, so the stack watches its ancestors and stops itself with them. `ps` answers the
 * same on Linux and macOS; where it is missing, nothing is watched.
 */
export function watchAncestors(onGone: () => void, options: { depth?: number; intervalMs?: number } = {}): () => void {
  const ancestors: number[] = [];
  let pid = process.ppid;
  try {
    for (let level = 0; level < (options.depth ?? 4) && pid > 1; level++) {
      ancestors.push(pid);
      pid = Number(execFileSync('ps', ['-o', 'ppid=', '-p', String(pid)], { encoding: 'utf8' }).trim());
    }
  } catch {
    // No ps: keep what was found (at least the parent).
  }
  const alive = (candidate: number): boolean => {
    try {
      process.kill(candidate, 0);
      return true;
    } catch {
      // ESRCH: gone. EPERM: the pid was reused by someone else's process: ours is gone too.
      return false;
    }
  };
  const timer = setInterval(() => {
    if (ancestors.some((ancestor) => !alive(ancestor)) || process.ppid !== ancestors[0]) {
      clearInterval(timer);
      onGone();
    }
  }, options.intervalMs ?? 1000);
  timer.unref();
  return () => clearInterval(timer);
}
