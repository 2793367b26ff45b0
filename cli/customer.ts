/**
 * `npm run customer -- <command> [flags]`: a customer's side of onboarding, calling the broker's
 * onboarding API signed with AWS SigV4 (service execute-api) by this shell's AWS credentials (the
 * standard chain: environment, profile, SSO...). Works against the local stack and a deployed broker.
 * The broker URL comes from --api-url or BROKER_API_URL; the Region from --region or AWS_REGION.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { STSClient } from '@aws-sdk/client-sts';
import { signedFetch } from '#infra/local/signed-fetch.js';

const USAGE = `Usage: npm run customer -- <command> [--api-url URL] [--region R] [flags]
  products                                   the products you can register for
  register   --product COMPANY/PRODUCT --region R [--region R ...] [--save-setup DIR]
                                             creates your registration; --save-setup writes the trust policy,
                                             permissions policy, CloudFormation template and its parameters to DIR
  set-role   --product COMPANY/PRODUCT --role-arn ARN   stores your role and verifies it
  verify     --product COMPANY/PRODUCT       runs every check again (after you fixed something)
  status     [--product COMPANY/PRODUCT]     one registration, or all of yours
  offboard   --product COMPANY/PRODUCT       stops delivery at once; the record stays for audit`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    'api-url': { type: 'string' }, region: { type: 'string', multiple: true }, product: { type: 'string' }, 'role-arn': { type: 'string' },
    'save-setup': { type: 'string' }, help: { type: 'boolean' },
  },
});

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

const [command] = positionals;
if (!command || values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(command ? 0 : 2);
}
// The stack's ApiUrl or OnboardingApiUrl (which ends in /v1/): either works.
const apiUrl = (values['api-url'] ?? process.env.BROKER_API_URL ?? fail('--api-url or BROKER_API_URL is required')).replace(/\/+$/, '').replace(/\/v1$/, '');
// SigV4 must name the API's own Region: read it from an execute-api host, else the shell's Region.
const signingRegion = /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com/.exec(apiUrl)?.[1] ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
const product = (): string => {
  const key = values.product ?? fail('--product COMPANY/PRODUCT is required');
  if (!/^[\w.-]+\/[\w.-]+$/.test(key)) fail('--product must look like company/product (see the products command)');
  return key;
};

/** The standard credential chain, resolved through an SDK client's own provider. */
const sts = new STSClient({ region: signingRegion });
const credentials = await sts.config.credentials();
sts.destroy();

async function call(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await signedFetch(`${apiUrl}${path}`, {
    method, region: signingRegion, credentials, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const reply = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  process.stdout.write(`${JSON.stringify(reply, null, 2)}\n`);
  if (!response.ok) process.exitCode = 1;
  return reply;
}

switch (command) {
  case 'products':
    await call('GET', '/v1/products');
    break;
  case 'register': {
    const reply = await call('POST', '/v1/registrations', { product: product(), regions: values.region ?? fail('--region is required (one or more)') });
    const setup = reply.setup as undefined | { trustPolicy: unknown; permissionsPolicy: unknown; cloudFormation: { template: string; parameters: Record<string, string> } };
    if (values['save-setup'] && setup) {
      const dir = values['save-setup'];
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'trust-policy.json'), `${JSON.stringify(setup.trustPolicy, null, 2)}\n`);
      await writeFile(join(dir, 'permissions-policy.json'), `${JSON.stringify(setup.permissionsPolicy, null, 2)}\n`);
      await writeFile(join(dir, 'customer-role.yaml'), setup.cloudFormation.template);
      await writeFile(join(dir, 'parameters.txt'), `${Object.entries(setup.cloudFormation.parameters).map(([k, v]) => `${k}=${v}`).join(' ')}\n`);
      process.stderr.write(`Setup written to ${dir}: trust-policy.json, permissions-policy.json, customer-role.yaml, parameters.txt\n`);
    }
    break;
  }
  case 'set-role':
    await call('PUT', `/v1/registrations/${product()}/role`, { roleArn: values['role-arn'] ?? fail('--role-arn is required') });
    break;
  case 'verify':
    await call('POST', `/v1/registrations/${product()}/verify`);
    break;
  case 'status':
    await call('GET', values.product ? `/v1/registrations/${product()}` : '/v1/registrations');
    break;
  case 'offboard':
    await call('DELETE', `/v1/registrations/${product()}`);
    break;
  default:
    fail(`unknown command ${command}`);
}
