/**
 * `npm run broker-admin -- <command> [flags]`: the operator's tool for partners, tokens and customer
 * registrations. Registrations go through the same domain code as the customer onboarding API
 * (shared/onboarding/registrations.ts): the same validation, the same PENDING-until-verified rule, the
 * same single ExternalId. It talks to the table named by --table or TABLE_NAME with the standard AWS
 * credential chain; AWS_ENDPOINT_URL_DYNAMODB points it at the local stack (see .local/stack.json).
 */
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { STSClient } from '@aws-sdk/client-sts';
import { issueToken } from '#shared/auth/partner-tokens.js';
import { BrokerError } from '#shared/errors.js';
import { offersOf } from '#shared/onboarding/products.js';
import { Onboarding } from '#shared/onboarding/registrations.js';
import { verifyRole } from '#shared/onboarding/verify-role.js';
import { parseProductArn } from '#shared/product/product-arn.js';
import { DynamoRegistry } from '#shared/registry/dynamo-registry.js';
import { DELIVERY_MODES, REGISTRATION_STATUSES, type DeliveryMode, type RegistrationStatus } from '#shared/registry/model.js';

const USAGE = `Usage: npm run broker-admin -- <command> [--table NAME] [flags]
  add-partner       --partner-id ID --name NAME --product-arn ARN [--product-arn ARN ...]
  issue-token       --partner-id ID [--usage-plan-key KEYID]     prints the token once
  revoke-token      --token-id ID
  list-tokens       --partner-id ID
  add-registration  --partner-id ID --account-id ACCT --product-arn ARN [--region R ...]
                    [--mode cross-account-role|partner-account|customer-hosted] [--role-arn ARN]
                    creates a PENDING registration and prints the broker-issued ExternalId (once per
                    account+product: running it again prints the existing registration)
  verify-registration --account-id ACCT --product-key COMPANY/PRODUCT
                    runs the onboarding checks with this shell's AWS credentials as the verifier
                    principal; needs DELIVERY_PRINCIPAL_ARN and VERIFIER_PRINCIPAL_ARN
  set-status        --account-id ACCT --product-key COMPANY/PRODUCT --status ${REGISTRATION_STATUSES.join('|')}
                    (cross-account-role becomes ACTIVE only by verification; OFFBOARDED is final)
  list-registrations --partner-id ID`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    table: { type: 'string' }, 'partner-id': { type: 'string' }, name: { type: 'string' }, 'product-arn': { type: 'string', multiple: true },
    'token-id': { type: 'string' }, 'usage-plan-key': { type: 'string' }, 'account-id': { type: 'string' }, region: { type: 'string', multiple: true },
    mode: { type: 'string' }, 'role-arn': { type: 'string' }, status: { type: 'string' }, 'product-key': { type: 'string' }, help: { type: 'boolean' },
  },
});

function required(name: keyof typeof values): string {
  const value = values[name];
  if (typeof value !== 'string' || value.length === 0) fail(`--${name} is required`);
  return value as string;
}

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

const [command] = positionals;
if (!command || values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(command ? 0 : 2);
}
const tableName = values.table ?? process.env.TABLE_NAME ?? fail('--table or TABLE_NAME is required');
const registry = new DynamoRegistry(new DynamoDBClient({}), tableName);
const now = new Date().toISOString();
const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
const operator = `operator:${userInfo().username}`;
const principals = { delivery: process.env.DELIVERY_PRINCIPAL_ARN ?? '', verifier: process.env.VERIFIER_PRINCIPAL_ARN ?? '' };
const onboarding = new Onboarding({
  registry, principals, customerRoleNamePrefix: process.env.CUSTOMER_ROLE_NAME_PREFIX ?? 'SecurityHubFindingsBroker',
  verify: (role) => {
    if (!principals.delivery || !principals.verifier) fail('DELIVERY_PRINCIPAL_ARN and VERIFIER_PRINCIPAL_ARN are required to verify');
    return verifyRole(role, { sts: new STSClient({}), principals, sessionName: `${process.env.ROLE_SESSION_NAME_PREFIX ?? 'securityhub-broker'}-verify` });
  },
});
/** The registration commands act for the customer's account, as the operator. */
const actingFor = (accountId: string) => ({ accountId, arn: operator });

switch (command) {
  case 'add-partner': {
    const productArns = values['product-arn'] ?? fail('--product-arn is required');
    for (const arn of productArns) if (!parseProductArn(arn)) fail(`not a Security Hub product ARN: ${arn}`);
    const partnerId = required('partner-id');
    // A product key belongs to one partner: customers register for it, and ingest checks ownership by it.
    const owners = offersOf((await registry.listPartners()).filter((partner) => partner.partnerId !== partnerId));
    for (const arn of productArns) {
      const taken = owners.find((offer) => offer.productKey === parseProductArn(arn)!.productKey);
      if (taken) fail(`product ${taken.productKey} already belongs to partner ${taken.partnerId}`);
    }
    const existing = await registry.getPartner(partnerId);
    await registry.putPartner({ partnerId, name: required('name'), productArns, createdAt: existing?.createdAt ?? now });
    print({ partnerId, productArns });
    break;
  }
  case 'issue-token': {
    const partnerId = required('partner-id');
    if (!(await registry.getPartner(partnerId))) fail(`no partner ${partnerId}; run add-partner first`);
    const issued = issueToken(partnerId);
    await registry.putToken({ ...issued.record, ...(values['usage-plan-key'] ? { usagePlanKeyId: values['usage-plan-key'] } : {}) });
    print({ tokenId: issued.record.tokenId, token: issued.token, note: 'Give the token to the partner now; the broker keeps only its hash.' });
    break;
  }
  case 'revoke-token':
    await registry.revokeToken(required('token-id'), now);
    print({ revoked: values['token-id'] });
    break;
  case 'list-tokens':
    print((await registry.listTokens(required('partner-id'))).map(({ salt: _s, hash: _h, ...token }) => token));
    break;
  case 'add-registration': {
    const partnerId = required('partner-id');
    if (!(await registry.getPartner(partnerId))) fail(`no partner ${partnerId}; run add-partner first`);
    const [arn] = values['product-arn'] ?? fail('--product-arn is required');
    const product = parseProductArn(arn ?? '') ?? fail('--product-arn is not a Security Hub product ARN');
    const mode = (values.mode ?? 'cross-account-role') as DeliveryMode;
    if (!DELIVERY_MODES.includes(mode)) fail(`--mode must be one of ${DELIVERY_MODES.join(', ')}`);
    const accountId = required('account-id');
    if (!/^\d{12}$/.test(accountId)) fail('--account-id must be a 12-digit AWS account id');
    const caller = actingFor(accountId);
    const created = await attempt(() => onboarding.create(caller, { product: product.productKey, regions: values.region ?? [product.region], mode }, { partnerId }));
    const registration = created.registration;
    if (values['role-arn']) {
      // Stored as the API does; verified at once when this shell can act as the verifier.
      const verify = Boolean(principals.delivery && principals.verifier);
      const stored = await attempt(() => onboarding.setRole(caller, product.productKey, values['role-arn']!, { verify }));
      print(verify ? stored : { ...stored, note: 'Role stored, not verified: set DELIVERY_PRINCIPAL_ARN and VERIFIER_PRINCIPAL_ARN and run verify-registration with the verifier\'s credentials.' });
      break;
    }
    print({ ...registration, note: 'PENDING until verified: the customer creates the role from setup and sets it (PUT .../role), or run set-status for non-role modes.' });
    break;
  }
  case 'verify-registration':
    print(await attempt(() => onboarding.verify(actingFor(required('account-id')), required('product-key'))));
    break;
  case 'set-status': {
    const status = required('status') as RegistrationStatus;
    if (!REGISTRATION_STATUSES.includes(status)) fail(`--status must be one of ${REGISTRATION_STATUSES.join(', ')}`);
    print(await attempt(() => onboarding.setStatus(actingFor(required('account-id')), required('product-key'), status)));
    break;
  }
  case 'list-registrations':
    print((await registry.listRegistrations(required('partner-id'))).map(({ externalId: _e, ...registration }) => registration));
    break;
  default:
    fail(`unknown command ${command}`);
}

/**
 * Runs a registration use case; its typed refusals are the operator's answer (printed, exit 1), and a
 * create that collided prints the registration that exists (the one ExternalId).
 */
async function attempt<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof BrokerError) {
      if (error.code === 'RegistrationExists' && error.details?.registration) {
        process.stdout.write(`${JSON.stringify({ ...(error.details.registration as object), note: error.message }, null, 2)}\n`);
        process.exit(0);
      }
      process.stderr.write(`${error.code}: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
