/**
 * What AWS answers, asserted through the AWS SDK only, against the emulator (default, in `npm test`)
 * or a real sandbox account (`CONFORMANCE_TARGET=aws npm run test:conformance`; docs/conformance.md).
 * Each scenario's expected answer lives in expected-answers.json with its source; with
 * CONFORMANCE_RECORD=1 a run against AWS writes what AWS answered there, and the emulator must then
 * give the same answers.
 */
import {
  BatchImportFindingsCommand, GetFindingsCommand, type AwsSecurityFinding, type BatchImportFindingsCommandOutput, type SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { AssumeRoleCommand, type AssumeRoleCommandOutput } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerOf, expectedAnswer, observe, recordObserved, type Answer } from './answers.js';
import { startTarget, type ConformanceTarget } from './targets.js';

let target: ConformanceTarget;
let hub: SecurityHubClient;
/** Unique per run, so runs against a real account never update each other's findings. */
const run = `conformance-${Date.now().toString(36)}`;

beforeAll(async () => {
  target = await startTarget();
  hub = target.securityHub();
});
afterAll(async () => {
  if (process.env.CONFORMANCE_RECORD === '1' && target?.name === 'aws') recordObserved(`AWS ${target.region}`);
  await target?.stop();
});

function finding(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const { accountId, region } = target;
  const now = new Date().toISOString();
  return {
    SchemaVersion: '2018-10-08',
    Id: `${run}/${Math.random().toString(36).slice(2)}`,
    ProductArn: `arn:aws:securityhub:${region}:${accountId}:product/${accountId}/default`,
    GeneratorId: `${run}/generator`,
    AwsAccountId: accountId,
    CreatedAt: now,
    UpdatedAt: now,
    Title: 'Conformance check finding',
    Description: 'Written by the broker project conformance suite; safe to archive.',
    Resources: [{ Type: 'Other', Id: `${run}/resource` }],
    FindingProviderFields: { Severity: { Label: 'INFORMATIONAL' }, Types: ['Software and Configuration Checks/Vulnerabilities/CVE'] },
    ...overrides,
  };
}

const importSummary = (reply: BatchImportFindingsCommandOutput): Answer => ({
  SuccessCount: reply.SuccessCount,
  FailedCount: reply.FailedCount,
  FailedErrorCodes: (reply.FailedFindings ?? []).map((f) => f.ErrorCode),
});

function importInto(client: SecurityHubClient, findings: Array<Record<string, unknown>>): Promise<Answer> {
  return answerOf(client.send(new BatchImportFindingsCommand({ Findings: findings as never })), importSummary);
}

async function scenario(name: string, answer: Promise<Answer>): Promise<void> {
  expect(observe(name, await answer), `${name} (expected, per ${expectedAnswer(name).source})`).toEqual(expectedAnswer(name).answer);
}

describe('STS AssumeRole into a role that requires an ExternalId', () => {
  const assume = (externalId?: string) => answerOf(
    target.sts().send(new AssumeRoleCommand({ RoleArn: target.roleArn, RoleSessionName: 'conformance', ...(externalId ? { ExternalId: externalId } : {}) })),
    (reply: AssumeRoleCommandOutput): Answer => ({ credentials: Boolean(reply.Credentials?.SessionToken) }),
  );

  it('issues session credentials with the ExternalId', () => scenario("AssumeRole with the role's ExternalId", assume(target.externalId)));
  it('answers AccessDenied without one', () => scenario('AssumeRole without an ExternalId', assume()));
  it('answers AccessDenied with a wrong one', () => scenario('AssumeRole with a wrong ExternalId', assume(`${target.externalId}-wrong`)));
});

describe('Security Hub BatchImportFindings', () => {
  it('imports a valid finding', () => scenario('BatchImportFindings with a valid finding', importInto(hub, [finding()])));

  it('fails an invalid finding on its own and imports the valid one', () =>
    scenario('BatchImportFindings with one invalid finding beside a valid one', importInto(hub, [finding(), finding({ Title: 'x'.repeat(257) })])));

  it('refuses more than 100 findings for the whole call', () =>
    scenario('BatchImportFindings with 101 findings', importInto(hub, Array.from({ length: 101 }, () => finding()))));

  it('refuses a finding over 240 KB', () =>
    scenario('BatchImportFindings with a finding over 240 KB', importInto(hub, [finding({ ProductFields: { blob: 'x'.repeat(241 * 1024) } })])));

  it('fails the findings with InvalidAccess, and the call succeeds, where Security Hub is not enabled', () => {
    const region = target.hubOffRegion;
    const productArn = `arn:aws:securityhub:${region}:${target.accountId}:product/${target.accountId}/default`;
    return scenario('BatchImportFindings where Security Hub is not enabled', importInto(target.securityHub(region), [finding({ ProductArn: productArn })]));
  });

  it('fails the findings with InvalidAccess, and the call succeeds, for a product whose integration is not enabled', () =>
    scenario('BatchImportFindings for a product whose integration is not enabled', importInto(hub, [finding({ ProductArn: target.unsubscribedProductArn })])));

  it("denies the whole call for a finding of another account", () =>
    scenario("BatchImportFindings with another account's AwsAccountId", importInto(hub, [finding({ AwsAccountId: target.foreignAccountId })])));
});

describe('Security Hub throttling', () => {
  const KNOWN_THROTTLING_NAMES = ['TooManyRequestsException', 'LimitExceededException', 'ThrottlingException'];

  it('throttles calls past the burst of 30 with HTTP 429, under a name the broker knows', async () => {
    const answers = await Promise.all(Array.from({ length: 45 }, () => importInto(hub, [finding()])));
    const throttled = answers.filter((a) => a.status === 429);
    const names = [...new Set(throttled.map((a) => a.error))];
    expect(names.every((name) => KNOWN_THROTTLING_NAMES.includes(String(name))), `throttled as ${names.join(', ')}`).toBe(true);
    expect(answers.filter((a) => a.status !== 429 && a.status !== 200)).toEqual([]);
    await scenario('BatchImportFindings past the burst', Promise.resolve({ throttled: throttled.length > 0, status: throttled[0]?.status ?? 200 }));
  });
});

describe('Security Hub updates by UpdatedAt, and FindingProviderFields', () => {
  /** GetFindings is eventually consistent in AWS: poll until `ready` holds, or a minute is up. */
  async function heldFinding(id: string, ready: (held: AwsSecurityFinding | undefined) => boolean): Promise<AwsSecurityFinding | undefined> {
    const deadline = Date.now() + (target.name === 'aws' ? 60_000 : 0);
    for (;;) {
      const { Findings = [] } = await hub.send(new GetFindingsCommand({ Filters: { Id: [{ Value: id, Comparison: 'EQUALS' }] } }));
      if (ready(Findings[0]) || Date.now() >= deadline) return Findings[0];
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
  }

  const titleOf = async (id: string, hoping: string): Promise<Answer> => ({ Title: (await heldFinding(id, (f) => f?.Title === hoping))?.Title });

  it('ignores an older or equal UpdatedAt and applies a newer one', async () => {
    // Spaced over the quota: the throttling test above may have drained this account's bucket.
    const base = finding({ Title: 'first', UpdatedAt: '2026-01-02T00:00:00Z', CreatedAt: '2026-01-01T00:00:00Z' });
    const id = String(base.Id);
    await expectImported(base);
    await expectImported({ ...base, Title: 'older', UpdatedAt: '2026-01-01T12:00:00Z' });
    await scenario('GetFindings after an update with an older UpdatedAt', titleOf(id, 'first'));
    await expectImported({ ...base, Title: 'equal' });
    await scenario('GetFindings after an update with an equal UpdatedAt', titleOf(id, 'first'));
    await expectImported({ ...base, Title: 'newer', UpdatedAt: '2026-01-03T00:00:00Z' });
    await scenario('GetFindings after an update with a newer UpdatedAt', titleOf(id, 'newer'));
  }, 300_000);

  it('copies a top-level Severity and Types into FindingProviderFields on create', async () => {
    const created = finding({ Severity: { Label: 'HIGH' }, Types: ['Software and Configuration Checks/Vulnerabilities/CVE'], FindingProviderFields: undefined });
    await expectImported(created);
    const held = await heldFinding(String(created.Id), (f) => f !== undefined);
    await scenario('GetFindings for a finding created with top-level Severity and Types only', Promise.resolve({
      Severity: { Label: held?.Severity?.Label, Normalized: held?.Severity?.Normalized },
      FindingProviderFields: { Severity: { Label: held?.FindingProviderFields?.Severity?.Label }, Types: held?.FindingProviderFields?.Types },
    }));
  }, 120_000);

  /** Imports one finding, waiting out throttling (SDK attempts are 1 here on purpose). */
  async function expectImported(one: Record<string, unknown>): Promise<void> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const answer = await importInto(hub, [one]);
      if (answer.status !== 429) {
        expect(answer).toMatchObject({ status: 200, SuccessCount: 1 });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error('still throttled after 10 s');
  }
});
