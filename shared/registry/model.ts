/** The registry's records: partners, their API tokens, and customers' registrations. */

export const DELIVERY_MODES = ['partner-account', 'cross-account-role', 'customer-hosted'] as const;
/** How the broker obtains credentials for a registration (DESIGN.md, "The three delivery modes"). */
export type DeliveryMode = (typeof DELIVERY_MODES)[number];

export const REGISTRATION_STATUSES = ['PENDING', 'ACTIVE', 'SUSPENDED', 'OFFBOARDED'] as const;
/** Only ACTIVE registrations receive findings; the others are kept for audit and diagnostics. */
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];

export interface Partner {
  partnerId: string;
  name: string;
  /** Product ARNs (one per Region) this partner may post findings for. */
  productArns: string[];
  createdAt: string;
}

export interface PartnerToken {
  tokenId: string;
  partnerId: string;
  /** Hex salt and hex SHA-256 of salt+secret; the secret itself is never stored. */
  salt: string;
  hash: string;
  createdAt: string;
  revokedAt?: string;
  /** API Gateway usage-plan key the authorizer hands back, when the partner has one. */
  usagePlanKeyId?: string;
}

export interface Registration {
  accountId: string;
  /** `<company>/<product>` of the product ARN, the same in every Region. */
  productKey: string;
  partnerId: string;
  /** Regions the customer receives findings in. */
  regions: string[];
  mode: DeliveryMode;
  /** The customer's role; required for cross-account-role. */
  roleArn?: string;
  /** Issued by the broker, never chosen by the customer; required for cross-account-role. */
  externalId?: string;
  status: RegistrationStatus;
  createdAt: string;
  updatedAt: string;
}
