/**
 * The emulator's state on disk: one node:sqlite database (emulator.sqlite) in the data directory,
 * one row per record (persistence.ts), written synchronously (DatabaseSync) before the request that
 * changed it is answered. The same engine fauxqs uses for the local stack's queues.
 *
 * Durability: WAL journal with synchronous=NORMAL. A commit is in the WAL file (handed to the kernel)
 * when the write returns, so it survives the process being killed at any moment, SIGKILL included;
 * only a power loss or kernel crash may roll back the last commits ("A transaction committed in WAL
 * mode with synchronous=NORMAL might roll back following a power loss or system crash",
 * https://www.sqlite.org/pragma.html#pragma_synchronous). Assumption (emulator-only): the crash tests
 * kill processes, not machines, so an fsync per commit (synchronous=FULL) would buy nothing they test.
 * A database left by a killed process is recovered by SQLite itself on open (https://www.sqlite.org/wal.html).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Persistence, RecordKind, StoredRecord } from './persistence.js';

/** Bumped when a record's shape changes incompatibly; an older database is refused, not misread. */
const SCHEMA_VERSION = 1;

export const DATABASE_FILE = 'emulator.sqlite';

export function openSqlitePersistence(dataDir: string): Persistence {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, DATABASE_FILE);
  const db = new DatabaseSync(path);
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  const version = (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
  if (version !== 0 && version !== SCHEMA_VERSION) {
    db.close();
    throw new Error(`${path} holds emulator state of schema ${version}, this emulator writes ${SCHEMA_VERSION}: delete the folder to start afresh`);
  }
  // The rowid keeps first-write order (an upsert keeps its row), which the stores' Maps rely on:
  // ListEnabledProductsForImport and the admin findings list answer in insertion order.
  db.exec(`CREATE TABLE IF NOT EXISTS records (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (kind, key)
  )`);
  db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);

  const upsert = db.prepare('INSERT INTO records (kind, key, value) VALUES (?, ?, ?) ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value');
  const remove = db.prepare('DELETE FROM records WHERE kind = ? AND key = ?');
  const select = db.prepare('SELECT key, value FROM records WHERE kind = ? ORDER BY rowid');
  let depth = 0;

  return {
    put(kind: RecordKind, key: string, value: unknown): void {
      upsert.run(kind, key, JSON.stringify(value));
    },
    delete(kind: RecordKind, key: string): void {
      remove.run(kind, key);
    },
    batch<T>(fn: () => T): T {
      if (depth > 0) return fn();
      db.exec('BEGIN IMMEDIATE');
      depth += 1;
      try {
        const result = fn();
        db.exec('COMMIT');
        return result;
      } catch (error) {
        db.exec('ROLLBACK');
        throw error;
      } finally {
        depth -= 1;
      }
    },
    load(kind: RecordKind): StoredRecord[] {
      return (select.all(kind) as Array<{ key: string; value: string }>).map((row) => ({ key: row.key, value: JSON.parse(row.value) as unknown }));
    },
    close(): void {
      if (db.isOpen) db.close();
    },
  };
}
