import type { APIGatewayProxyResult } from 'aws-lambda';
import { AsyncLocalStorage } from 'node:async_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import xray from 'aws-xray-sdk-core';
import { expect } from 'vitest';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { Metrics } from '@aws-lambda-powertools/metrics';

/** Cases per route in `npm test`: the floor. */
export const FUZZ_RUNS = 10_000;

/**
 * What a route's whole run may add, measured after a full GC. RSS: generous, because V8 keeps the pages
 * its heap grew to (the first run of a file also warms the JIT and grows the local stack's own stores:
 * 340 MiB was seen once; the process holds dynalite, fauxqs and the emulator besides the handler), so
 * it catches runaway growth (a reply or body kept per case), not a function's exact footprint.
 * The heap still in use is the leak detector: anything kept per case (a reply, log line, cache entry of
 * 5 KB) would add 50 MB over 10,000 cases.
 */
export const RSS_GROWTH_BOUND = 512 * 1024 * 1024;
export const HEAP_GROWTH_BOUND = 48 * 1024 * 1024;

/**
 * The size bound of an API reply: 64 KiB, plus half the request (the issues a partner's findings earn,
 * shared/ingest/bounded-results.ts), plus 1 KiB per finding the reply lists (each rejected finding keeps
 * its first error, at most 300 characters of message and of path, and its clipped Id).
 */
export function replyBound(requestBytes: number, listedFindings = 0): number {
  return 64 * 1024 + Math.floor(requestBytes / 2) + 1024 * listedFindings;
}

/**
 * The per-case properties of an HTTP route: no 5xx, a bounded reply, and every 4xx a JSON error with a
 * code (`{"error": {"code", "message"}}`). Returns the parsed body.
 */
export function expectSafeReply(result: APIGatewayProxyResult, requestBytes: number, what: () => string): Record<string, any> {
  const bytes = Buffer.byteLength(result.body ?? '');
  let body: Record<string, any> = {};
  try {
    body = JSON.parse(result.body) as Record<string, any>;
  } catch { /* asserted below */ }
  const listed = Array.isArray(body.results) ? body.results.length : 0;
  // Checked plainly first: expect() on every one of 10,000 passing cases costs more than the handler.
  const fine = result.statusCode < 500 && typeof body === 'object' && body !== null && listed <= 1000 && bytes <= replyBound(requestBytes, listed)
    && (result.statusCode < 400 || typeof body.error?.code === 'string');
  if (!fine) {
    const shown = `${what()} -> ${result.statusCode} ${String(result.body).slice(0, 400)}`;
    expect(result.statusCode, shown).toBeLessThan(500);
    expect(listed, shown).toBeLessThanOrEqual(1000);
    expect(bytes, shown).toBeLessThanOrEqual(replyBound(requestBytes, listed));
    expect(body.error?.code, shown).toEqual(expect.any(String));
  }
  return body;
}

/** A full garbage collection (V8's gc, exposed at run time: the test runner starts workers without --expose-gc). */
const gc: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/** RSS before and after a route's run, with a GC first when the process allows it (so the bound is about what stays). */
export function rssMeter(): { growth(): number; heapGrowth(): number } {
  gc();
  const start = process.memoryUsage();
  const before = start.rss;
  return {
    heapGrowth() {
      gc();
      return process.memoryUsage().heapUsed - start.heapUsed;
    },
    growth() {
      gc();
      const growth = process.memoryUsage().rss - before;
      return growth;
    },
  };
}

export interface Leak {
  where: string;
  canary: string;
  excerpt: string;
}

/**
 * Canaries are planted in what the fuzzers send (finding content, token secrets, ExternalIds,
 * credentials); a scanner looks for each in every piece of output. Only hits and counts are kept,
 * never the output itself, so a long run does not grow the heap it measures.
 */
export class CanaryScanner {
  readonly leaks: Leak[] = [];
  private readonly canaries = new Set<string>();

  plant(...values: string[]): void {
    for (const value of values) if (value.length >= 8) this.canaries.add(value);
  }

  scan(where: string, text: string): void {
    for (const canary of this.canaries) {
      const at = text.indexOf(canary);
      if (at >= 0 && this.leaks.length < 20) this.leaks.push({ where, canary: canary.slice(0, 16), excerpt: text.slice(Math.max(0, at - 160), at + 40) });
    }
  }
}

/**
 * Everything written to stdout and stderr while it runs: Powertools logs (JSON lines) and EMF metrics
 * (JSON lines with an `_aws` block) both go there. Writes are scanned and swallowed (DEBUG logs of
 * 10,000 cases would flood the test output); what the handlers wrote is counted so a test can show the
 * capture saw them.
 */
export function captureOutput(scanner: CanaryScanner): { stop(): void; seen: { bytes: number; logLines: number; metricLines: number; levels: Set<string> } } {
  const seen = { bytes: 0, logLines: 0, metricLines: 0, levels: new Set<string>() };
  const originals = { out: process.stdout.write, err: process.stderr.write };
  const capture = (stream: 'stdout' | 'stderr') => ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    seen.bytes += text.length;
    if (text.includes('"service":"securityhub-broker"') && text.includes('"level":')) {
      seen.logLines += 1;
      const level = /"level":"(\w+)"/.exec(text)?.[1];
      if (level) seen.levels.add(level);
    }
    if (text.includes('"_aws":')) seen.metricLines += 1;
    scanner.scan(stream, text);
    const done = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    done?.();
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = capture('stdout');
  process.stderr.write = capture('stderr');
  return {
    seen,
    stop() {
      process.stdout.write = originals.out;
      process.stderr.write = originals.err;
    },
  };
}

/**
 * X-Ray as the handlers would feed it in Lambda. The Powertools Tracer is off outside Lambda (its
 * middleware then records nothing), so tracing is switched on and each invocation gets a fresh root
 * segment of the real X-Ray SDK in place of Lambda's facade segment. The middleware adds its handler
 * subsegment, annotations (ColdStart, Service) and, on a thrown error, the error with its message and
 * stack; the serialized segment, exactly what the daemon would receive, is then scanned. The root
 * segment is never closed, so nothing is sent over UDP. Not covered: the AWS SDK clients, wrapped (or
 * not) by captureAWSv3Client at import, while tracing was off; their subsegments hold operation names,
 * not payloads.
 */
export function recordTraces(tracer: Tracer, scanner: CanaryScanner): { traced<T>(call: () => Promise<T>): Promise<T>; seen: { segments: number; bytes: number; subsegments: number; errors: number } } {
  const seen = { segments: 0, bytes: 0, subsegments: 0, errors: 0 };
  type SegmentHolder = { getSegment(): unknown; setSegment(segment: unknown): void };
  const switchable = tracer as unknown as SegmentHolder & { tracingEnabled: boolean; provider: SegmentHolder };
  switchable.tracingEnabled = true;
  // One segment per invocation, kept per async context: cases run a few at a time (fuzzCases).
  const context = new AsyncLocalStorage<{ segment: unknown }>();
  // Both the Tracer and its X-Ray provider (which annotations and metadata go through) see this segment.
  for (const holder of [switchable, switchable.provider]) {
    holder.getSegment = () => context.getStore()?.segment;
    holder.setSegment = (segment) => {
      const store = context.getStore();
      if (store) store.segment = segment;
    };
  }
  return {
    seen,
    async traced(call) {
      const root = new xray.Segment('fuzz');
      try {
        return await context.run({ segment: root }, call);
      } finally {
        // What the daemon receives: in Lambda the root is the facade segment, which the function never
        // sends; its subsegments go out on their own, each as format() writes it. (The root's in-memory
        // `exception` holds the thrown error object itself; flush() deletes it unsent.)
        const documents = (root.subsegments ?? []).map((subsegment) => subsegment.format());
        const text = documents.join('\n');
        seen.segments += 1;
        seen.bytes += text.length;
        seen.subsegments += documents.length;
        if (text.includes('"exceptions"')) seen.errors += 1;
        scanner.scan('trace', text);
      }
    },
  };
}

/** Cases run at once within one fast-check run: the registry and queue calls of one overlap another's parsing. */
export const CASES_PER_RUN = 10;

/**
 * Runs `runs` fuzz cases, CASES_PER_RUN at a time: each fast-check run draws that many cases and awaits
 * them together. A failure still prints fast-check's seed and the shrunk batch that failed.
 */
export async function fuzzCases<T>(cases: fc.Arbitrary<T>, check: (value: T) => Promise<void>, runs = FUZZ_RUNS): Promise<void> {
  await fc.assert(fc.asyncProperty(fc.array(cases, { minLength: CASES_PER_RUN, maxLength: CASES_PER_RUN }), async (batch) => {
    await Promise.all(batch.map(check));
  }), { numRuns: Math.ceil(runs / CASES_PER_RUN) });
}

/**
 * As fuzzCases, but `run` gets each fast-check run's whole batch of CASES_PER_RUN cases: a check that
 * needs the system at rest between runs (a queue purged before, drained after) goes around the cases
 * there without racing another run's. `parameters` are fast-check's (a time limit on shrinking, say).
 */
export async function fuzzRuns<T>(cases: fc.Arbitrary<T>, run: (batch: T[]) => Promise<void>, runs = FUZZ_RUNS, parameters: fc.Parameters<[T[]]> = {}): Promise<void> {
  await fc.assert(fc.asyncProperty(fc.array(cases, { minLength: CASES_PER_RUN, maxLength: CASES_PER_RUN }), run), { ...parameters, numRuns: Math.ceil(runs / CASES_PER_RUN) });
}

/** EMF metrics are off in the local stack (POWERTOOLS_METRICS_DISABLED); on here, so their output is scanned too. */
export function enableMetrics(metrics: Metrics): void {
  (metrics as unknown as { disabled: boolean }).disabled = false;
}

/** What a fuzz file watches of the broker's handlers: their output captured and their traces recorded, both scanned. */
export interface Observed {
  output: ReturnType<typeof captureOutput>;
  traces: ReturnType<typeof recordTraces>;
  /** The handlers' logger, to prove the fuzz ran at the most verbose level. */
  logger: { getLevelName(): string };
}

/**
 * Starts watching everything the handlers write and trace (Powertools' process-wide logger, metrics and
 * tracer), scanned for `scanner`'s canaries. Metrics are turned on (off in the local stack) unless the
 * file fuzzes a handler that publishes none. Stop it with `observed.output.stop()`.
 */
export async function observeHandlers(scanner: CanaryScanner, options: { metrics?: boolean } = {}): Promise<Observed> {
  const [{ metrics, logger }, { tracer }] = await Promise.all([import('#functions/observability.js'), import('#functions/tracer.js')]);
  if (options.metrics !== false) enableMetrics(metrics);
  return { logger, traces: recordTraces(tracer, scanner), output: captureOutput(scanner) };
}
