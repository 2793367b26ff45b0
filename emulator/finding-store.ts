/**
 * Imported findings per (AwsAccountId, Region), keyed as Security Hub keys them: ProductArn + Id.
 * A finding with the same key updates the held one only when its UpdatedAt is later; an older or
 * equal UpdatedAt is dropped (and still reported as a success, as AWS does): "If UpdatedAt on the
 * update matches or occurs before UpdatedAt on the existing finding, then the update is ignored"
 * (https://docs.aws.amazon.com/securityhub/latest/userguide/finding-update-batchimportfindings.html#batchimportfindings-create-or-update).
 *
 * Each entry keeps three things apart:
 * - `imported`: the last accepted BatchImportFindings payload, exactly as sent. `list()` returns
 *   these: the admin view ("findings as imported") that tests of the broker assert on.
 * - `held`: the finding as Security Hub holds it, after the FindingProviderFields rules and any
 *   BatchUpdateFindings (securityhub/finding-provider-fields.ts). `held()` returns these, for GetFindings.
 * - `setByBatchUpdate`: which of Confidence, Criticality, RelatedFindings, Severity, Types a
 *   BatchUpdateFindings request has set ("already updated by BatchUpdateFindings" in the user guide).
 *   Bookkeeping only: never part of a returned finding.
 */
import type { ProviderAttribute } from './securityhub/finding-provider-fields.js';
import { createFinding, updateFinding } from './securityhub/finding-provider-fields.js';
import { IN_MEMORY, type Persistence } from './persistence.js';
import type { Finding } from './types.js';

export type StoreOutcome = 'created' | 'updated' | 'ignored';

interface Entry {
  imported: Finding;
  held: Finding;
  setByBatchUpdate: Set<ProviderAttribute>;
}

export interface FindingIdentifier {
  ProductArn: string;
  Id: string;
}

function entryKey(productArn: string | undefined, id: string | undefined): string {
  return `${productArn}\n${id}`;
}

/**
 * The stored record of one finding (persistence.ts): its scope and its entry. `held` is left out while
 * it is what createFinding makes of `imported` (a finding imported once and never updated, the common
 * case): half the bytes written per import, and rebuilt by the same function on restore.
 */
interface StoredFinding {
  accountId: string;
  region: string;
  imported: Finding;
  held?: Finding;
  setByBatchUpdate: ProviderAttribute[];
}

export class FindingStore {
  private readonly byScope = new Map<string, Map<string, Entry>>();

  constructor(private readonly persistence: Persistence = IN_MEMORY) {}

  restore(): void {
    for (const { key, value } of this.persistence.load('finding')) {
      const record = value as StoredFinding;
      this.scope(record.accountId, record.region).set(key.slice(key.indexOf('\n') + 1), {
        imported: record.imported, held: record.held ?? createFinding(record.imported), setByBatchUpdate: new Set(record.setByBatchUpdate),
      });
    }
  }

  /** Writes one entry through to storage; every change to a finding ends here. */
  private save(accountId: string, region: string, key: string, entry: Entry, heldIsCreated = false): void {
    const record: StoredFinding = {
      accountId, region, imported: entry.imported, ...(heldIsCreated ? {} : { held: entry.held }), setByBatchUpdate: [...entry.setByBatchUpdate],
    };
    this.persistence.put('finding', `${accountId}|${region}\n${key}`, record);
  }

  private scope(accountId: string | undefined, region: string): Map<string, Entry> {
    const scopeKey = `${accountId}|${region}`;
    let scope = this.byScope.get(scopeKey);
    if (!scope) {
      scope = new Map();
      this.byScope.set(scopeKey, scope);
    }
    return scope;
  }

  /** A finding BatchImportFindings accepted, stored in its AwsAccountId and the request's Region. */
  put(region: string, finding: Finding): StoreOutcome {
    const scope = this.scope(finding.AwsAccountId, region);
    const key = entryKey(finding.ProductArn, finding.Id);
    const existing = scope.get(key);
    // Stored copies are detached from the caller's object so later mutation cannot rewrite history.
    const imported = structuredClone(finding);
    if (!existing) {
      const entry: Entry = { imported, held: createFinding(imported), setByBatchUpdate: new Set() };
      scope.set(key, entry);
      this.save(String(finding.AwsAccountId), region, key, entry, true);
      return 'created';
    }
    // BatchUpdateFindings leaves UpdatedAt alone, so the held one is the provider's last UpdatedAt.
    if (Date.parse(String(finding.UpdatedAt)) <= Date.parse(String(existing.held.UpdatedAt))) return 'ignored';
    existing.imported = imported;
    existing.held = updateFinding(existing.held, imported, existing.setByBatchUpdate);
    this.save(String(finding.AwsAccountId), region, key, existing);
    return 'updated';
  }

  /** The findings as imported (the last accepted payload of each), for the admin surface. */
  list(accountId: string, region: string): Finding[] {
    return [...(this.byScope.get(`${accountId}|${region}`)?.values() ?? [])].map((entry) => structuredClone(entry.imported));
  }

  /** The findings as Security Hub holds them: what GetFindings answers with, before its service fill-ins. */
  held(accountId: string, region: string): Finding[] {
    return [...(this.byScope.get(`${accountId}|${region}`)?.values() ?? [])].map((entry) => structuredClone(entry.held));
  }

  /** One held finding, or undefined when the account has none with this identifier in the Region. */
  find(accountId: string, region: string, identifier: FindingIdentifier): Finding | undefined {
    const entry = this.byScope.get(`${accountId}|${region}`)?.get(entryKey(identifier.ProductArn, identifier.Id));
    return entry ? structuredClone(entry.held) : undefined;
  }

  /**
   * Replaces a held finding with the result of a BatchUpdateFindings request and records which
   * provider attributes that request set. The imported payload is untouched.
   */
  applyBatchUpdate(accountId: string, region: string, updated: Finding, attributes: readonly ProviderAttribute[]): void {
    const entry = this.byScope.get(`${accountId}|${region}`)?.get(entryKey(updated.ProductArn, updated.Id));
    if (!entry) throw new Error(`no finding ${updated.Id} of ${updated.ProductArn} in ${accountId} ${region}`);
    entry.held = structuredClone(updated);
    for (const attribute of attributes) entry.setByBatchUpdate.add(attribute);
    this.save(accountId, region, entryKey(updated.ProductArn, updated.Id), entry);
  }
}
