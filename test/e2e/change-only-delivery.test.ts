import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '#infra/local/stack.js';
import { CHANGE_REFRESH_MS } from '#shared/limits.js';
import { aFinding } from '../shared/asff/finding-factory.js';
import {
  addCustomer, addPartner, findingsFor, getJson, importCalls, later, postFindings, startBroker, type SubmissionView, type TestPartner,
} from '../support/local-broker.js';

let stack: LocalStack;
let partner: TestPartner;
const HAPPY = '320000000001';
const RESCANNED = '320000000004';



const imports = (accountId: string) => importCalls(stack, accountId);

beforeAll(async () => {
  stack = await startBroker();
  partner = await addPartner(stack, 'rescanner');
  await addCustomer(stack, partner, { accountId: HAPPY });
  await addCustomer(stack, partner, { accountId: RESCANNED });
}, 60_000);
afterAll(async () => stack?.stop());

describe('change-only delivery', () => {
  it('makes no import call for a rescan of 10,000 unchanged findings, imports a changed one, and re-imports all once the refresh is due', async () => {
    const findings = findingsFor(partner, RESCANNED, 10_000, 'scan');
    const post = async (batch: Array<Record<string, unknown>>) => {
      const ids: string[] = [];
      for (let i = 0; i < batch.length; i += 1000) {
        const posted = await postFindings(stack, partner.token, { Findings: batch.slice(i, i + 1000) });
        expect(posted.status).toBe(202);
        ids.push(posted.body.submissionId!);
      }
      await stack.poller.waitForIdle();
      return ids;
    };
    const rescan = (minutes: number, change?: (finding: Record<string, unknown>, i: number) => Record<string, unknown>) =>
      findings.map((finding, i) => {
        const updated = { ...finding, UpdatedAt: later(String(finding.UpdatedAt), minutes * 60_000) };
        return change ? change(updated, i) : updated;
      });

    await post(findings);
    expect(imports(RESCANNED)).toBe(100);

    const unchanged = await post(rescan(60));
    expect(imports(RESCANNED)).toBe(100);
    const record = await getJson<SubmissionView>(stack, `/v1/submissions/${unchanged[0]}`, partner.token);
    expect(record.body.counts).toMatchObject({ unchanged: 1000, imported: 0, queued: 0 });

    await post(rescan(120, (finding, i) => (i === 7 ? { ...finding, Title: 'now fixed' } : finding)));
    expect(imports(RESCANNED)).toBe(101);
    expect(stack.emulator.state.findings(RESCANNED, stack.region).find((f) => f.Id === 'scan-7')).toMatchObject({ Title: 'now fixed' });

    stack.emulator.state.advanceClock(CHANGE_REFRESH_MS + 60_000);
    await post(rescan(180, (finding, i) => (i === 7 ? { ...finding, Title: 'now fixed' } : finding)));
    expect(imports(RESCANNED)).toBe(201);
  }, 240_000);

  it('imports unchanged content again when the partner turned change-only delivery off', async () => {
    const partnerRecord = (await stack.registry.getPartner(partner.partnerId))!;
    await stack.registry.putPartner({ ...partnerRecord, changeOnly: false });
    try {
      const finding = aFinding({ Id: 'always', ProductArn: partner.productArn, AwsAccountId: HAPPY });
      await postFindings(stack, partner.token, { Findings: [finding] });
      await stack.poller.waitForIdle();
      const before = imports(HAPPY);
      await postFindings(stack, partner.token, { Findings: [{ ...finding, UpdatedAt: later(String(finding.UpdatedAt), 60_000) }] });
      await stack.poller.waitForIdle();
      expect(imports(HAPPY)).toBe(before + 1);
    } finally {
      await stack.registry.putPartner(partnerRecord);
    }
  });
});
