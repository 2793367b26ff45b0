/**
 * Everything the emulator knows, in memory (and, given a Persistence, written through to it and read
 * back on start: persistence.ts), plus the programmatic admin surface tests and the local stack's
 * seeding use. The HTTP handlers read and change the same objects.
 */
import { ACCOUNT_ID_PATTERN, parseProductArn } from './arn.js';
import { ImportLog } from './import-log.js';
import { CallLog } from './call-log.js';
import { Clock } from './clock.js';
import { FaultRegistry } from './faults.js';
import { FindingStore } from './finding-store.js';
import { HubStore } from './hub-store.js';
import { CredentialStore } from './identity.js';
import { OrganizationPolicies } from './organization-policies.js';
import { IN_MEMORY, type Persistence } from './persistence.js';
import { TokenBuckets } from './rate-limiter.js';
import { RoleStore } from './roles.js';
import type { AccessKeyInput, AccessKeyPair, CallRecord, FaultSpec, Finding, RoleInput } from './types.js';

/**
 * Security Hub's documented BatchImportFindings quota: "The throttle rate limit is 10 TPS per account
 * per Region, with a burst of 30 TPS"
 * (https://docs.aws.amazon.com/securityhub/latest/userguide/finding-update-batchimportfindings.html);
 * the same pair is in botocore securityhub/2018-10-26/service-2.json, service documentation
 * ("BatchImportFindings - RateLimit of 10 requests per second. BurstLimit of 30 requests per second").
 * Named here rather than imported from shared/limits.ts on purpose: the emulator stands in for AWS,
 * so a wrong number in the broker must show up as throttling in tests, not be mirrored by the emulator.
 * The other quotas on that list (GetFindings 3/6, all other operations 10/30) are not modelled.
 */
const IMPORT_RATE_PER_SECOND = 10;
const IMPORT_BURST = 30;

/** "A 12-digit number" (https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html); admin input. */
function requireAccountId(accountId: string): void {
  if (!ACCOUNT_ID_PATTERN.test(accountId)) throw new Error(`accountId must be 12 digits, got ${accountId}`);
}

export class EmulatorState {
  // The stores below are for the emulator's own handlers; tests and seeding use the methods.
  // What the emulated accounts hold is written through to `persistence`; the test and runtime state
  // (clock offset, call log, faults, rate-limit buckets) is not, and starts afresh on every start.
  readonly clock = new Clock();
  readonly credentials: CredentialStore;
  readonly roles: RoleStore;
  readonly organizationPolicies: OrganizationPolicies;
  readonly hubs: HubStore;
  readonly findingStore: FindingStore;
  readonly callLog = new CallLog();
  readonly importLog = new ImportLog();
  readonly faults = new FaultRegistry();
  readonly importBuckets = new TokenBuckets(this.clock, IMPORT_RATE_PER_SECOND, IMPORT_BURST);
  private readonly accounts = new Set<string>();

  /** With a Persistence, takes back everything an earlier run stored in it. */
  constructor(readonly persistence: Persistence = IN_MEMORY) {
    this.credentials = new CredentialStore(persistence);
    this.roles = new RoleStore(persistence);
    this.organizationPolicies = new OrganizationPolicies(persistence);
    this.hubs = new HubStore(persistence);
    this.findingStore = new FindingStore(persistence);
    for (const { key } of persistence.load('account')) this.accounts.add(key);
    this.credentials.restore(this.clock.now());
    this.roles.restore();
    this.organizationPolicies.restore();
    this.hubs.restore();
    this.findingStore.restore();
  }

  /** Every account an admin or IAM call names is remembered, once. */
  private remember(accountId: string): void {
    if (this.accounts.has(accountId)) return;
    this.accounts.add(accountId);
    this.persistence.put('account', accountId, true);
  }

  addAccount(accountId: string): void {
    requireAccountId(accountId);
    this.remember(accountId);
  }

  /** Accounts registered explicitly or implied by any other admin call. */
  accountIds(): string[] {
    return [...this.accounts];
  }

  addAccessKey(input: AccessKeyInput): AccessKeyPair {
    const pair = this.credentials.addAccessKey(input);
    this.remember(input.accountId);
    return pair;
  }

  /**
   * Creates or updates a role (see RoleInput): its trust policy, and the inline permission policies its
   * sessions are evaluated against. Without permission policies, and without `unrestricted: true`, the
   * role's sessions are denied everything.
   */
  putRole(input: RoleInput): { roleArn: string } {
    const role = this.roles.put(input, this.clock.now());
    this.remember(input.accountId);
    return { roleArn: role.roleArn };
  }

  /** Adds or replaces one inline permission policy of an existing role, as IAM's PutRolePolicy. */
  putRolePolicy(accountId: string, roleName: string, policyName: string, document: object): void {
    this.roles.putAdminPolicy(accountId, roleName, policyName, document);
  }

  deleteRole(accountId: string, roleName: string): void {
    this.roles.delete(accountId, roleName);
  }

  /**
   * Attaches a service control policy to the account: its Deny statements deny every principal of the
   * account, long-term keys included (its Allow statements change nothing; organization-policies.ts).
   */
  attachServiceControlPolicy(accountId: string, document: object): void {
    this.organizationPolicies.attach('scp', accountId, document);
    this.remember(accountId);
  }

  detachServiceControlPolicies(accountId: string): void {
    this.organizationPolicies.detachAll('scp', accountId);
  }

  /**
   * Attaches a resource control policy (Deny statements only) to the account: it limits what anyone may
   * do to the account's resources, for the services RCPs apply to (of the emulated ones, STS: assuming
   * the account's roles; authorization.ts).
   */
  attachResourceControlPolicy(accountId: string, document: object): void {
    this.organizationPolicies.attach('rcp', accountId, document);
    this.remember(accountId);
  }

  detachResourceControlPolicies(accountId: string): void {
    this.organizationPolicies.detachAll('rcp', accountId);
  }

  enableHub(accountId: string, region: string): void {
    requireAccountId(accountId);
    this.remember(accountId);
    this.hubs.enable(accountId, region, new Date(this.clock.now()));
  }

  disableHub(accountId: string, region: string): void {
    this.hubs.disable(accountId, region);
  }

  /**
   * Same effect as EnableImportFindingsForProduct called by accountId in region. Seeding may run
   * before enableHub: a subscription only counts while the account's hub is enabled.
   * Assumption: a product can only be subscribed in the Region its ARN names (product ARNs carry a
   * Region, asff-required-attributes.html#ProductArn; no page says a subscription may cross Regions).
   */
  enableProduct(accountId: string, region: string, productArn: string): void {
    requireAccountId(accountId);
    const product = parseProductArn(productArn);
    if (!product) throw new Error(`not a Security Hub product ARN: ${productArn}`);
    if (product.region !== region) throw new Error(`product ${productArn} is not in region ${region}`);
    this.remember(accountId);
    this.hubs.subscribe(accountId, region, productArn);
  }

  disableProduct(accountId: string, region: string, productArn: string): void {
    this.hubs.unsubscribe(accountId, region, productArn);
  }

  callCount(operation: string, accountId?: string): number {
    return this.callLog.count(operation, accountId);
  }

  calls(): CallRecord[] {
    return this.callLog.calls();
  }

  resetCounters(): void {
    this.callLog.reset();
    this.importLog.reset();
  }

  findings(accountId: string, region: string): Finding[] {
    return this.findingStore.list(accountId, region);
  }

  injectFault(fault: FaultSpec): void {
    this.faults.inject(fault);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  advanceClock(ms: number): void {
    this.clock.advance(ms);
  }
}
