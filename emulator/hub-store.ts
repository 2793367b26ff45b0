/**
 * Security Hub's per-account, per-Region state (operations act "only in the current Amazon Web Services
 * Region", botocore securityhub/2018-10-26/service-2.json, DisableSecurityHub): whether the hub is
 * enabled, and which products the account has subscribed to (EnableImportFindingsForProduct).
 * Subscriptions survive disabling the hub, as AWS keeps "configuration settings" for 90 days after
 * DisableSecurityHub (same model documentation;
 * https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-disable.html), but only count
 * while the hub is enabled: "Security Hub can only accept finding updates for accounts that have
 * Security Hub enabled. The finding provider also must be enabled"
 * (https://docs.aws.amazon.com/securityhub/latest/userguide/finding-update-batchimportfindings.html).
 * Assumption: nothing is deleted after 90 days (the emulator clock is not watched), and stored
 * findings likewise survive a disable.
 */
import { hubArn, parseProductArn, productSubscriptionArn } from './arn.js';
import { IN_MEMORY, type Persistence } from './persistence.js';

export interface Hub {
  hubArn: string;
  subscribedAt: string;
}

interface RegionState {
  hub?: Hub;
  /**
   * subscription ARN -> product ARN, in subscription order. Assumption: ListEnabledProductsForImport
   * lists in that order; the model documents no order.
   */
  subscriptions: Map<string, string>;
}

/** The stored record of one account's hub in one Region (persistence.ts). */
interface StoredRegion {
  hub?: Hub;
  subscriptions: Array<[subscriptionArn: string, productArn: string]>;
}

export class HubStore {
  private readonly regions = new Map<string, RegionState>();

  constructor(private readonly persistence: Persistence = IN_MEMORY) {}

  restore(): void {
    for (const { key, value } of this.persistence.load('security-hub')) {
      const record = value as StoredRegion;
      this.regions.set(key, { ...(record.hub ? { hub: record.hub } : {}), subscriptions: new Map(record.subscriptions) });
    }
  }

  /** Writes one account+Region through to storage; every change ends here. */
  private save(accountId: string, region: string): void {
    const state = this.state(accountId, region);
    const record: StoredRegion = { ...(state.hub ? { hub: state.hub } : {}), subscriptions: [...state.subscriptions] };
    this.persistence.put('security-hub', `${accountId}|${region}`, record);
  }

  private state(accountId: string, region: string): RegionState {
    const key = `${accountId}|${region}`;
    let state = this.regions.get(key);
    if (!state) {
      state = { subscriptions: new Map() };
      this.regions.set(key, state);
    }
    return state;
  }

  /**
   * SubscribedAt: "The date and time when Security Hub CSPM was enabled in the account" (model,
   * DescribeHubResponse). Assumption: enabling an enabled hub keeps the first time; the admin path
   * is idempotent, while EnableSecurityHub itself answers a conflict (securityhub/hub-operations.ts).
   */
  enable(accountId: string, region: string, at: Date): Hub {
    const state = this.state(accountId, region);
    if (state.hub) return state.hub;
    state.hub = { hubArn: hubArn(region, accountId), subscribedAt: at.toISOString() };
    this.save(accountId, region);
    return state.hub;
  }

  disable(accountId: string, region: string): void {
    delete this.state(accountId, region).hub;
    this.save(accountId, region);
  }

  hub(accountId: string, region: string): Hub | undefined {
    return this.regions.get(`${accountId}|${region}`)?.hub;
  }

  /** Returns the subscription ARN; throws when productArn is not a product ARN. */
  subscribe(accountId: string, region: string, productArn: string): string {
    if (!parseProductArn(productArn)) throw new Error(`not a Security Hub product ARN: ${productArn}`);
    const arn = productSubscriptionArn(region, accountId, productArn);
    this.state(accountId, region).subscriptions.set(arn, productArn);
    this.save(accountId, region);
    return arn;
  }

  /**
   * Removes by product ARN or subscription ARN; false when there was none. DisableImportFindingsForProduct
   * names the subscription (botocore securityhub/2018-10-26/service-2.json,
   * DisableImportFindingsForProductRequest.ProductSubscriptionArn); the admin API names the product.
   */
  unsubscribe(accountId: string, region: string, arn: string): boolean {
    const subscriptions = this.state(accountId, region).subscriptions;
    const subscriptionArn = subscriptions.has(arn) ? arn : [...subscriptions].find(([, productArn]) => productArn === arn)?.[0];
    if (subscriptionArn === undefined) return false;
    subscriptions.delete(subscriptionArn);
    this.save(accountId, region);
    return true;
  }

  isSubscribed(accountId: string, region: string, productArn: string): boolean {
    const state = this.regions.get(`${accountId}|${region}`);
    return state?.hub !== undefined && [...state.subscriptions.values()].includes(productArn);
  }

  subscriptionArns(accountId: string, region: string): string[] {
    return [...(this.regions.get(`${accountId}|${region}`)?.subscriptions.keys() ?? [])];
  }
}
