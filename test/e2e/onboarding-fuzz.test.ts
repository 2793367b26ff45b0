import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '#infra/local/stack.js';
import { addPartner, startBroker, type TestPartner } from '../support/local-broker.js';
import { customerAccount, type CustomerAccount } from '../support/customer-account.js';

/** Bodies per route: random JSON, random text, and near-misses of the real shapes. */
const RUNS = 1000;
let stack: LocalStack;
let partner: TestPartner;
let customer: CustomerAccount;

beforeAll(async () => {
  stack = await startBroker();
  partner = await addPartner(stack, 'fuzzco');
  customer = customerAccount(stack, '455555555555');
  // A registration to aim at, so the per-registration routes get past the lookup.
  const created = await customer.call('POST', '/v1/registrations', { product: partner.productKey, regions: [stack.region] });
  expect(created.status).toBe(201);
}, 60_000);
afterAll(async () => {
  customer?.close();
  await stack?.stop();
});

const text = fc.string({ unit: 'binary', maxLength: 300 });
const bodies = () => fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
  text,
  fc.record({
    product: fc.oneof(fc.constant('fuzzco/scanner'), text, fc.jsonValue({ maxDepth: 2 })),
    regions: fc.oneof(fc.array(fc.oneof(fc.constantFrom('us-east-1', 'mars-1', ''), text), { maxLength: 60 }), fc.jsonValue({ maxDepth: 2 })),
  }, { requiredKeys: [] }).chain((shape) => fc.dictionary(text, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }).map((extra) => JSON.stringify({ ...extra, ...shape }))),
  fc.record({ roleArn: fc.oneof(text, fc.constantFrom('arn:aws:iam::455555555555:role/SecurityHubFindingsBroker-x', 'arn:aws:iam::455555555555:user/x'), fc.jsonValue({ maxDepth: 2 })) }, { requiredKeys: [] })
    .map((value) => JSON.stringify(value)),
);

const ROUTES: Array<[string, () => string]> = [
  ['GET', () => '/v1/products'],
  ['GET', () => '/v1/registrations'],
  ['POST', () => '/v1/registrations'],
  ['GET', () => '/v1/registrations/fuzzco/scanner'],
  ['PUT', () => '/v1/registrations/fuzzco/scanner/role'],
  ['POST', () => '/v1/registrations/fuzzco/scanner/verify'],
  // DELETE last: it offboards the registration the others aim at.
  ['DELETE', () => '/v1/registrations/fuzzco/scanner'],
];

describe('the onboarding API under fuzzed bodies', () => {
  // A GET carries no body (fetch refuses one, as HTTP clients do): its fuzz goes into the query string.
  it.each(ROUTES)(`answers ${RUNS} fuzzed bodies to %s %s without a 5xx, each with a JSON error that has a code`, async (method, path) => {
    await fc.assert(fc.asyncProperty(bodies(), async (body) => {
      const reply = method === 'GET'
        ? await customer.call(method, `${path()}?${new URLSearchParams({ q: body, [body.slice(0, 20)]: '1' }).toString()}`)
        : await customer.call(method, path(), body);
      expect(reply.status, `${method} ${path()} ${body.slice(0, 200)} -> ${JSON.stringify(reply.body).slice(0, 300)}`).toBeLessThan(500);
      if (reply.status >= 400) expect(reply.body.error?.code ?? reply.body.message).toEqual(expect.any(String));
    }), { numRuns: RUNS });
  }, 120_000);

  it(`answers ${RUNS} fuzzed product paths without a 5xx`, async () => {
    const segment = fc.string({ minLength: 1, maxLength: 40 }).map((s) => encodeURIComponent(s));
    await fc.assert(fc.asyncProperty(segment, segment, fc.constantFrom('', '/role', '/verify'), async (company, product, suffix) => {
      const method = suffix === '/role' ? 'PUT' : suffix === '/verify' ? 'POST' : 'GET';
      const reply = await customer.call(method, `/v1/registrations/${company}/${product}${suffix}`, suffix === '/role' ? { roleArn: 'x' } : undefined);
      expect(reply.status, `${method} ${company}/${product}${suffix} -> ${JSON.stringify(reply.body).slice(0, 300)}`).toBeLessThan(500);
    }), { numRuns: RUNS });
  }, 120_000);
});
