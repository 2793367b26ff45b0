import { LAMBDA_SYNC_PAYLOAD_BYTES, MAX_INGEST_BODY_BYTES } from '#shared/limits.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '#infra/local/stack.js';
import { addCustomer, addPartner, findingsFor, postFindings, startBroker, type TestPartner } from '../support/local-broker.js';

let stack: LocalStack;
let acme: TestPartner;
let globex: TestPartner;
const CUSTOMER = '333333333333';
const PENDING_CUSTOMER = '666666666666';
const SECOND_CUSTOMER = '777777777777';

beforeAll(async () => {
  stack = await startBroker();
  acme = await addPartner(stack, 'acme');
  globex = await addPartner(stack, 'globex');
  await addCustomer(stack, acme, { accountId: CUSTOMER });
  await addCustomer(stack, acme, { accountId: PENDING_CUSTOMER, status: 'PENDING' });
  await addCustomer(stack, acme, { accountId: SECOND_CUSTOMER });
});
afterAll(async () => stack?.stop());

describe('what ingest refuses, finding by finding and request by request', () => {
  it('rejects a finding whose ProductArn belongs to another partner, and queues the rest', async () => {
    const [own] = findingsFor(acme, CUSTOMER, 1, 'own');
    const [foreign] = findingsFor(globex, CUSTOMER, 1, 'foreign');
    const { status, body } = await postFindings(stack, acme.token, { Findings: [own, foreign] });
    expect(status).toBe(207);
    expect(body.results?.[0]).toMatchObject({ index: 0, id: 'own-0', status: 'accepted' });
    expect(body.results?.[1]).toMatchObject({ index: 1, id: 'foreign-0', status: 'rejected',
      errors: [{ path: 'Findings[1].ProductArn', rule: 'productNotOwned' }] });
  });

  it('rejects a finding for an account that is not registered for the product', async () => {
    const { status, body } = await postFindings(stack, acme.token, { Findings: findingsFor(acme, '999999999999', 1) });
    expect(status).toBe(400);
    expect(body.results?.[0]?.errors).toEqual([expect.objectContaining({ path: 'Findings[0].AwsAccountId', rule: 'customerNotRegistered' })]);
  });

  it('rejects a finding for a registration that is not yet ACTIVE, saying it waits for the customer\'s verified role', async () => {
    const { body } = await postFindings(stack, acme.token, { Findings: findingsFor(acme, PENDING_CUSTOMER, 1) });
    expect(body.results?.[0]?.errors?.[0]).toMatchObject({ rule: 'registrationNotActive', message: expect.stringMatching(/is PENDING: .*verifies it/) });
  });

  it('does not let a partner post for another partner\'s registered customer', async () => {
    // globex owns its ProductArn, but the customer registered only acme's product.
    const { body } = await postFindings(stack, globex.token, { Findings: findingsFor(globex, CUSTOMER, 1) });
    expect(body.results?.[0]?.errors?.[0]).toMatchObject({ path: 'Findings[0].AwsAccountId', rule: 'customerNotRegistered' });
  });

  it('reports every schema error of an invalid finding with its path and rule, and enqueues nothing for it', async () => {
    const [finding] = findingsFor(acme, CUSTOMER, 1, 'broken');
    const broken = { ...finding, Resources: [], Title: 't'.repeat(300) };
    const { status, body } = await postFindings(stack, acme.token, { Findings: [broken] });
    expect(status).toBe(400);
    const rules = body.results?.[0]?.errors?.map((e) => `${e.path} ${e.rule}`);
    expect(rules).toEqual(expect.arrayContaining(['Findings[0].Resources minItems', 'Findings[0].Title maxLength']));
  });

  it('rejects a second copy of the same finding in one request', async () => {
    const [finding] = findingsFor(acme, CUSTOMER, 1, 'twice');
    const { body } = await postFindings(stack, acme.token, { Findings: [finding, finding] });
    expect(body.results?.map((r) => r.status)).toEqual(['accepted', 'rejected']);
    expect(body.results?.[1]?.errors?.[0]?.rule).toBe('duplicateInRequest');
  });

  it('refuses a finding nested 5,000 deep alone, with rule maxDepth, and accepts the others (no 500)', async () => {
    const [deep, fine] = findingsFor(acme, CUSTOMER, 2, 'nesting');
    // Built as text: JSON.stringify itself would overflow on this value.
    const nested = `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`;
    const deepText = JSON.stringify({ ...deep, ProductFields: { placeholder: 'x' } }).replace('{"placeholder":"x"}', nested);
    const body = `{"Findings":[${deepText},${JSON.stringify(fine)}]}`;
    const { status, body: reply } = await postFindings(stack, acme.token, body);
    expect(status).toBe(207);
    expect(reply.results?.map((r) => r.status)).toEqual(['rejected', 'accepted']);
    expect(reply.results?.[0]?.errors?.[0]).toMatchObject({ path: 'Findings[0]', rule: 'maxDepth' });
  });

  it('bounds the reply of a request full of errors below the request\'s size, keeps a reason for every finding and counts what it left out', async () => {
    // 400 findings with 40 bad Resources each: unbounded, about 80 errors a finding, a reply many times the request.
    const findings = findingsFor(acme, CUSTOMER, 400, 'many-errors').map((finding) => ({ ...finding, Resources: Array.from({ length: 40 }, () => ({})) }));
    const request = JSON.stringify({ Findings: findings });
    const response = await fetch(`${stack.apiUrl}/v1/findings`, {
      method: 'POST', headers: { authorization: `Bearer ${acme.token}`, 'content-type': 'application/json' }, body: request,
    });
    const text = await response.text();
    const reply = JSON.parse(text) as { results: Array<{ status: string; errors?: unknown[]; moreErrors?: number }>; unlistedIssues?: number };
    expect(response.status).toBe(400);
    expect(Buffer.byteLength(text)).toBeLessThan(Buffer.byteLength(request));
    expect(reply.results).toHaveLength(400);
    for (const result of reply.results) {
      expect(result.status).toBe('rejected');
      expect(result.errors!.length).toBeGreaterThanOrEqual(1);
      expect(result.errors!.length).toBeLessThanOrEqual(10);
      expect(result.moreErrors).toBeGreaterThan(0);
    }
    expect(reply.unlistedIssues).toBeGreaterThan(10_000);
  });

  it.each([
    ['text/plain', {}, /Content-Type text\/plain is not accepted/],
    ['multipart/form-data; boundary=x', {}, /Content-Type multipart\/form-data/],
    ['application/json', { 'content-encoding': 'gzip' }, /Content-Encoding gzip is not supported/],
  ] as const)('answers a body sent as %s %j with 415 and what to send instead', async (contentType, extra, message) => {
    const [finding] = findingsFor(acme, CUSTOMER, 1, 'media');
    const response = await fetch(`${stack.apiUrl}/v1/findings`, {
      method: 'POST', headers: { authorization: `Bearer ${acme.token}`, 'content-type': contentType, ...extra }, body: JSON.stringify({ Findings: [finding] }),
    });
    expect(response.status).toBe(415);
    const reply = (await response.json()) as { error: { code: string; message: string } };
    expect(reply.error.code).toBe('UnsupportedMediaType');
    expect(reply.error.message).toMatch(message);
  });

  it('never echoes binary bytes in the MalformedJson message', async () => {
    const response = await fetch(`${stack.apiUrl}/v1/findings`, {
      method: 'POST', headers: { authorization: `Bearer ${acme.token}`, 'content-type': 'application/json' }, body: Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe, 0x00, 0x07]),
    });
    const reply = (await response.json()) as { error: { code: string; message: string } };
    expect(response.status).toBe(400);
    expect(reply.error.code).toBe('MalformedJson');
    expect(reply.error.message).toMatch(/^[\x20-\x7e]+$/);
  });

  it('refuses a finding with an 80,000-item array at once (rule maxItems), where the schema alone took minutes', async () => {
    const [finding] = findingsFor(acme, CUSTOMER, 1, 'long-array');
    const started = Date.now();
    const { status, body } = await postFindings(stack, acme.token, { Findings: [{ ...finding, Resources: Array.from({ length: 80_000 }, () => ({})) }] });
    expect(status).toBe(400);
    expect(body.results?.[0]?.errors).toEqual([expect.objectContaining({ rule: 'maxItems' })]);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('keeps the reply small for a finding with a 2 MB Id and a 500 KB key: ids, paths and messages are clipped', async () => {
    const [finding] = findingsFor(acme, CUSTOMER, 1, 'huge-id');
    const request = JSON.stringify({ Findings: [{ ...finding, Id: 'i'.repeat(2_000_000), ['k'.repeat(500_000)]: 1 }] });
    const response = await fetch(`${stack.apiUrl}/v1/findings`, {
      method: 'POST', headers: { authorization: `Bearer ${acme.token}`, 'content-type': 'application/json' }, body: request,
    });
    const text = await response.text();
    expect(response.status).toBe(400);
    expect(Buffer.byteLength(text)).toBeLessThan(8 * 1024);
  });

  it('accepts the same finding Id for two customer accounts in one request: Security Hub keys findings per account', async () => {
    const [first] = findingsFor(acme, CUSTOMER, 1, 'shared-id');
    const [second] = findingsFor(acme, SECOND_CUSTOMER, 1, 'shared-id');
    expect(second!.Id).toBe(first!.Id);
    const { status, body } = await postFindings(stack, acme.token, { Findings: [first, second] });
    expect(status).toBe(202);
    expect(body.results?.map((r) => r.status)).toEqual(['accepted', 'accepted']);
  });

  it('validates without queueing on the dry-run route', async () => {
    stack.emulator.state.resetCounters();
    const { status, body } = await postFindings(stack, acme.token, { Findings: findingsFor(acme, CUSTOMER, 2, 'dry') }, '/v1/findings:validate');
    expect(status).toBe(200);
    expect(body).toMatchObject({ dryRun: true, accepted: 2, rejected: 0 });
    expect(body.results?.map((r) => r.status)).toEqual(['valid', 'valid']);
    await stack.poller.waitForIdle();
    expect(stack.emulator.state.findings(CUSTOMER, stack.region).filter((f) => String(f.Id).startsWith('dry-'))).toHaveLength(0);
  });

  it('answers 401 saying what to send to a request without a token or with a malformed one, and 403 InvalidToken to an unknown or revoked one, alike', async () => {
    const body = { Findings: findingsFor(acme, CUSTOMER, 1) };
    const missingOrMalformed = { error: { code: 'Unauthorized', message: expect.stringContaining('Authorization: Bearer shb_<16 hex digits>.<43-character secret>') } };
    expect(await postFindings(stack, undefined, body)).toEqual({ status: 401, body: missingOrMalformed });
    expect(await postFindings(stack, 'shb_0000000000000000.not-a-real-secret', body)).toEqual({ status: 401, body: missingOrMalformed });
    const revoked = await addPartner(stack, 'initech');
    await stack.registry.revokeToken(revoked.token.slice(4, 20), new Date().toISOString());
    const invalid = { status: 403, body: { error: { code: 'InvalidToken', message: expect.stringContaining('unknown or revoked') } } };
    expect(await postFindings(stack, revoked.token, body)).toEqual(invalid);
    // An id nobody was issued gets the very same answer: the reply tells no one which ids exist.
    expect(await postFindings(stack, `shb_${'0'.repeat(16)}.${revoked.token.split('.')[1]}`, body)).toEqual(invalid);
  });

  it('answers 400 with a clear message to malformed JSON and to a body without a Findings array', async () => {
    const malformed = await postFindings(stack, acme.token, '{"Findings": [');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatchObject({ code: 'MalformedJson' });
    expect(malformed.body.error?.message).toMatch(/not valid JSON/);
    const noArray = await postFindings(stack, acme.token, { findings: [] });
    expect(noArray.status).toBe(400);
    expect(noArray.body.error?.code).toBe('MissingFindings');
  });

  it('answers 413 to a body over its cap that Lambda would still take, so partners see the clear 413 in AWS too', async () => {
    const huge = JSON.stringify({ Findings: [{ Description: 'x'.repeat(MAX_INGEST_BODY_BYTES) }] });
    expect(Buffer.byteLength(huge)).toBeLessThan(LAMBDA_SYNC_PAYLOAD_BYTES - 64 * 1024);
    const { status, body } = await postFindings(stack, acme.token, huge);
    expect(status).toBe(413);
    expect(body.error?.code).toBe('PayloadTooLarge');
  });

  it('answers a body Lambda cannot take (over 6 MB with the event) as API Gateway does, 500, as in AWS', async () => {
    const huge = JSON.stringify({ Findings: [{ Description: 'x'.repeat(LAMBDA_SYNC_PAYLOAD_BYTES) }] });
    const { status, body } = await postFindings(stack, acme.token, huge);
    expect(status).toBe(500);
    expect(body).toEqual({ error: { code: 'InternalError', message: 'Internal server error' } });
  });
});
