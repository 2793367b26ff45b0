/**
 * Imported findings per (AwsAccountId, Region), keyed as Security Hub keys them: ProductArn + Id.
 * A finding with the same key replaces the stored one only when its UpdatedAt is later; an older
 * or equal UpdatedAt is dropped (and still reported as a success, as AWS does).
 */
import type { Finding } from './types.js';

export type StoreOutcome = 'created' | 'updated' | 'ignored';

export class FindingStore {
  private readonly byScope = new Map<string, Map<string, Finding>>();

  put(region: string, finding: Finding): StoreOutcome {
    const scopeKey = `${finding.AwsAccountId}|${region}`;
    let scope = this.byScope.get(scopeKey);
    if (!scope) {
      scope = new Map();
      this.byScope.set(scopeKey, scope);
    }
    const key = `${finding.ProductArn}\n${finding.Id}`;
    const existing = scope.get(key);
    // Stored copies are detached from the caller's object so later mutation cannot rewrite history.
    const copy = structuredClone(finding);
    if (!existing) {
      scope.set(key, copy);
      return 'created';
    }
    if (Date.parse(String(finding.UpdatedAt)) <= Date.parse(String(existing.UpdatedAt))) return 'ignored';
    scope.set(key, copy);
    return 'updated';
  }

  list(accountId: string, region: string): Finding[] {
    return [...(this.byScope.get(`${accountId}|${region}`)?.values() ?? [])].map((f) => structuredClone(f));
  }
}
