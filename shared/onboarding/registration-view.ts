import type { Registration } from '../registry/model.js';
import type { ProductOffer } from './products.js';
import {
  cliCommands, permissionsPolicy, quickCreateLink, templateParameters, trustPolicy, type BrokerPrincipals, type RoleSetupInput,
} from './role-documents.js';
import { CUSTOMER_ROLE_TEMPLATE } from './customer-role-template.js';

export interface SetupOptions {
  principals: BrokerPrincipals;
  customerRoleNamePrefix: string;
  /** Public https copy of the role template, for the CloudFormation quick-create link. */
  templateUrl?: string;
}

/** The role name the setup proposes: the prefix the broker may assume, then the product, within IAM's 64. */
export function proposedRoleName(prefix: string, productKey: string): string {
  return `${prefix}-${productKey.replace('/', '-')}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

function setupInput(registration: Registration, offer: ProductOffer, options: SetupOptions): RoleSetupInput {
  return {
    accountId: registration.accountId,
    externalId: registration.externalId ?? '',
    principals: options.principals,
    productArns: registration.regions.map((region) => offer.productArns[region]).filter((arn): arn is string => arn !== undefined),
    roleName: registration.roleArn?.split('/').pop() ?? proposedRoleName(options.customerRoleNamePrefix, registration.productKey),
  };
}

/** Everything a customer's engineer needs to create the role, in three equivalent forms, and what comes next. */
export function roleSetup(registration: Registration, offer: ProductOffer, options: SetupOptions) {
  const input = setupInput(registration, offer, options);
  const [firstRegion] = registration.regions;
  return {
    externalId: input.externalId,
    principals: options.principals,
    roleName: input.roleName,
    trustPolicy: trustPolicy(input),
    permissionsPolicy: permissionsPolicy(input),
    cloudFormation: {
      template: CUSTOMER_ROLE_TEMPLATE,
      parameters: templateParameters(input),
      ...(options.templateUrl && firstRegion ? { quickCreateLink: quickCreateLink(input, options.templateUrl, firstRegion) } : {}),
    },
    cliCommands: cliCommands(input),
    nextSteps: [
      `Create the role ${input.roleName} in account ${registration.accountId}: deploy cloudFormation.template with cloudFormation.parameters` +
        `${options.templateUrl ? ' (or open cloudFormation.quickCreateLink)' : ''}, or run cliCommands.`,
      `Enable Security Hub and the ${offer.partnerName} integration (${registration.productKey}) in ${registration.regions.join(', ')} if they are not enabled yet (the last cliCommands).`,
      `PUT /v1/registrations/${registration.productKey}/role with {"roleArn": "arn:aws:iam::${registration.accountId}:role/${input.roleName}"}: the broker stores it and verifies it.`,
      'When every check passes the registration is ACTIVE and findings flow. If a check fails, its message says what to fix; fix it and POST .../verify.',
    ],
  };
}

/**
 * What a customer sees of its registration: never the broker's internal fields (keys, version, the
 * partner's internal id). The ExternalId is the customer's to know: its own trust policy holds it.
 */
export function registrationView(registration: Registration, offer: ProductOffer | undefined, options: SetupOptions & { withSetup?: boolean }) {
  const failed = registration.verification?.checks.filter((check) => check.outcome === 'failed') ?? [];
  return {
    accountId: registration.accountId,
    product: registration.productKey,
    partnerName: offer?.partnerName,
    regions: registration.regions,
    mode: registration.mode,
    status: registration.status,
    statusReason: statusReason(registration),
    roleArn: registration.roleArn ?? null,
    externalId: registration.externalId,
    createdAt: registration.createdAt,
    createdBy: registration.createdBy,
    updatedAt: registration.updatedAt,
    verification: registration.verification ?? null,
    problems: failed.map(({ check, region, code, message }) => ({ check, ...(region ? { region } : {}), code, message })),
    deliveryProblem: registration.accessFailures ?? null,
    /** Findings that went back out of the dead-letter queue by themselves after the last passed verification. */
    redriven: registration.lastRedrive ?? null,
    history: registration.history ?? [],
    // The setup again (GET of one registration), for a customer who lost the create reply.
    ...(options.withSetup && offer && registration.status !== 'OFFBOARDED' ? { setup: roleSetup(registration, offer, options) } : {}),
  };
}

export type RegistrationView = ReturnType<typeof registrationView>;

export function statusReason(registration: Pick<Registration, 'status' | 'mode' | 'roleArn'>): string {
  // Only a cross-account-role registration has a role to verify; the operator activates the other modes.
  const withRole = registration.mode === 'cross-account-role';
  switch (registration.status) {
    case 'PENDING':
      if (!withRole) {
        return `Waiting for the operator: a ${registration.mode} registration has no role to verify; it becomes ACTIVE with broker-admin set-status once Security Hub and the integration are enabled.`;
      }
      return registration.roleArn
        ? 'Waiting for a verification that passes: fix the problems listed, then POST .../verify.'
        : 'Waiting for the role: create it as setup says, then PUT .../role.';
    case 'ACTIVE':
      return withRole ? 'Verified: findings for this product are delivered.' : 'Active: findings for this product are delivered.';
    case 'SUSPENDED':
      return 'Suspended: findings stopped because the role or Security Hub refused them (see deliveryProblem or problems). Fix it and POST .../verify; findings held meanwhile are in the broker\'s dead-letter queue and are redriven by the operator.';
    case 'OFFBOARDED':
      return 'Offboarded: the broker accepts and delivers no findings for this product. The record is kept for audit.';
  }
}
