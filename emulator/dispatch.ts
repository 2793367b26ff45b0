/**
 * The path every AWS request takes, whichever service it addresses: find the operation, authenticate
 * (SigV4, known key, live session), apply injected faults, authorise (IAM policy evaluation,
 * authorization.ts), then run the operation. Assumption: this order; AWS documents none between its
 * front end's checks. Every request that reached an operation is counted, errors included, against
 * the account its credentials resolve to. A 'connection-reset' fault (faults.ts) throws ConnectionReset,
 * before the operation or after it, and the server resets the connection instead of answering (server.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { authorize } from './authorization.js';
import { ConnectionReset } from './connection-reset.js';
import { AwsServiceError } from './errors.js';
import type { EmulatorRequest, HttpReply } from './http-io.js';
import type { Caller } from './identity.js';
import * as ids from './ids.js';
import type { OperationContext, ServiceBinding } from './service.js';
import { parseAuthorization, signatureProblem } from './sigv4.js';
import type { EmulatorState } from './state.js';

interface Authenticated {
  caller: Caller;
  region: string;
}

function header(request: EmulatorRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Resolves the caller; `seen` learns the account and Region even when authentication then fails. */
function authenticate(binding: ServiceBinding, state: EmulatorState, request: EmulatorRequest, seen: { accountId?: string; region: string }): Authenticated {
  const parsed = parseAuthorization(request);
  if (parsed.kind === 'missing') throw binding.errors.missingAuthentication();
  if (parsed.kind === 'malformed') throw binding.errors.incompleteSignature(parsed.message);
  const { auth } = parsed;
  seen.region = auth.region;
  const credential = state.credentials.lookup(auth.accessKeyId);
  if (!credential) throw binding.errors.unknownAccessKey();
  seen.accountId = credential.caller.accountId;
  // Session keys are only valid together with the token they were issued with.
  if (credential.sessionToken !== undefined && header(request, 'x-amz-security-token') !== credential.sessionToken) {
    throw binding.errors.unknownAccessKey();
  }
  const problem = signatureProblem(request, auth, credential.secretAccessKey, binding.signingName, binding.signingRegion);
  if (problem) throw binding.errors.badSignature(problem);
  if (credential.expiresAt !== undefined && credential.expiresAt <= state.clock.now()) throw binding.errors.expiredToken();
  return { caller: credential.caller, region: auth.region };
}

async function answer(
  binding: ServiceBinding,
  state: EmulatorState,
  request: EmulatorRequest,
  operation: string,
  requestId: string,
  seen: { accountId?: string; region: string },
  signal: AbortSignal,
): Promise<HttpReply> {
  const { caller, region } = authenticate(binding, state, request, seen);
  const roleArn = binding.faultRoleArn?.(operation, request);
  const fault = state.faults.take({ operation, accountId: caller.accountId, region, ...(roleArn === undefined ? {} : { roleArn }) });
  if (fault.latencyMs > 0) await sleep(fault.latencyMs, undefined, { signal });
  if (fault.answer === 'connection-reset' && fault.phase === 'before-operation') throw new ConnectionReset();
  if (fault.answer === 'expired-credentials') throw binding.errors.expiredToken();
  if (fault.answer === 'throttle') throw binding.errors.throttled(fault.errorCode);
  if (fault.answer === 'server-error') throw binding.errors.internal('injected server error');
  const context: OperationContext = { state, caller, region, request, requestId, ...(fault.answer === 'access-denied' ? { injectedAccessDenied: true } : {}) };
  const run = async (): Promise<HttpReply> => {
    const wanted = binding.authorization?.(operation, context);
    const denial = wanted && authorize(state, caller, wanted);
    if (denial) throw binding.errors.accessDenied(denial);
    return binding.invoke(operation, context);
  };
  if (fault.answer !== 'connection-reset') return run();
  // 'after-operation': the request is handled as usual and its changes are kept (and stored); only
  // the answer, whatever it was, is lost.
  await run().catch(() => undefined);
  throw new ConnectionReset();
}

export async function dispatch(binding: ServiceBinding, state: EmulatorState, request: EmulatorRequest, signal: AbortSignal): Promise<HttpReply> {
  const requestId = ids.requestId();
  const routed = binding.route(request);
  if (routed instanceof AwsServiceError) return binding.renderError(routed, requestId);
  const at = state.clock.now();
  const seen: { accountId?: string; region: string } = { region: '' };
  let reply: HttpReply;
  try {
    reply = await answer(binding, state, request, routed, requestId, seen, signal);
  } catch (error) {
    if (signal.aborted) throw error;
    if (error instanceof ConnectionReset) {
      // Counted, with no status: the request reached the emulator and got no answer.
      state.callLog.record({ operation: routed, ...(seen.accountId === undefined ? {} : { accountId: seen.accountId }), region: seen.region, at, status: 0 });
      throw error;
    }
    // Anything but a modelled AWS error is an emulator bug; answer it as the service's 500 so the
    // test that tripped it sees the message instead of a hung socket.
    const aws = error instanceof AwsServiceError ? error : binding.errors.internal(`emulator bug: ${String(error)}`);
    reply = binding.renderError(aws, requestId);
  }
  const account = seen.accountId === undefined ? {} : { accountId: seen.accountId };
  state.callLog.record({ operation: routed, ...account, region: seen.region, at, status: reply.status });
  return reply;
}
