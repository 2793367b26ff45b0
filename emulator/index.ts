/**
 * The project's own STS, IAM and Security Hub emulator: speaks the real wire protocols (STS and IAM
 * awsQuery, Security Hub restJson1, SigV4) so the unchanged AWS SDK v3 clients and the AWS CLI talk to
 * it by endpoint. Test infrastructure only; the broker's code never imports it.
 */
import { IN_MEMORY } from './persistence.js';
import { startServer } from './server.js';
import { openSqlitePersistence } from './sqlite-persistence.js';
import { EmulatorState } from './state.js';

export { EmulatorState } from './state.js';
export type { AccessKeyInput, AccessKeyPair, CallRecord, FaultKind, FaultSpec, Finding, ResetPhase, RoleInput } from './types.js';

export interface EmulatorOptions {
  /** 0 or undefined = a random free port. */
  port?: number;
  /** Default 127.0.0.1: the admin routes are unauthenticated, so keep them off other interfaces (emulator-only). */
  host?: string;
  /**
   * Keep the emulated accounts' state (accounts, keys, roles and their policies, SCPs and RCPs, hubs,
   * subscriptions, findings) in this folder, durable before each answer, and take it back on start
   * (sqlite-persistence.ts). In memory when absent. One emulator per folder at a time.
   */
  dataDir?: string;
}

export interface Emulator {
  /** e.g. http://127.0.0.1:43121 — use as the SDK's `endpoint` or the CLI's `--endpoint-url`. */
  url: string;
  state: EmulatorState;
  stop(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const persistence = options.dataDir === undefined ? IN_MEMORY : openSqlitePersistence(options.dataDir);
  try {
    const state = new EmulatorState(persistence);
    const server = await startServer(state, options.host ?? '127.0.0.1', options.port ?? 0);
    return {
      url: server.url,
      state,
      async stop() {
        await server.stop();
        persistence.close();
      },
    };
  } catch (error) {
    persistence.close();
    throw error;
  }
}
