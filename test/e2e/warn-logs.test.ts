import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '#infra/local/stack.js';
import { captureProcessOutput } from '../support/process-output.js';
import { addCustomer, addPartner, findingsFor, postFindings, startBroker, type TestPartner } from '../support/local-broker.js';

let output: ReturnType<typeof captureProcessOutput>;
let stack: LocalStack;
let partner: TestPartner;
const HAPPY = '340000000001';
const UNTRUSTING = '340000000002';
const MARKER = 'warn-log-content-canary-19d2';

beforeAll(async () => {
  output = captureProcessOutput();
  // The local stack's default log level is the deployed one: WARN.
  stack = await startBroker();
  partner = await addPartner(stack, 'warned');
  await addCustomer(stack, partner, { accountId: HAPPY });
  await addCustomer(stack, partner, { accountId: UNTRUSTING, trust: 'wrong-external-id' });
}, 60_000);
afterAll(async () => {
  output?.restore();
  await stack?.stop();
});

/** The captured JSON log lines with this message. */
const linesOf = (message: string) => output.captured.join('').split('\n').filter((line) => line.includes(`"message":"${message}"`))
  .map((line) => JSON.parse(line.slice(line.indexOf('{'))) as Record<string, unknown>);

describe('the logs at the default level (WARN)', () => {
  it('show refused requests, rejected findings by rule and dead letters by code, with ids and counts only, and no empty-metrics warning', async () => {
    const [good] = findingsFor(partner, HAPPY, 1, 'warn');
    const { Title: _title, ...untitled }: Record<string, unknown> = { ...findingsFor(partner, HAPPY, 1, 'untitled')[0]!, Description: MARKER };
    const posted = await postFindings(stack, partner.token, { Findings: [good, untitled] });
    expect(posted.status).toBe(207);
    expect((await postFindings(stack, partner.token, '{"Findings": [')).status).toBe(400);
    expect((await postFindings(stack, partner.token, { Findings: [good] }, '/v1/findings:validate')).status).toBe(200);
    expect((await postFindings(stack, partner.token, { Findings: findingsFor(partner, UNTRUSTING, 3, 'denied') })).status).toBe(202);
    await stack.poller.waitForIdle();

    expect(linesOf('findings rejected')).toContainEqual(expect.objectContaining({
      level: 'WARN', partnerId: 'warned', submissionId: posted.body.submissionId, rejected: 1, accepted: 1, rules: { required: 1 } }));
    expect(linesOf('request refused')).toContainEqual(expect.objectContaining({ level: 'WARN', code: 'MalformedJson', status: 400 }));
    const letters = linesOf('findings dead-lettered');
    expect(letters.reduce((sum, line) => sum + Number(line.count), 0)).toBe(3);
    expect(letters[0]).toMatchObject({ level: 'WARN', codes: { AssumeRoleDenied: expect.any(Number) } });
    const logs = output.captured.join('');
    expect(logs).not.toContain('No application metrics to publish');
    expect(logs).not.toContain(MARKER);
  }, 60_000);
});
