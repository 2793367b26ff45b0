/**
 * Customer registrations as the operator: add-registration, verify-registration, set-status,
 * list-registrations. They go through the onboarding API's own use cases (shared/onboarding/
 * registrations.ts): the same validation, the same PENDING-until-verified rule, the same single
 * ExternalId. A passed verification (or set-status ACTIVE) sends the registration's findings waiting
 * in the DLQ back out when the queues are configured (self-healing, shared/redrive/self-heal.ts).
 */
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { BrokerError } from '#shared/errors.js';
import { Onboarding } from '#shared/onboarding/registrations.js';
import type { RegistrationView } from '#shared/onboarding/registration-view.js';
import { verifyRole } from '#shared/onboarding/verify-role.js';
import { parseProductArn } from '#shared/product/product-arn.js';
import { redriveRecovered } from '#shared/redrive/self-heal.js';
import { DELIVERY_MODES, REGISTRATION_STATUSES, type DeliveryMode, type Registration, type RegistrationStatus } from '#shared/registry/model.js';
import type { Context, Runner } from './context.js';
import { collect } from './options.js';
import { table, usageError, type Output } from './output.js';

/** Registration history names the operator as `operator:<user>` (the onboarding API names the caller's ARN). */
const operator = `operator:${userInfo().username}`;
/** The registration commands act for the customer's account, as the operator. */
const actingFor = (accountId: string) => ({ accountId, arn: operator });

function principals(env: NodeJS.ProcessEnv = process.env) {
  return { delivery: env.DELIVERY_PRINCIPAL_ARN ?? '', verifier: env.VERIFIER_PRINCIPAL_ARN ?? '' };
}

async function onboarding(ctx: Context): Promise<Onboarding> {
  const registry = await ctx.registry();
  const queues = await ctx.queuesIfConfigured();
  const audit = queues ? await ctx.auditLog() : undefined;
  const known = principals();
  return new Onboarding({
    registry, principals: known, customerRoleNamePrefix: process.env.CUSTOMER_ROLE_NAME_PREFIX ?? 'SecurityHubFindingsBroker',
    verify: async (role) => {
      if (!known.delivery || !known.verifier) throw usageError('DELIVERY_PRINCIPAL_ARN and VERIFIER_PRINCIPAL_ARN are required to verify');
      return verifyRole(role, { sts: await ctx.sts(), principals: known, sessionName: `${process.env.ROLE_SESSION_NAME_PREFIX ?? 'securityhub-broker'}-verify` });
    },
    ...(queues ? { redriveRecovered: (scope: { accountId: string; productKey: string }) => redriveRecovered({ queues, ...(audit ? { audit } : {}) }, scope) } : {}),
  });
}

/**
 * Runs a registration use case. A create that collided answers the registration that exists (the one
 * ExternalId) with exit 0; other typed refusals propagate (one line, exit 1).
 */
async function orExisting<T>(out: Output, create: () => Promise<T>): Promise<T | undefined> {
  try {
    return await create();
  } catch (error) {
    if (error instanceof BrokerError && error.code === 'RegistrationExists' && error.details?.registration) {
      const existing = error.details.registration as RegistrationView;
      out.result({ ...existing, note: error.message }, () => `${describeRegistration(existing)}\nNote: ${error.message}`);
      return undefined;
    }
    throw error;
  }
}

export function describeRegistration(view: RegistrationView): string {
  const lines = [
    `Account ${view.accountId}, product ${view.product}: ${view.status} (${view.mode}; ${view.regions.join(', ')})`,
    `  ${view.statusReason}`,
    `  external id   ${view.externalId ?? '-'}`,
    `  role          ${view.roleArn ?? '-'}`,
    `  verification  ${view.verification ? `${view.verification.outcome} at ${view.verification.at}` : 'none yet'}`,
  ];
  for (const problem of view.problems) lines.push(`  problem       ${problem.code}${problem.region ? ` (${problem.region})` : ''}: ${problem.message}`);
  if (view.deliveryProblem) lines.push(`  delivery      ${view.deliveryProblem.code}: refused ${view.deliveryProblem.count} time(s) since ${view.deliveryProblem.firstAt}`);
  if (view.redriven) {
    lines.push(`  redriven      ${view.redriven.messages} DLQ message(s), ${view.redriven.findings} finding(s) at ${view.redriven.at}${view.redriven.complete ? '' : ' (time budget reached: run dlq redrive for the rest)'}`);
  }
  return lines.join('\n');
}

export function registerRegistrationCommands(program: Command, run: Runner): void {
  program.command('add-registration')
    .description('creates a PENDING registration and prints the broker-issued ExternalId (running it again prints the existing one)')
    .requiredOption('--partner-id <id>', 'the partner that owns the product')
    .requiredOption('--account-id <account>', 'the customer\'s 12-digit AWS account id')
    .requiredOption('--product-arn <arn>', 'the partner\'s Security Hub product ARN')
    .option('--region <region>', 'a Region to deliver to (repeatable; default: the product ARN\'s)', collect)
    .option('--mode <mode>', `${DELIVERY_MODES.join('|')}`, 'cross-account-role')
    .option('--role-arn <arn>', 'the customer\'s role: stored, and verified when DELIVERY_PRINCIPAL_ARN and VERIFIER_PRINCIPAL_ARN are set')
    .action(run<{ partnerId: string; accountId: string; productArn: string; region?: string[]; mode: string; roleArn?: string }>(async ({ options, ctx, out }) => {
      const product = parseProductArn(options.productArn) ?? (() => { throw usageError('--product-arn is not a Security Hub product ARN'); })();
      const mode = options.mode as DeliveryMode;
      if (!DELIVERY_MODES.includes(mode)) throw usageError(`--mode must be one of ${DELIVERY_MODES.join(', ')}`);
      if (!/^\d{12}$/.test(options.accountId)) throw usageError('--account-id must be a 12-digit AWS account id');
      const registry = await ctx.registry();
      if (!(await registry.getPartner(options.partnerId))) throw usageError(`no partner ${options.partnerId}; run add-partner first`);
      const use = await onboarding(ctx);
      const caller = actingFor(options.accountId);
      const created = await orExisting(out, () =>
        use.create(caller, { product: product.productKey, regions: options.region ?? [product.region], mode }, { partnerId: options.partnerId }));
      if (!created) return;
      if (options.roleArn) {
        // Stored as the API does; verified at once when this shell can act as the verifier.
        const { delivery, verifier } = principals();
        const verify = Boolean(delivery && verifier);
        const stored = await use.setRole(caller, product.productKey, options.roleArn, { verify });
        const note = 'Role stored, not verified: set DELIVERY_PRINCIPAL_ARN and VERIFIER_PRINCIPAL_ARN and run verify-registration with the verifier\'s credentials.';
        out.result(verify ? stored : { ...stored, note }, () => `${describeRegistration(stored)}${verify ? '' : `\nNote: ${note}`}`);
        return;
      }
      const note = 'PENDING until verified: the customer creates the role from setup and sets it (PUT .../role), or run set-status for non-role modes.';
      out.result({ ...created.registration, note }, () => `${describeRegistration(created.registration)}\nNote: ${note}`);
    }));

  program.command('verify-registration')
    .description('runs the onboarding checks with this shell\'s credentials as the verifier (needs DELIVERY_PRINCIPAL_ARN and VERIFIER_PRINCIPAL_ARN); a pass makes it ACTIVE and redrives its waiting dead letters')
    .requiredOption('--account-id <account>', 'the customer\'s account id')
    .requiredOption('--product-key <key>', 'company/product')
    .action(run<{ accountId: string; productKey: string }>(async ({ options, ctx, out }) => {
      const view = await (await onboarding(ctx)).verify(actingFor(options.accountId), options.productKey);
      out.result(view, () => describeRegistration(view));
      return view.verification?.outcome === 'passed' ? 0 : 1;
    }));

  program.command('set-status')
    .description('changes a registration\'s status (cross-account-role becomes ACTIVE only by verification; OFFBOARDED is final); ACTIVE redrives its waiting dead letters')
    .requiredOption('--account-id <account>', 'the customer\'s account id')
    .requiredOption('--product-key <key>', 'company/product')
    .requiredOption('--status <status>', REGISTRATION_STATUSES.join('|'))
    .action(run<{ accountId: string; productKey: string; status: string }>(async ({ options, ctx, out }) => {
      const status = options.status as RegistrationStatus;
      if (!REGISTRATION_STATUSES.includes(status)) throw usageError(`--status must be one of ${REGISTRATION_STATUSES.join(', ')}`);
      const view = await (await onboarding(ctx)).setStatus(actingFor(options.accountId), options.productKey, status);
      out.result(view, () => describeRegistration(view));
    }));

  program.command('list-registrations')
    .description('lists a partner\'s registrations (without ExternalIds)')
    .requiredOption('--partner-id <id>', 'the partner\'s id')
    .action(run<{ partnerId: string }>(async ({ options, ctx, out }) => {
      const registrations = (await (await ctx.registry()).listRegistrations(options.partnerId))
        .map(({ externalId: _e, ...registration }): Omit<Registration, 'externalId'> => registration);
      out.result(registrations, () => (registrations.length === 0
        ? `Partner ${options.partnerId} has no registrations.`
        : table(['ACCOUNT', 'PRODUCT', 'STATUS', 'MODE', 'REGIONS', 'UPDATED'],
          registrations.map((r) => [r.accountId, r.productKey, r.status, r.mode, r.regions.join(','), r.updatedAt]))));
    }));
}
