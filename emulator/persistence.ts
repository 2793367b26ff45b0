/**
 * Where the emulated accounts' state is kept between runs. Emulator-only (no AWS counterpart): in AWS,
 * accounts, roles, hubs and findings simply outlive any client; the emulator keeps them across a
 * restart, or a SIGKILL, of the process that holds it when it is given a data directory
 * (sqlite-persistence.ts), and in memory only otherwise (IN_MEMORY, what tests use).
 *
 * The stores write through on every change (a record per entity, replaced whole), synchronously, so a
 * change is durable before the request that made it is answered. Test and runtime state is never
 * stored: faults, call counters, the clock's offset and the rate-limit buckets start afresh on every
 * start (Assumption: a restart should not replay a test's injected failures or its throttling).
 */

/** One kind of record a store keeps; the key is unique within its kind. */
export type RecordKind = 'account' | 'credential' | 'role' | 'organization-policies' | 'security-hub' | 'finding';

export interface StoredRecord {
  key: string;
  value: unknown;
}

export interface Persistence {
  /** Creates or replaces the record; durable when this returns (or when the enclosing batch ends). */
  put(kind: RecordKind, key: string, value: unknown): void;
  delete(kind: RecordKind, key: string): void;
  /**
   * Runs fn (synchronous) with its writes as one unit: all of them durable when it returns, none if it
   * throws. One commit for a 100-finding import instead of a hundred. Batches nest (inner ones join).
   */
  batch<T>(fn: () => T): T;
  /** The stored records of one kind, in the order they were first written. */
  load(kind: RecordKind): StoredRecord[];
  close(): void;
}

/** No storage: everything lives and dies with the process. */
export const IN_MEMORY: Persistence = {
  put() {},
  delete() {},
  batch: (fn) => fn(),
  load: () => [],
  close() {},
};
