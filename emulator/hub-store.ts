/**
 * Security Hub's per-account, per-Region state: whether the hub is enabled, and which products the
 * account has subscribed to (EnableImportFindingsForProduct). Subscriptions survive disabling the
 * hub, as AWS keeps configuration for a while after DisableSecurityHub, but only count while the
 * hub is enabled.
 */
import { hubArn, parseProductArn, productSubscriptionArn } from './arn.js';

export interface Hub {
  hubArn: string;
  subscribedAt: string;
}

interface RegionState {
  hub?: Hub;
  /** subscription ARN -> product ARN, in subscription order (ListEnabledProductsForImport's order). */
  subscriptions: Map<string, string>;
}

export class HubStore {
  private readonly regions = new Map<string, RegionState>();

  private state(accountId: string, region: string): RegionState {
    const key = `${accountId}|${region}`;
    let state = this.regions.get(key);
    if (!state) {
      state = { subscriptions: new Map() };
      this.regions.set(key, state);
    }
    return state;
  }

  enable(accountId: string, region: string, at: Date): Hub {
    const state = this.state(accountId, region);
    state.hub ??= { hubArn: hubArn(region, accountId), subscribedAt: at.toISOString() };
    return state.hub;
  }

  disable(accountId: string, region: string): void {
    delete this.state(accountId, region).hub;
  }

  hub(accountId: string, region: string): Hub | undefined {
    return this.regions.get(`${accountId}|${region}`)?.hub;
  }

  /** Returns the subscription ARN; throws when productArn is not a product ARN. */
  subscribe(accountId: string, region: string, productArn: string): string {
    if (!parseProductArn(productArn)) throw new Error(`not a Security Hub product ARN: ${productArn}`);
    const arn = productSubscriptionArn(region, accountId, productArn);
    this.state(accountId, region).subscriptions.set(arn, productArn);
    return arn;
  }

  /** Removes by product ARN or subscription ARN; false when there was none. */
  unsubscribe(accountId: string, region: string, arn: string): boolean {
    const subscriptions = this.state(accountId, region).subscriptions;
    if (subscriptions.delete(arn)) return true;
    for (const [subscriptionArn, productArn] of subscriptions) {
      if (productArn === arn) return subscriptions.delete(subscriptionArn);
    }
    return false;
  }

  isSubscribed(accountId: string, region: string, productArn: string): boolean {
    const state = this.regions.get(`${accountId}|${region}`);
    return state?.hub !== undefined && [...state.subscriptions.values()].includes(productArn);
  }

  subscriptionArns(accountId: string, region: string): string[] {
    return [...(this.regions.get(`${accountId}|${region}`)?.subscriptions.keys() ?? [])];
  }
}
