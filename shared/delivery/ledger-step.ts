import { findingDefect, type DeliveryGroup, type Finding } from '../queue/delivery-message.js';
import type { Registry } from '../registry/registry.js';
import type { Registration } from '../registry/model.js';
import { decideDeliveries, type LedgerDecision } from '../ledger/ledger-decision.js';
import type { FindingFate, FindingKey, ImportedVersion, Ledger } from '../ledger/ledger-model.js';
import type { RecordFate, RecordFinding } from './record-fate.js';

/** A finding that reached delivery (read, registered), with what the ledger needs of its message. */
export interface DeliverableFinding {
  item: RecordFinding;
  registration: Registration;
  region: string;
  submissionId: string;
  partnerId: string;
}

/**
 * The ledger's key of a finding delivery can handle (findingDefect: string Id and ProductArn). Its
 * account is its AwsAccountId, the message's when that is no string (ingest validated it; a message
 * written by something else may not be).
 */
export function findingKeyOf(finding: Finding, group: DeliveryGroup): FindingKey {
  return { accountId: typeof finding.AwsAccountId === 'string' ? finding.AwsAccountId : group.accountId,
    productArn: finding.ProductArn as string, id: finding.Id as string };
}

/** The partner's change-only switch (on unless turned off), read once per invocation. */
export function changeOnlyOf(registry: Registry, partnerId: string, cache: Map<string, Promise<boolean>>): Promise<boolean> {
  let answer = cache.get(partnerId);
  if (!answer) {
    answer = registry.getPartner(partnerId).then((partner) => partner?.changeOnly !== false);
    cache.set(partnerId, answer);
  }
  return answer;
}

/** One ledger read for the whole batch, then decideDeliveries. */
export async function ledgerDecisions(
  ledger: Ledger,
  deliverable: DeliverableFinding[],
  changeOnly: (partnerId: string) => Promise<boolean>,
  now: number,
  refreshMs: number,
): Promise<LedgerDecision[]> {
  if (deliverable.length === 0) return [];
  const keys = deliverable.map(({ item }) => findingKeyOf(item.finding, item.group));
  const [states, switches] = await Promise.all([
    ledger.findingStates(keys),
    Promise.all(deliverable.map(({ partnerId }) => changeOnly(partnerId))),
  ]);
  return decideDeliveries(deliverable.map(({ item, submissionId }, index) => ({
    key: keys[index]!, finding: item.finding, submissionId, changeOnly: switches[index]!,
  })), states, now, refreshMs);
}

export interface LedgerEntries {
  imported: Array<{ key: FindingKey; version: ImportedVersion }>;
  fates: Array<{ submissionId: string; fate: FindingFate }>;
}

/**
 * What the ledger learns from a batch: the versions imported now (those with a content hash: sent by
 * this invocation), and each finding's fate where it is final: imported, ignored, unchanged, or
 * dead-lettered (as its record's fate says; a finding re-queued or retried is still queued).
 */
export function ledgerEntries(perRecord: RecordFinding[][], fates: RecordFate[], hashes: Map<RecordFinding, string>, now: number): LedgerEntries {
  const entries: LedgerEntries = { imported: [], fates: [] };
  perRecord.forEach((items, index) => {
    const fate = fates[index]!;
    const deadLetters = new Map(fate.fate === 'settle' ? fate.deadLetters.map((letter) => [letter.finding, letter.failure]) : []);
    for (const item of items) {
      const { finding, group, outcome } = item;
      // A malformed record or finding (dead-lettered as such) has no key and no submission to report to.
      if (group.submissionId === 'unknown' || findingDefect(finding) !== undefined) continue;
      const key = findingKeyOf(finding, group);
      const record = (fate: Omit<FindingFate, 'key' | 'stage' | 'at'>) =>
        entries.fates.push({ submissionId: group.submissionId, fate: { key, stage: 'delivery', at: now, ...fate } });
      const letter = deadLetters.get(finding);
      if (letter) {
        record({ fate: 'dead-lettered', code: letter.code, message: letter.message });
      } else if (outcome.kind === 'imported') {
        record({ fate: 'imported' });
        const hash = hashes.get(item);
        if (hash) {
          entries.imported.push({ key, version: {
            updatedAt: finding.UpdatedAt as string, submissionId: group.submissionId, hash, importedAt: now,
            recordState: finding.RecordState === 'ARCHIVED' ? 'ARCHIVED' : 'ACTIVE',
            generatorId: typeof finding.GeneratorId === 'string' ? finding.GeneratorId : '',
            json: JSON.stringify(finding),
          } });
        }
      } else if (outcome.kind === 'ignored') {
        record({ fate: 'ignored', code: outcome.code, message: outcome.message });
      } else if (outcome.kind === 'unchanged') {
        record({ fate: 'unchanged', code: 'Unchanged',
          message: 'Not sent again: its content (all but UpdatedAt) equals the version the broker imported recently; Security Hub already has it.' });
      }
    }
  });
  return entries;
}

export async function writeLedger(ledger: Ledger, entries: LedgerEntries): Promise<void> {
  await Promise.all([
    entries.imported.length > 0 ? ledger.putImported(entries.imported) : undefined,
    entries.fates.length > 0 ? ledger.putFates(entries.fates) : undefined,
  ]);
}
