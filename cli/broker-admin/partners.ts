/** Partners and their API tokens: add-partner, set-change-only, issue-token, revoke-token, list-tokens. */
import type { Command } from 'commander';
import { issueToken } from '#shared/auth/partner-tokens.js';
import { offersOf } from '#shared/onboarding/products.js';
import { parseProductArn } from '#shared/product/product-arn.js';
import type { Runner } from './context.js';
import { collectWhole } from './options.js';
import { table, usageError } from './output.js';

export function registerPartnerCommands(program: Command, run: Runner): void {
  program.command('add-partner')
    .description('adds a partner (or updates its name and products); a product belongs to one partner')
    .requiredOption('--partner-id <id>', 'the partner\'s id')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--product-arn <arn>', 'a Security Hub product ARN (repeat for each Region)', collectWhole)
    .action(run<{ partnerId: string; name: string; productArn: string[] }>(async ({ options, ctx, out }) => {
      const { partnerId, name, productArn: productArns } = options;
      for (const arn of productArns) if (!parseProductArn(arn)) throw usageError(`not a Security Hub product ARN: ${arn}`);
      const registry = await ctx.registry();
      // A product key belongs to one partner: customers register for it, and ingest checks ownership by it.
      const owners = offersOf((await registry.listPartners()).filter((partner) => partner.partnerId !== partnerId));
      for (const arn of productArns) {
        const taken = owners.find((offer) => offer.productKey === parseProductArn(arn)!.productKey);
        if (taken) throw usageError(`product ${taken.productKey} already belongs to partner ${taken.partnerId}`);
      }
      const existing = await registry.getPartner(partnerId);
      await registry.putPartner({ partnerId, name, productArns, createdAt: existing?.createdAt ?? new Date().toISOString(),
        ...(existing?.changeOnly === undefined ? {} : { changeOnly: existing.changeOnly }) });
      out.result({ partnerId, productArns }, () =>
        [`Partner ${partnerId} (${name}) ${existing ? 'updated' : 'added'}; it posts findings for:`, ...productArns.map((arn) => `  ${arn}`)].join('\n'));
    }));

  program.command('set-change-only')
    .description('turns change-only delivery on or off for a partner (on by default: content imported within 24 hours is not imported again)')
    .requiredOption('--partner-id <id>', 'the partner\'s id')
    .requiredOption('--change-only <on|off>', 'on: skip unchanged findings; off: import every version')
    .action(run<{ partnerId: string; changeOnly: string }>(async ({ options, ctx, out }) => {
      if (options.changeOnly !== 'on' && options.changeOnly !== 'off') throw usageError(`--change-only takes on or off, not ${options.changeOnly}`);
      const registry = await ctx.registry();
      const partner = await registry.getPartner(options.partnerId);
      if (!partner) throw usageError(`no partner ${options.partnerId}; run add-partner first`);
      await registry.putPartner({ ...partner, changeOnly: options.changeOnly === 'on' });
      out.result({ partnerId: options.partnerId, changeOnly: options.changeOnly === 'on' }, () =>
        `Change-only delivery is ${options.changeOnly} for ${options.partnerId} (takes effect with the next delivery).`);
    }));

  program.command('issue-token')
    .description('issues a partner API token and prints it once (only its hash is stored)')
    .requiredOption('--partner-id <id>', 'the partner\'s id')
    .option('--usage-plan-key <id>', 'the API Gateway usage-plan key the authorizer hands back for this token')
    .action(run<{ partnerId: string; usagePlanKey?: string }>(async ({ options, ctx, out }) => {
      const registry = await ctx.registry();
      if (!(await registry.getPartner(options.partnerId))) throw usageError(`no partner ${options.partnerId}; run add-partner first`);
      const issued = issueToken(options.partnerId);
      await registry.putToken({ ...issued.record, ...(options.usagePlanKey ? { usagePlanKeyId: options.usagePlanKey } : {}) });
      const note = 'Give the token to the partner now; the broker keeps only its hash.';
      out.result({ tokenId: issued.record.tokenId, token: issued.token, note }, () =>
        `Token for ${options.partnerId}: ${issued.token}\nToken id: ${issued.record.tokenId} (revoke-token --token-id ${issued.record.tokenId})\n${note}`);
    }));

  program.command('revoke-token')
    .description('revokes a token (the authorizer\'s cache forgets it within 5 minutes)')
    .requiredOption('--token-id <id>', 'the token\'s id (list-tokens shows them)')
    .action(run<{ tokenId: string }>(async ({ options, ctx, out }) => {
      await (await ctx.registry()).revokeToken(options.tokenId, new Date().toISOString());
      out.result({ revoked: options.tokenId }, () => `Revoked token ${options.tokenId}; it stops working within 5 minutes (the authorizer's cache).`);
    }));

  program.command('list-tokens')
    .description('lists a partner\'s tokens (never the secrets)')
    .requiredOption('--partner-id <id>', 'the partner\'s id')
    .action(run<{ partnerId: string }>(async ({ options, ctx, out }) => {
      const tokens = (await (await ctx.registry()).listTokens(options.partnerId)).map(({ salt: _s, hash: _h, ...token }) => token);
      out.result(tokens, () => (tokens.length === 0
        ? `Partner ${options.partnerId} has no tokens.`
        : table(['TOKEN ID', 'CREATED', 'REVOKED', 'USAGE PLAN KEY'],
          tokens.map((token) => [token.tokenId, token.createdAt, token.revokedAt ?? '-', token.usagePlanKeyId ?? '-']))));
    }));
}
