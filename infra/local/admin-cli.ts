/**
 * `npm run broker-admin -- <command> [flags]`: the operator's tool for partners, tokens and (until
 * the onboarding API exists) customer registrations. It talks to the table named by --table or
 * TABLE_NAME with the standard AWS credential chain; AWS_ENDPOINT_URL_DYNAMODB points it at the
 * local stack (see .local/stack.json).
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { issueToken } from '#shared/auth/partner-tokens.js';
import { parseProductArn } from '#shared/product/product-arn.js';
import { generateExternalId } from '#shared/registry/external-id.js';
import { DynamoRegistry } from '#shared/registry/dynamo-registry.js';
import { DELIVERY_MODES, REGISTRATION_STATUSES, type DeliveryMode, type RegistrationStatus } from '#shared/registry/model.js';

const USAGE = `Usage: npm run broker-admin -- <command> [--table NAME] [flags]
  add-partner       --partner-id ID --name NAME --product-arn ARN [--product-arn ARN ...]
  issue-token       --partner-id ID [--usage-plan-key KEYID]     prints the token once
  revoke-token      --token-id ID
  list-tokens       --partner-id ID
  add-registration  --partner-id ID --account-id ACCT --product-arn ARN --region R [--region R ...]
                    [--mode cross-account-role|partner-account|customer-hosted] [--role-arn ARN] [--status ACTIVE|PENDING]
                    prints the broker-issued ExternalId
  set-status        --account-id ACCT --product-key COMPANY/PRODUCT --status ${REGISTRATION_STATUSES.join('|')}
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

switch (command) {
  case 'add-partner': {
    const productArns = values['product-arn'] ?? fail('--product-arn is required');
    for (const arn of productArns) if (!parseProductArn(arn)) fail(`not a Security Hub product ARN: ${arn}`);
    const partnerId = required('partner-id');
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
    const [arn] = values['product-arn'] ?? fail('--product-arn is required');
    const product = parseProductArn(arn ?? '') ?? fail('--product-arn is not a Security Hub product ARN');
    const mode = (values.mode ?? 'cross-account-role') as DeliveryMode;
    if (!DELIVERY_MODES.includes(mode)) fail(`--mode must be one of ${DELIVERY_MODES.join(', ')}`);
    if (mode === 'cross-account-role' && !values['role-arn']) fail('--role-arn is required for cross-account-role');
    const status = (values.status ?? 'ACTIVE') as RegistrationStatus;
    const accountId = required('account-id');
    const existing = await registry.getRegistration(accountId, product.productKey);
    const externalId = existing?.externalId ?? generateExternalId();
    await registry.putRegistration({
      accountId, productKey: product.productKey, partnerId, regions: values.region ?? [product.region], mode,
      ...(values['role-arn'] ? { roleArn: values['role-arn'] } : {}), externalId, status,
      createdAt: existing?.createdAt ?? now, updatedAt: now,
    });
    print({ accountId, productKey: product.productKey, mode, status, externalId });
    break;
  }
  case 'set-status': {
    const status = required('status') as RegistrationStatus;
    if (!REGISTRATION_STATUSES.includes(status)) fail(`--status must be one of ${REGISTRATION_STATUSES.join(', ')}`);
    const registration = await registry.getRegistration(required('account-id'), required('product-key'));
    if (!registration) fail('no such registration');
    await registry.putRegistration({ ...registration, status, updatedAt: now });
    print({ ...registration, status, externalId: undefined });
    break;
  }
  case 'list-registrations':
    print((await registry.listRegistrations(required('partner-id'))).map(({ externalId: _e, ...registration }) => registration));
    break;
  default:
    fail(`unknown command ${command}`);
}
