/**
 * Faults injected by tests and benchmarks. A fault matches on operation (or '*'), and optionally on
 * the calling account and Region (and, for AssumeRole, the role asked for); a fault with `times`
 * disarms itself after that many hits. Emulator-only: AWS has no fault API; what each kind stands for
 * is in emulator/README.md ("Faults") and at the dispatch step that acts on it (dispatch.ts).
 *
 * - 'connection-reset' stands for a network failure between the caller (a Lambda function) and the
 *   AWS endpoint. Assumption: AWS documents no such answer, since it is no answer at all; SDKs treat
 *   a reset as a transient error and retry it.
 * - 'access-denied' is valid for STS AssumeRole only: STS answering AccessDenied for a role that does
 *   trust the caller, for a while, is what IAM's eventual consistency produces after a role or its
 *   trust policy was created or changed ("changes that you make in IAM ... can take time to become
 *   visible", https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency).
 *   The other operations' refusals come from the policies the emulator evaluates (put or delete a
 *   role's policy, attach an SCP); an injected denial there would need a policy type to name in
 *   IAM's message, so they are refused here rather than answered with a made-up one.
 */
import type { FaultKind, FaultSpec, ResetPhase, SecurityHubThrottlingCode } from './types.js';

const KINDS: ReadonlySet<FaultKind> = new Set([
  'throttle', 'server-error', 'latency', 'expired-credentials', 'connection-reset', 'access-denied',
]);
const THROTTLING_CODES: ReadonlySet<SecurityHubThrottlingCode> = new Set(['TooManyRequestsException', 'LimitExceededException', 'ThrottlingException']);
const PHASES: ReadonlySet<ResetPhase> = new Set(['before-operation', 'after-operation']);
/** The only operation an 'access-denied' fault or a roleArn may name (above). */
const ASSUME_ROLE = 'AssumeRole';

export interface FaultTarget {
  operation: string;
  accountId?: string;
  region: string;
  /** For AssumeRole: the RoleArn the request names. */
  roleArn?: string;
}

export type AnsweringFault = Exclude<FaultKind, 'latency'>;

export interface FaultEffect {
  latencyMs: number;
  answer?: AnsweringFault;
  /** The answering fault's errorCode, if it named one. */
  errorCode?: SecurityHubThrottlingCode;
  /** For 'connection-reset': when the connection drops. */
  phase?: ResetPhase;
}

function optionalString(fault: FaultSpec, key: 'accountId' | 'region' | 'roleArn'): void {
  const value = fault[key];
  if (value !== undefined && (typeof value !== 'string' || value === '')) throw new Error(`${key} must be a non-empty string`);
}

/** Throws a plain Error naming what is wrong (the admin API answers it with 400). */
function validate(fault: FaultSpec): void {
  if (!KINDS.has(fault.kind)) throw new Error(`unknown fault kind: ${String(fault.kind)}`);
  if (typeof fault.operation !== 'string' || fault.operation === '') throw new Error('a fault needs an operation (or "*")');
  for (const key of ['accountId', 'region', 'roleArn'] as const) optionalString(fault, key);
  if (fault.kind === 'latency' && !(typeof fault.latencyMs === 'number' && fault.latencyMs >= 0)) {
    throw new Error('a latency fault needs latencyMs >= 0');
  }
  if (fault.errorCode !== undefined && (fault.kind !== 'throttle' || !THROTTLING_CODES.has(fault.errorCode))) {
    throw new Error(`errorCode is for throttle faults, one of ${[...THROTTLING_CODES].join(', ')}`);
  }
  if (fault.phase !== undefined && (fault.kind !== 'connection-reset' || !PHASES.has(fault.phase))) {
    throw new Error(`phase is for connection-reset faults, one of ${[...PHASES].join(', ')}`);
  }
  if (fault.kind === 'access-denied' && fault.operation !== ASSUME_ROLE) {
    throw new Error(`an access-denied fault is for operation ${ASSUME_ROLE} only (other refusals come from the policies: put, delete or attach one)`);
  }
  if (fault.roleArn !== undefined && fault.operation !== ASSUME_ROLE) throw new Error(`roleArn narrows ${ASSUME_ROLE} faults only`);
  if (fault.times !== undefined && !(Number.isInteger(fault.times) && fault.times > 0)) {
    throw new Error('times must be a positive integer');
  }
}

export class FaultRegistry {
  private faults: Array<FaultSpec & { remaining: number }> = [];

  inject(fault: FaultSpec): void {
    validate(fault);
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
        (f.region === undefined || f.region === target.region) &&
        (f.roleArn === undefined || f.roleArn === target.roleArn),
    );
    const delays = hits.filter((f) => f.kind === 'latency');
    const answer = hits.find((f) => f.kind !== 'latency');
    for (const acted of [...delays, ...(answer ? [answer] : [])]) acted.remaining -= 1;
    this.faults = this.faults.filter((f) => f.remaining > 0);
    const effect: FaultEffect = { latencyMs: delays.reduce((sum, f) => sum + (f.latencyMs ?? 0), 0) };
    if (answer) effect.answer = answer.kind as AnsweringFault;
    if (answer?.errorCode !== undefined) effect.errorCode = answer.errorCode;
    if (answer?.kind === 'connection-reset') effect.phase = answer.phase ?? 'before-operation';
    return effect;
  }
}
