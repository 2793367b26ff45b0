import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '#infra/local/stack.js';
import { customerAccount, type CustomerAccount } from '../support/customer-account.js';
import { addCustomer, addPartner, findingsFor, postFindings, startBroker, type TestPartner } from '../support/local-broker.js';

/**
 * The documented examples and the local stack's real replies, each checked against the schema
 * docs/openapi.yaml gives for its route, method and status, so the document cannot drift from the code:
 * a required member renamed or dropped, a value of another type or outside its enum (a new status, a
 * new error code), or a status the route does not document fails here.
 */
const SPEC = new URL('../../docs/openapi.yaml', import.meta.url);
type Spec = { paths: Record<string, Record<string, Operation>>; components: { responses: Record<string, Response>; examples: Record<string, { value: unknown }> } };
type Operation = { responses: Record<string, Response | { $ref: string }>; requestBody?: { content: Record<string, Media> } };
type Response = { content?: Record<string, Media> };
type Media = { schema?: object; example?: unknown; examples?: Record<string, { value: unknown } | { $ref: string }> };

let spec: Spec;
let ajv: Ajv2020;
let stack: LocalStack;
let partner: TestPartner;
let customer: CustomerAccount;
const CUSTOMER = '350000000001';

beforeAll(async () => {
  const validator = new Validator();
  const result = await validator.validate(SPEC.pathname);
  expect(result.errors ?? []).toEqual([]);
  spec = validator.specification as unknown as Spec;
  // Schemas are checked as the spec holds them, their `#/components/...` references resolved against it.
  ajv = new Ajv2020({ strict: false, allErrors: true });
  // ajv-formats is CommonJS: its function is the default export's `default`.
  (addFormatsModule as unknown as { default: (ajv: Ajv2020) => void }).default(ajv);
  ajv.addSchema(spec as object, 'openapi');
  stack = await startBroker();
  partner = await addPartner(stack, 'documented');
  await addCustomer(stack, partner, { accountId: CUSTOMER });
  customer = customerAccount(stack, '350000000002');
}, 60_000);
afterAll(async () => {
  customer?.close();
  await stack?.stop();
});

/** The problems of `value` against a schema taken from the spec (none when it conforms). */
function problems(schema: object, value: unknown): string[] {
  const anchored = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/')) as object;
  const validate = ajv.compile(anchored);
  return validate(value) ? [] : (validate.errors ?? []).map((error: ErrorObject) => `${error.instancePath} ${error.message}`);
}

/** The documented response of a route for a status: the exact status, else its class (`5XX`). */
function documentedResponse(method: string, path: string, status: number): Response | undefined {
  const responses = spec.paths[path]?.[method.toLowerCase()]?.responses ?? {};
  const response = responses[String(status)] ?? responses[`${String(status)[0]}XX`];
  if (response && '$ref' in response) return spec.components.responses[response.$ref.split('/').pop()!];
  return response;
}

/** What is wrong with a real reply, against what the spec documents for its route and status. */
function checkReply(method: string, path: string, reply: { status: number; body: unknown }): string[] {
  const schema = documentedResponse(method, path, reply.status)?.content?.['application/json']?.schema;
  if (!schema) return [`${method} ${path} documents no JSON reply for ${reply.status}`];
  return problems(schema, reply.body);
}

function checkSchema(name: string, body: unknown): string[] {
  return problems({ $ref: `#/components/schemas/${name}` }, body);
}

async function partnerCall(method: string, path: string, init: { token?: string | undefined; body?: unknown } = {}): Promise<{ status: number; body: unknown }> {
  const token = 'token' in init ? init.token : partner.token;
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  return { status: response.status, body: await response.json() };
}

/** Every media object of the spec with the examples it documents, named by where they stand. */
function documentedExamples(): Array<[string, object, unknown]> {
  const found: Array<[string, object, unknown]> = [];
  const visit = (where: string, content: Record<string, Media> | undefined) => {
    for (const [type, media] of Object.entries(content ?? {})) {
      if (!media.schema) continue;
      if (media.example !== undefined) found.push([`${where} ${type}`, media.schema, media.example]);
      for (const [name, example] of Object.entries(media.examples ?? {})) {
        const resolved = '$ref' in example ? spec.components.examples[example.$ref.split('/').pop()!]! : example;
        found.push([`${where} ${type} ${name}`, media.schema, resolved.value]);
      }
    }
  };
  for (const [path, operations] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (typeof operation !== 'object' || !('responses' in operation)) continue;
      visit(`${method.toUpperCase()} ${path} request`, operation.requestBody?.content);
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!('$ref' in response)) visit(`${method.toUpperCase()} ${path} ${status}`, response.content);
      }
    }
  }
  for (const [name, response] of Object.entries(spec.components.responses)) visit(`components/responses/${name}`, response.content);
  return found;
}

describe('docs/openapi.yaml', () => {
  it('documents examples that match their own schemas', () => {
    const examples = documentedExamples();
    expect(examples.length).toBeGreaterThan(15);
    const failures = examples.map(([where, schema, value]) => [where, problems(schema, value)] as const).filter(([, found]) => found.length > 0);
    expect(failures).toEqual([]);
  });

  it('checks for real: a reply with a member the document does not have, or an undocumented status, fails', () => {
    expect(checkSchema('ErrorReply', { error: { code: 'X', message: 'y' } })).toEqual([]);
    expect(checkSchema('SubmissionView', { submissionId: 'not-a-view' })).not.toEqual([]);
    expect(checkReply('GET', '/v1/submissions', { status: 200, body: { submissions: 'none' } })).not.toEqual([]);
    expect(checkReply('GET', '/v1/submissions', { status: 418, body: {} })).not.toEqual([]);
    expect(checkSchema('GatewayError', { message: 'Unauthorized' })).not.toEqual([]);
  });
});

describe('the local stack\'s replies match docs/openapi.yaml', () => {
  it('POST /v1/findings: 202, 207 (with an ignored one) and 400 are SubmissionReply; a malformed body is ErrorReply', async () => {
    const [first, second] = findingsFor(partner, CUSTOMER, 2, 'doc');
    const accepted = await postFindings(stack, partner.token, { Findings: [first] });
    expect(accepted.status).toBe(202);
    expect(checkReply('POST', '/v1/findings', accepted)).toEqual([]);
    await stack.poller.waitForIdle();
    const { Title: _title, ...untitled } = second as Record<string, unknown>;
    const mixed = await postFindings(stack, partner.token, { Findings: [first, untitled] });
    expect(mixed.status).toBe(207);
    expect(mixed.body.ignored).toBe(1);
    expect(checkReply('POST', '/v1/findings', mixed)).toEqual([]);
    const none = await postFindings(stack, partner.token, { Findings: [untitled] });
    expect(none.status).toBe(400);
    expect(checkReply('POST', '/v1/findings', none)).toEqual([]);
    const malformed = await postFindings(stack, partner.token, '{"Findings": [');
    expect(malformed.status).toBe(400);
    expect(checkSchema('ErrorReply', malformed.body)).toEqual([]);
    const validated = await postFindings(stack, partner.token, { Findings: [untitled, second] }, '/v1/findings:validate');
    expect(checkReply('POST', '/v1/findings:validate', validated)).toEqual([]);
    const plainText = await fetch(`${stack.apiUrl}/v1/findings`, {
      method: 'POST', headers: { authorization: `Bearer ${partner.token}`, 'content-type': 'text/plain' }, body: JSON.stringify({ Findings: [second] }),
    });
    expect(plainText.status).toBe(415);
    expect(checkReply('POST', '/v1/findings', { status: plainText.status, body: await plainText.json() })).toEqual([]);

    const view = await partnerCall('GET', `/v1/submissions/${accepted.body.submissionId}`);
    expect(view.status).toBe(200);
    expect(checkReply('GET', '/v1/submissions/{submissionId}', view)).toEqual([]);
    const list = await partnerCall('GET', '/v1/submissions');
    expect(checkReply('GET', '/v1/submissions', list)).toEqual([]);
    const missing = await partnerCall('GET', '/v1/submissions/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(checkReply('GET', '/v1/submissions/{submissionId}', missing)).toEqual([]);
    const badLimit = await partnerCall('GET', '/v1/submissions?limit=0');
    expect(badLimit.status).toBe(400);
    expect(checkReply('GET', '/v1/submissions', badLimit)).toEqual([]);
  });

  it('scans: completing an unknown scan is 404 and a completed one 200, as documented', async () => {
    const unknown = await partnerCall('POST', '/v1/scans/never-posted/complete', { body: { accounts: [CUSTOMER], productArn: partner.productArn } });
    expect(unknown.status).toBe(404);
    expect(checkReply('POST', '/v1/scans/{scanId}/complete', unknown)).toEqual([]);
    const [finding] = findingsFor(partner, CUSTOMER, 1, 'scan-doc');
    expect((await postFindings(stack, partner.token, { Findings: [finding] }, '/v1/findings?scan=documented')).status).toBe(202);
    const completed = await partnerCall('POST', '/v1/scans/documented/complete', { body: { accounts: [CUSTOMER], productArn: partner.productArn } });
    expect(completed.status).toBe(200);
    expect(checkReply('POST', '/v1/scans/{scanId}/complete', completed)).toEqual([]);
  });

  it('refusals of partner requests (no token, a malformed one, a revoked one, a path that is not a route) are documented, in one error shape', async () => {
    const body = { Findings: findingsFor(partner, CUSTOMER, 1, 'refused') };
    const noToken = await partnerCall('POST', '/v1/findings', { token: undefined, body });
    expect(noToken.status).toBe(401);
    expect(checkReply('POST', '/v1/findings', noToken)).toEqual([]);
    const malformed = await partnerCall('GET', '/v1/submissions', { token: 'not-a-token' });
    expect(malformed.status).toBe(401);
    expect(checkReply('GET', '/v1/submissions', malformed)).toEqual([]);
    const unknown = await partnerCall('POST', '/v1/findings', { token: `shb_${'0'.repeat(16)}.${'A'.repeat(43)}`, body });
    expect(unknown).toMatchObject({ status: 403, body: { error: { code: 'InvalidToken' } } });
    expect(checkReply('POST', '/v1/findings', unknown)).toEqual([]);
    const notARoute = await partnerCall('GET', '/v1/finding');
    expect(notARoute).toEqual({ status: 403, body: { error: { code: 'MissingAuthenticationToken', message: 'Missing Authentication Token' } } });
    expect(checkSchema('GatewayError', notARoute.body)).toEqual([]);
  });

  it('the onboarding API: products, a registration created, refused twice, read, listed, given a bad role, offboarded; unsigned and foreign requests', async () => {
    const path = `/v1/registrations/${partner.productKey}`;
    const replies: Array<[string, string, { status: number; body: unknown }]> = [
      ['GET', '/v1/products', await customer.call('GET', '/v1/products')],
      ['POST', '/v1/registrations', await customer.call('POST', '/v1/registrations', { product: partner.productKey, regions: [stack.region] })],
      ['POST', '/v1/registrations', await customer.call('POST', '/v1/registrations', { product: partner.productKey, regions: [stack.region] })],
      ['POST', '/v1/registrations', await customer.call('POST', '/v1/registrations', { product: 'no/such', regions: [stack.region] })],
      ['GET', '/v1/registrations', await customer.call('GET', '/v1/registrations')],
      ['GET', '/v1/registrations/{company}/{product}', await customer.call('GET', path)],
      ['PUT', '/v1/registrations/{company}/{product}/role', await customer.call('PUT', `${path}/role`, { roleArn: 'arn:aws:iam::111111111111:role/SecurityHubFindingsBroker-x' })],
      ['POST', '/v1/registrations/{company}/{product}/verify', await customer.call('POST', `${path}/verify`)],
      ['GET', '/v1/registrations/{company}/{product}', await customer.call('GET', '/v1/registrations/nobody/nothing')],
      ['DELETE', '/v1/registrations/{company}/{product}', await customer.call('DELETE', path)],
    ];
    const unsigned = await fetch(`${stack.apiUrl}/v1/registrations`);
    replies.push(['GET', '/v1/registrations', { status: unsigned.status, body: await unsigned.json() }]);
    expect(replies.map(([, , reply]) => reply.status)).toEqual([200, 201, 409, 400, 200, 200, 400, 409, 404, 200, 403]);
    const failures = replies.map(([method, route, reply]) => [`${method} ${route} ${reply.status}`, checkReply(method, route, reply)] as const)
      .filter(([, found]) => found.length > 0);
    expect(failures).toEqual([]);
  });
});
