import { GetFindingsCommand, SecurityHubClient, type AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '#infra/local/stack.js';
import { addCustomer, addPartner, findingsFor, postFindings, startBroker, type TestPartner } from '../support/local-broker.js';

let stack: LocalStack;
let partner: TestPartner;
let other: TestPartner;
let customerHub: SecurityHubClient;
const CUSTOMER = '330000000001';

const later = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

async function post(findings: Array<Record<string, unknown>>, scan: string): Promise<void> {
  for (let i = 0; i < findings.length; i += 1000) {
    const posted = await postFindings(stack, partner.token, { Findings: findings.slice(i, i + 1000) }, `/v1/findings?scan=${scan}`);
    expect(posted.status).toBe(202);
  }
  await stack.poller.waitForIdle();
}

async function complete(scan: string, body: unknown, token = partner.token): Promise<{ status: number; body: Record<string, any> }> {
  const response = await fetch(`${stack.apiUrl}/v1/scans/${scan}/complete`, {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

/** The customer's own view, through GetFindings, of the broker's findings with this Id prefix. */
async function customerFindings(prefix: string): Promise<AwsSecurityFinding[]> {
  const all: AwsSecurityFinding[] = [];
  let NextToken: string | undefined;
  do {
    const page = await customerHub.send(new GetFindingsCommand({ Filters: { Id: [{ Value: prefix, Comparison: 'PREFIX' }] }, MaxResults: 100, NextToken }));
    all.push(...(page.Findings ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return all;
}

beforeAll(async () => {
  stack = await startBroker();
  partner = await addPartner(stack, 'scanner-co');
  other = await addPartner(stack, 'other-co');
  await addCustomer(stack, partner, { accountId: CUSTOMER });
  const credentials = { accessKeyId: 'AKIASCANCUSTOMER0001', secretAccessKey: 'scan-customer-secret' };
  stack.emulator.state.addAccessKey({ accountId: CUSTOMER, principalArn: `arn:aws:iam::${CUSTOMER}:user/security`, ...credentials });
  customerHub = new SecurityHubClient({ endpoint: stack.emulator.url, region: stack.region, credentials });
}, 60_000);
afterAll(async () => {
  customerHub?.destroy();
  await stack?.stop();
});

describe('archive by scan', () => {
  it('archives exactly the 100 of 1,000 earlier findings a completed scan did not see, and nothing for a scan never completed', async () => {
    const earlier = findingsFor(partner, CUSTOMER, 1000, 'scanned');
    await post(earlier, 'monday');
    expect((await customerFindings('scanned-')).filter((f) => f.RecordState === 'ACTIVE')).toHaveLength(1000);

    // Tuesday's scan sees 900 of them (with a later UpdatedAt), and is never completed: nothing is archived.
    const seen = earlier.slice(0, 900).map((f) => ({ ...f, UpdatedAt: later(String(f.UpdatedAt), 3_600_000) }));
    await post(seen, 'tuesday');
    expect((await customerFindings('scanned-')).filter((f) => f.RecordState === 'ARCHIVED')).toHaveLength(0);

    // Wednesday's scan sees the same 900 and is completed: the other 100 are archived.
    await post(seen.map((f) => ({ ...f, UpdatedAt: later(String(f.UpdatedAt), 3_600_000) })), 'wednesday');
    const completed = await complete('wednesday', { accounts: [CUSTOMER], productArn: partner.productArn });
    expect(completed.status).toBe(200);
    expect(completed.body).toMatchObject({ scanId: 'wednesday', archived: 100, accounts: [{ accountId: CUSTOMER, archived: 100 }] });
    await stack.poller.waitForIdle();

    const after = await customerFindings('scanned-');
    const archived = after.filter((f) => f.RecordState === 'ARCHIVED').map((f) => f.Id).sort();
    expect(archived).toEqual(earlier.slice(900).map((f) => String(f.Id)).sort());
    expect(after.filter((f) => f.RecordState === 'ACTIVE')).toHaveLength(900);
    // Archived whole, as last imported: only RecordState and a later UpdatedAt changed.
    const one = after.find((f) => f.Id === 'scanned-950')!;
    expect(one.Title).toBe(earlier[950]!.Title);
    expect(Date.parse(one.UpdatedAt!)).toBeGreaterThan(Date.parse(String(earlier[950]!.UpdatedAt)));

    // The archive imports are a submission the partner can follow.
    const record = await fetch(`${stack.apiUrl}/v1/submissions/${completed.body.archiveSubmissionId}`, { headers: { authorization: `Bearer ${partner.token}` } });
    expect(((await record.json()) as { counts: Record<string, number> }).counts).toMatchObject({ imported: 100, queued: 0 });

    // Completing again answers the first completion and archives nothing more.
    const imports = stack.emulator.state.importLog.read(CUSTOMER).calls.length;
    const again = await complete('wednesday', { accounts: [CUSTOMER], productArn: partner.productArn });
    expect(again.body).toEqual(completed.body);
    await stack.poller.waitForIdle();
    expect(stack.emulator.state.importLog.read(CUSTOMER).calls.length).toBe(imports);
  }, 120_000);

  it('archives only the scope\'s generators when generatorIds are given', async () => {
    const mixed = [
      ...findingsFor(partner, CUSTOMER, 3, 'gen-a').map((f) => ({ ...f, GeneratorId: 'rule-a' })),
      ...findingsFor(partner, CUSTOMER, 3, 'gen-b').map((f) => ({ ...f, GeneratorId: 'rule-b' })),
    ];
    await post(mixed, 'thursday');
    await post(mixed.slice(0, 1).map((f) => ({ ...f, UpdatedAt: later(String((f as Record<string, unknown>).UpdatedAt), 60_000) })), 'friday');
    const completed = await complete('friday', { accounts: [CUSTOMER], productArn: partner.productArn, generatorIds: ['rule-a'] });
    expect(completed.body.archived).toBe(2);
    await stack.poller.waitForIdle();
    expect((await customerFindings('gen-')).filter((f) => f.RecordState === 'ARCHIVED').map((f) => f.Id).sort()).toEqual(['gen-a-1', 'gen-a-2']);
  }, 60_000);

  it('refuses to complete a scan nothing was posted with (404), a malformed scope (400), and another partner\'s product per account', async () => {
    expect((await complete('never-posted', { accounts: [CUSTOMER], productArn: partner.productArn })).body.error.code).toBe('ScanNotFound');
    const bad = await complete('monday', { accounts: ['12345'], productArn: partner.productArn });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('InvalidScope');
    // Another partner's scan ids are its own: "monday" was never posted by it.
    expect((await complete('monday', { accounts: [CUSTOMER], productArn: partner.productArn }, other.token)).status).toBe(404);
  });
});
