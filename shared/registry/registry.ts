import type { Partner, PartnerToken, Registration } from './model.js';

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
}
