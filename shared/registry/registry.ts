import type { AccessFailures, Partner, PartnerToken, Registration } from './model.js';

/**
 * The registry port. One real adapter (DynamoDB, `dynamo-registry.ts`) runs both in AWS and on the
 * local stack (dynalite); the interface exists so the ingest and delivery code say what they need.
 */
export interface Registry {
  getPartner(partnerId: string): Promise<Partner | undefined>;
  putPartner(partner: Partner): Promise<void>;
  getToken(tokenId: string): Promise<PartnerToken | undefined>;
  /** Fails if the token id exists: ids are random, a clash means a bug, never an overwrite. */
  putToken(token: PartnerToken): Promise<void>;
  revokeToken(tokenId: string, revokedAt: string): Promise<void>;
  listTokens(partnerId: string): Promise<PartnerToken[]>;
  getRegistration(accountId: string, productKey: string): Promise<Registration | undefined>;
  putRegistration(registration: Registration): Promise<void>;
  listRegistrations(partnerId: string): Promise<Registration[]>;
  /** Every partner (the onboarding API's product catalogue). */
  listPartners(): Promise<Partner[]>;
  /** An account's own registrations, every product. */
  listAccountRegistrations(accountId: string): Promise<Registration[]>;
  /**
   * Stores a new registration only if none exists for its account+product (conditional write), so
   * two racing creates store one ExternalId: the loser gets the winner's record back.
   */
  createRegistration(registration: Registration): Promise<{ created: true } | { created: false; existing: Registration }>;
  /**
   * Replaces a registration only if it still has `expectedVersion` and is not OFFBOARDED (an
   * offboarded registration is never written again, so nothing resurrects it). False when another
   * writer got there first: read again and decide again.
   */
  replaceRegistration(registration: Registration, expectedVersion: number): Promise<boolean>;
  /**
   * Counts one more access failure on an ACTIVE registration (atomic), keeping the first time;
   * returns the counts after the write, or undefined when the registration is no longer ACTIVE.
   */
  recordAccessFailure(accountId: string, productKey: string, failure: Omit<AccessFailures, 'count' | 'firstAt'>): Promise<AccessFailures | undefined>;
  /** ACTIVE -> SUSPENDED with an audit entry (atomic); false when it was not ACTIVE any more. */
  suspendRegistration(accountId: string, productKey: string, change: { at: string; by: string; reason: string }): Promise<boolean>;
  /** Notes on the registration what self-healing sent back (no version change: it changes no rule). */
  recordRedrive(accountId: string, productKey: string, redrive: NonNullable<Registration['lastRedrive']>): Promise<void>;
  /** Forgets recorded access failures after a successful delivery. */
  clearAccessFailures(accountId: string, productKey: string): Promise<void>;
}
