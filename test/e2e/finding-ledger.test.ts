import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '#infra/local/stack.js';
import {
  addCustomer, addPartner, findingsFor, getJson, importCalls, later, postFindings, startBroker, type SubmissionView, type TestPartner,
} from '../support/local-broker.js';

let stack: LocalStack;
let partner: TestPartner;
let other: TestPartner;
const HAPPY = '310000000001';
const UNSUBSCRIBED = '310000000002';
const UNTRUSTING = '310000000003';



const imports = (accountId: string) => importCalls(stack, accountId);

beforeAll(async () => {
  stack = await startBroker();
  partner = await addPartner(stack, 'ledger');
  other = await addPartner(stack, 'someone-else');
  await addCustomer(stack, partner, { accountId: HAPPY });
  await addCustomer(stack, partner, { accountId: UNSUBSCRIBED, subscribed: false });
  await addCustomer(stack, partner, { accountId: UNTRUSTING, trust: 'wrong-external-id' });
}, 60_000);
afterAll(async () => stack?.stop());

describe('GET /v1/submissions/{submissionId}', () => {
  it('accounts for all 1,000 findings of a POST by fate, each non-import with its code, and answers 404 to another partner', async () => {
    const invalid = findingsFor(partner, HAPPY, 50, 'invalid').map(({ Title: _title, ...finding }) => finding);
    const findings = [
      ...findingsFor(partner, HAPPY, 850, 'ok'),
      ...findingsFor(partner, UNSUBSCRIBED, 50, 'refused'),
      ...findingsFor(partner, UNTRUSTING, 50, 'denied'),
      ...invalid,
    ];
    const posted = await postFindings(stack, partner.token, { Findings: findings });
    expect(posted.status).toBe(207);
    expect(posted.body).toMatchObject({ accepted: 950, rejected: 50 });
    await stack.poller.waitForIdle();

    const { status, body } = await getJson<SubmissionView>(stack, `/v1/submissions/${posted.body.submissionId}`, partner.token);
    expect(status).toBe(200);
    expect(body.counts).toEqual({ queued: 0, imported: 850, deadLettered: 100, ignored: 0, unchanged: 0, rejected: 50, failed: 0 });
    expect(Object.values(body.counts).reduce((sum, n) => sum + n, 0)).toBe(1000);
    expect(body.posted).toBe(1000);
    // At most 100 listed, the rest counted; each says what happened and why.
    expect(body.findings).toHaveLength(100);
    expect(body.moreFindings).toBe(50);
    for (const finding of body.findings) {
      expect(finding.code).toEqual(expect.any(String));
      expect(finding.message).toEqual(expect.any(String));
    }
    const codes = new Set(body.findings.map((finding) => `${finding.fate}:${finding.code}`));
    expect(codes).toContain('deadLettered:AssumeRoleDenied');

    const stranger = await getJson<SubmissionView>(stack, `/v1/submissions/${posted.body.submissionId}`, other.token);
    expect(stranger.status).toBe(404);
    expect(stranger.body.error?.code).toBe('SubmissionNotFound');
  });

  it('lists the partner\'s own recent submissions, not another partner\'s', async () => {
    const mine = await postFindings(stack, partner.token, { Findings: findingsFor(partner, HAPPY, 1, 'listed') });
    const { status, body } = await getJson<{ submissions: Array<{ submissionId: string }> }>(stack, '/v1/submissions', partner.token);
    expect(status).toBe(200);
    expect(body.submissions.map((s) => s.submissionId)).toContain(mine.body.submissionId);
    const theirs = await getJson<{ submissions: unknown[] }>(stack, '/v1/submissions', other.token);
    expect(theirs.body.submissions).toEqual([]);
    const bad = await getJson<{ error: { code: string } }>(stack, '/v1/submissions?since=yesterday', partner.token);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('InvalidParameter');
  });
});

describe('stale and superseded versions', () => {
  it('says StaleUpdatedAt for a version not later than the one imported, and sends nothing', async () => {
    const [finding] = findingsFor(partner, HAPPY, 1, 'stale');
    expect((await postFindings(stack, partner.token, { Findings: [finding] })).status).toBe(202);
    await stack.poller.waitForIdle();
    const before = imports(HAPPY);

    for (const again of [finding, { ...finding, UpdatedAt: later(finding!.UpdatedAt, -60_000) }]) {
      const posted = await postFindings(stack, partner.token, { Findings: [again] });
      expect(posted.status).toBe(200);
      expect(posted.body).toMatchObject({ accepted: 0, ignored: 1, rejected: 0 });
      expect(posted.body.results?.[0]).toMatchObject({ status: 'ignored', warnings: expect.arrayContaining([expect.objectContaining({ rule: 'StaleUpdatedAt' })]) });
      const record = await getJson<SubmissionView>(stack, `/v1/submissions/${posted.body.submissionId}`, partner.token);
      expect(record.body.counts.ignored).toBe(1);
      expect(record.body.findings[0]).toMatchObject({ fate: 'ignored', code: 'StaleUpdatedAt' });
    }
    await stack.poller.waitForIdle();
    expect(imports(HAPPY)).toBe(before);
  });

  it('imports three versions posted in quick succession as one import of the newest', async () => {
    const [base] = findingsFor(partner, HAPPY, 1, 'versions');
    const versions = [0, 1, 2].map((n) => ({ ...base, UpdatedAt: later(String(base!.UpdatedAt), n * 1000), Title: `version ${n + 1}` }));
    const before = imports(HAPPY);
    // All three wait in the queue at once, as when a partner's tool posts them faster than delivery runs.
    await stack.poller.stop();
    const submissions = [];
    for (const version of versions) submissions.push((await postFindings(stack, partner.token, { Findings: [version] })).body.submissionId!);
    stack.poller.start();
    await stack.poller.waitForIdle();

    expect(imports(HAPPY) - before).toBe(1);
    const stored = stack.emulator.state.findings(HAPPY, stack.region).find((f) => f.Id === base!.Id);
    expect(stored).toMatchObject({ Title: 'version 3', UpdatedAt: versions[2]!.UpdatedAt });
    for (const [index, submissionId] of submissions.entries()) {
      const { body } = await getJson<SubmissionView>(stack, `/v1/submissions/${submissionId}`, partner.token);
      if (index < 2) expect(body.findings[0]).toMatchObject({ fate: 'ignored', code: 'Superseded' });
      else expect(body.counts.imported).toBe(1);
    }
  });
});
