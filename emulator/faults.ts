/**
 * Faults injected by tests and benchmarks. A fault matches on operation (or '*'), and optionally on
 * the calling account and Region; a fault with `times` disarms itself after that many hits.
 */
import type { FaultKind, FaultSpec, SecurityHubThrottlingCode } from './types.js';

const KINDS: ReadonlySet<FaultKind> = new Set(['throttle', 'server-error', 'latency', 'expired-credentials']);
const THROTTLING_CODES: ReadonlySet<SecurityHubThrottlingCode> = new Set(['TooManyRequestsException', 'LimitExceededException', 'ThrottlingException']);

export interface FaultTarget {
  operation: string;
  accountId?: string;
  region: string;
}

export interface FaultEffect {
  latencyMs: number;
  answer?: Exclude<FaultKind, 'latency'>;
  /** The answering fault's errorCode, if it named one. */
  errorCode?: SecurityHubThrottlingCode;
}

export class FaultRegistry {
  private faults: Array<FaultSpec & { remaining: number }> = [];

  inject(fault: FaultSpec): void {
    if (!KINDS.has(fault.kind)) throw new Error(`unknown fault kind: ${String(fault.kind)}`);
    if (typeof fault.operation !== 'string' || fault.operation === '') throw new Error('a fault needs an operation (or "*")');
    if (fault.kind === 'latency' && !(typeof fault.latencyMs === 'number' && fault.latencyMs >= 0)) {
      throw new Error('a latency fault needs latencyMs >= 0');
    }
    if (fault.errorCode !== undefined && (fault.kind !== 'throttle' || !THROTTLING_CODES.has(fault.errorCode))) {
      throw new Error(`errorCode is for throttle faults, one of ${[...THROTTLING_CODES].join(', ')}`);
    }
    if (fault.times !== undefined && !(Number.isInteger(fault.times) && fault.times > 0)) {
      throw new Error('times must be a positive integer');
    }
    this.faults.push({ ...fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.faults = [];
  }

  /**
   * What happens to this request: the summed delay of matching latency faults, then at most one
   * answering fault (the earliest injected). Only the faults that acted are consumed.
   */
  take(target: FaultTarget): FaultEffect {
    const hits = this.faults.filter(
      (f) =>
        (f.operation === '*' || f.operation === target.operation) &&
        (f.accountId === undefined || f.accountId === target.accountId) &&
        (f.region === undefined || f.region === target.region),
    );
    const delays = hits.filter((f) => f.kind === 'latency');
    const answer = hits.find((f) => f.kind !== 'latency');
    for (const acted of [...delays, ...(answer ? [answer] : [])]) acted.remaining -= 1;
    this.faults = this.faults.filter((f) => f.remaining > 0);
    const effect: FaultEffect = { latencyMs: delays.reduce((sum, f) => sum + (f.latencyMs ?? 0), 0) };
    if (answer) effect.answer = answer.kind as Exclude<FaultKind, 'latency'>;
    if (answer?.errorCode !== undefined) effect.errorCode = answer.errorCode;
    return effect;
  }
}
