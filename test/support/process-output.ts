/**
 * Everything this process writes to stdout and stderr while captured (the handlers' Powertools logs are
 * JSON lines there), still passed through; `restore` puts the streams back.
 */
export function captureProcessOutput(): { captured: string[]; restore(): void } {
  const captured: string[] = [];
  const writes = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  const tee = (write: (...args: unknown[]) => boolean) => ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    captured.push(String(chunk));
    return write(chunk, ...rest);
  }) as typeof process.stdout.write;
  process.stdout.write = tee(writes.out as (...args: unknown[]) => boolean);
  process.stderr.write = tee(writes.err as (...args: unknown[]) => boolean);
  return {
    captured,
    restore: () => {
      process.stdout.write = writes.out as typeof process.stdout.write;
      process.stderr.write = writes.err as typeof process.stderr.write;
    },
  };
}
