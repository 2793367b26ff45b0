/**
 * The project's own STS, IAM and Security Hub emulator: speaks the real wire protocols (STS and IAM
 * awsQuery, Security Hub restJson1, SigV4) so the unchanged AWS SDK v3 clients and the AWS CLI talk to
 * it by endpoint. Test infrastructure only; the broker's code never imports it.
 */
import { startServer } from './server.js';
import { EmulatorState } from './state.js';

export { EmulatorState } from './state.js';
export type { AccessKeyInput, AccessKeyPair, CallRecord, FaultKind, FaultSpec, Finding, RoleInput } from './types.js';

export interface EmulatorOptions {
  /** 0 or undefined = a random free port. */
  port?: number;
  /** Default 127.0.0.1: the admin routes are unauthenticated, so keep them off other interfaces (emulator-only). */
  host?: string;
}

export interface Emulator {
  /** e.g. http://127.0.0.1:43121 — use as the SDK's `endpoint` or the CLI's `--endpoint-url`. */
  url: string;
  state: EmulatorState;
  stop(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const state = new EmulatorState();
  const server = await startServer(state, options.host ?? '127.0.0.1', options.port ?? 0);
  return { url: server.url, state, stop: () => server.stop() };
}
