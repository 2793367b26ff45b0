import type { Registration } from './model.js';
import type { Registry } from './registry.js';

/**
 * Registrations read once per account+product for the life of one request or SQS batch: a
 * batch of findings for one customer costs one GetItem, however many findings it holds.
 */
export class RegistrationLookup {
  private readonly pending = new Map<string, Promise<Registration | undefined>>();

  constructor(private readonly registry: Registry) {}

  get(accountId: string, productKey: string): Promise<Registration | undefined> {
    const key = `${accountId}|${productKey}`;
    let lookup = this.pending.get(key);
    if (!lookup) {
      lookup = this.registry.getRegistration(accountId, productKey);
      this.pending.set(key, lookup);
    }
    return lookup;
  }
}
