import { BadRequestError, BrokerError, ConflictError, NotFoundError } from '../errors.js';
import { generateExternalId } from '../registry/external-id.js';
import type { DeliveryMode, Registration, RegistrationStatus, StatusChange, Verification } from '../registry/model.js';
import type { Registry } from '../registry/registry.js';
import { findProduct, listProducts, type ProductOffer } from './products.js';
import { registrationView, roleSetup, type RegistrationView, type SetupOptions } from './registration-view.js';
import { checkRoleArn } from './role-arn.js';
import type { RoleUnderTest } from './verify-role.js';

/** Who is asking: the AWS account its SigV4 signature proved, and its ARN for the audit trail. */
export interface Caller {
  accountId: string;
  arn: string;
}

export interface OnboardingDeps extends SetupOptions {
  registry: Registry;
  /** Runs the checks of shared/onboarding/verify-role.ts with the verifier's credentials. */
  verify: (role: RoleUnderTest) => Promise<Omit<Verification, 'by'>>;
  /**
   * Sends the registration's findings that waited in the DLQ for a registration or permission problem
   * back out (shared/redrive/self-heal.ts); called after every passed verification.
   */
  redriveRecovered?: (scope: { accountId: string; productKey: string }) => Promise<{ matchedMessages: number; matchedFindings: number; complete: boolean }>;
  now?: () => Date;
}

export interface CreateInput {
  product: string;
  regions: string[];
  mode?: DeliveryMode;
}

/** Status changes kept per registration; older ones fall off (the logs keep every change too). */
export const MAX_HISTORY = 50;
/** A write that lost a race is decided again on fresh data this many times before the caller is told. */
const MAX_WRITE_ATTEMPTS = 3;

/**
 * The customer's onboarding use cases, also used by the operator CLI: one set of rules for every way
 * in. Every lookup is keyed by the caller's own account, so no caller can name another account's
 * registration (it is simply not found).
 */
export class Onboarding {
  constructor(private readonly deps: OnboardingDeps) {}

  products(): Promise<ProductOffer[]> {
    return listProducts(this.deps.registry);
  }

  /**
   * Creates a PENDING registration with a fresh ExternalId for the caller's account. Customers may
   * self-register cross-account-role only; the operator (`asOperator`) may also register the modes that
   * need the partner's own arrangement, and names the partner that must own the product.
   */
  async create(caller: Caller, input: CreateInput, asOperator?: { partnerId: string }) {
    const mode = input.mode ?? 'cross-account-role';
    const partnerId = asOperator?.partnerId;
    if (mode !== 'cross-account-role' && !asOperator) {
      throw new BadRequestError('UnsupportedMode',
        `mode "${mode}" cannot be self-registered: it needs the partner's own arrangement with AWS. Send "cross-account-role" (the default), or ask the partner's operator.`);
    }
    const offer = await this.offer(input.product);
    if (partnerId !== undefined && offer.partnerId !== partnerId) {
      throw new BadRequestError('ProductNotOwned', `Partner ${partnerId} does not own product ${input.product}; it belongs to another partner.`);
    }
    const regions = [...new Set(input.regions)];
    const unknown = regions.filter((region) => !(region in offer.productArns));
    if (regions.length === 0 || unknown.length > 0) {
      throw new BadRequestError('InvalidRegion',
        `${unknown.length > 0 ? `Region(s) ${unknown.join(', ')} not offered` : 'No Region given'}: ${input.product} can be registered in ${Object.keys(offer.productArns).sort().join(', ')}. Send "regions" with one or more of them.`);
    }
    const at = this.now();
    const registration: Registration = {
      accountId: caller.accountId, productKey: offer.productKey, partnerId: offer.partnerId, regions: regions.sort(), mode,
      externalId: generateExternalId(), status: 'PENDING', createdAt: at, updatedAt: at, createdBy: caller.arn, version: 1,
      history: [{ status: 'PENDING', at, by: caller.arn, reason: 'registered' }],
    };
    const stored = await this.deps.registry.createRegistration(registration);
    if (!stored.created) {
      const existing = stored.existing;
      const message = existing.status === 'OFFBOARDED'
        ? `Account ${caller.accountId} offboarded ${input.product}. Offboarding is final: the record stays as the audit trail and the broker never delivers for this account and product again.`
        : `Account ${caller.accountId} is already registered for ${input.product} (status ${existing.status}); its ExternalId stays the same. GET /v1/registrations/${input.product} shows it.`;
      throw new ConflictError('RegistrationExists', message, { registration: this.view(existing, offer) });
    }
    return { registration: this.view(registration, offer), setup: roleSetup(registration, offer, this.deps) };
  }

  async get(caller: Caller, productKey: string): Promise<RegistrationView> {
    const registration = await this.read(caller, productKey);
    return registrationView(registration, await findProduct(this.deps.registry, productKey), { ...this.deps, withSetup: true });
  }

  async list(caller: Caller): Promise<RegistrationView[]> {
    const [registrations, offers] = await Promise.all([this.deps.registry.listAccountRegistrations(caller.accountId), this.products()]);
    return registrations.map((registration) => this.view(registration, offers.find((offer) => offer.productKey === registration.productKey)));
  }

  /** Stores the customer's role (a change of role needs a new verification before findings flow), then verifies. */
  async setRole(caller: Caller, productKey: string, roleArn: string, options: { verify?: boolean } = {}): Promise<RegistrationView> {
    await this.offered(productKey);
    const stored = await this.change(caller, productKey, (current) => {
      checkRoleArn(roleArn, current.accountId, this.deps.customerRoleNamePrefix);
      if (current.roleArn === roleArn) return undefined;
      const status: RegistrationStatus = current.status === 'ACTIVE' ? 'PENDING' : current.status;
      const { verification: _previous, ...rest } = current;
      return this.next(rest, { roleArn }, status, caller.arn, current.roleArn ? `role changed from ${current.roleArn}` : 'role set');
    });
    return options.verify === false ? stored : this.verify(caller, productKey);
  }

  /**
   * Runs every check and records the result: passed makes the registration ACTIVE (clearing what
   * deliver recorded); failed keeps a PENDING one PENDING and suspends an ACTIVE one; inconclusive
   * (AWS throttled or failed) changes nothing but the recorded result.
   */
  async verify(caller: Caller, productKey: string): Promise<RegistrationView> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.writable(caller, productKey);
      if (!current.roleArn || !current.externalId) {
        throw new ConflictError('RoleNotSet', `No role is set for ${productKey} yet. Create it as the registration's setup says, then PUT /v1/registrations/${productKey}/role.`);
      }
      const offer = await this.offered(productKey);
      const result = await this.deps.verify({
        accountId: current.accountId, roleArn: current.roleArn, externalId: current.externalId,
        productArns: current.regions.map((region) => offer.productArns[region]).filter((arn): arn is string => arn !== undefined),
      });
      const verification: Verification = { ...result, by: caller.arn };
      const status: RegistrationStatus =
        result.outcome === 'passed' ? 'ACTIVE' : result.outcome === 'failed' && current.status === 'ACTIVE' ? 'SUSPENDED' : current.status;
      const failedCodes = result.checks.filter((check) => check.outcome === 'failed').map((check) => check.code);
      const reason = result.outcome === 'passed' ? 'verification passed' : `verification ${result.outcome}: ${[...new Set(failedCodes)].join(', ')}`;
      const { accessFailures: _cleared, ...rest } = current;
      const next = this.next(result.outcome === 'passed' ? rest : current, { verification }, status, caller.arn, reason);
      if (await this.deps.registry.replaceRegistration(next, current.version ?? 0)) {
        return this.view(result.outcome === 'passed' ? await this.selfHeal(next) : next, offer);
      }
      if (attempt >= MAX_WRITE_ATTEMPTS) throw this.busy(productKey);
      // Someone changed it meanwhile (a new role, an offboard): verify what is there now.
    }
  }

  /** After a passed verification: the DLQ's findings this registration can now take go back out. */
  private async selfHeal(registration: Registration): Promise<Registration> {
    if (!this.deps.redriveRecovered) return registration;
    const report = await this.deps.redriveRecovered({ accountId: registration.accountId, productKey: registration.productKey });
    const lastRedrive = { at: this.now(), messages: report.matchedMessages, findings: report.matchedFindings, complete: report.complete };
    await this.deps.registry.recordRedrive(registration.accountId, registration.productKey, lastRedrive);
    return { ...registration, lastRedrive };
  }

  /**
   * The operator's manual status change, under the same rules: an offboarded registration stays
   * offboarded, and a cross-account-role registration becomes ACTIVE only through a passed verification.
   */
  async setStatus(caller: Caller, productKey: string, status: RegistrationStatus): Promise<RegistrationView> {
    if (status === 'OFFBOARDED') return this.offboard(caller, productKey);
    return this.change(caller, productKey, (current) => {
      if (status === 'ACTIVE' && current.mode === 'cross-account-role' && current.verification?.outcome !== 'passed') {
        throw new ConflictError('VerificationRequired',
          `A cross-account-role registration becomes ACTIVE only when its verification passes; run verify instead (last verification: ${current.verification?.outcome ?? 'none'}).`);
      }
      return current.status === status ? undefined : this.next(current, {}, status, caller.arn, 'status set by operator');
    }, (changed) => (status === 'ACTIVE' ? this.selfHeal(changed) : Promise.resolve(changed)));
  }

  /** Offboards at once; the record stays for audit. Offboarding an offboarded registration answers it as it is. */
  async offboard(caller: Caller, productKey: string): Promise<RegistrationView> {
    const current = await this.read(caller, productKey);
    if (current.status === 'OFFBOARDED') return this.view(current, await findProduct(this.deps.registry, productKey));
    const view = await this.change(caller, productKey, (registration) => this.next(registration, {}, 'OFFBOARDED', caller.arn, 'offboarded'));
    return view;
  }

  /** Applies `decide` to the current record with optimistic locking; undefined from `decide` = nothing to change. */
  private async change(
    caller: Caller,
    productKey: string,
    decide: (current: Registration) => Registration | undefined,
    afterWrite: (written: Registration) => Promise<Registration> = (written) => Promise.resolve(written),
  ): Promise<RegistrationView> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.writable(caller, productKey);
      const next = decide(current);
      const offer = await findProduct(this.deps.registry, productKey);
      if (!next) return this.view(current, offer);
      if (await this.deps.registry.replaceRegistration(next, current.version ?? 0)) return this.view(await afterWrite(next), offer);
      if (attempt >= MAX_WRITE_ATTEMPTS) throw this.busy(productKey);
    }
  }

  private next(current: Registration, changes: Partial<Registration>, status: RegistrationStatus, by: string, reason: string): Registration {
    const at = this.now();
    const history: StatusChange[] = [...(current.history ?? [])];
    if (status !== current.status || reason) history.push({ status, at, by, reason });
    return { ...current, ...changes, status, updatedAt: at, version: (current.version ?? 0) + 1, history: history.slice(-MAX_HISTORY) };
  }

  private async read(caller: Caller, productKey: string): Promise<Registration> {
    const registration = await this.deps.registry.getRegistration(caller.accountId, productKey);
    if (!registration) {
      throw new NotFoundError('RegistrationNotFound',
        `Account ${caller.accountId} has no registration for ${productKey}. GET /v1/registrations lists yours; POST /v1/registrations creates one.`);
    }
    return registration;
  }

  private async writable(caller: Caller, productKey: string): Promise<Registration> {
    const registration = await this.read(caller, productKey);
    if (registration.status === 'OFFBOARDED') {
      throw new ConflictError('RegistrationOffboarded',
        `The registration for ${productKey} was offboarded; it is kept for audit and cannot be changed or verified.`);
    }
    return registration;
  }

  /** The product of an existing registration: its partner may have withdrawn it since. */
  private async offered(productKey: string): Promise<ProductOffer> {
    const offer = await findProduct(this.deps.registry, productKey);
    if (!offer) {
      throw new ConflictError('ProductNotOffered', `The partner no longer offers ${productKey}, so the broker cannot deliver its findings; offboard this registration (DELETE).`);
    }
    return offer;
  }

  private async offer(productKey: string): Promise<ProductOffer> {
    const offer = await findProduct(this.deps.registry, productKey);
    if (!offer) {
      throw new BadRequestError('UnknownProduct', `No product "${productKey.slice(0, 200)}". GET /v1/products lists the products you can register for (product keys look like company/product).`);
    }
    return offer;
  }

  private view(registration: Registration, offer: ProductOffer | undefined): RegistrationView {
    return registrationView(registration, offer, this.deps);
  }

  private busy(productKey: string): BrokerError {
    return new ConflictError('ConcurrentUpdate', `The registration for ${productKey} kept changing while this request ran; send it again.`);
  }

  private now(): string {
    return (this.deps.now?.() ?? new Date()).toISOString();
  }
}
