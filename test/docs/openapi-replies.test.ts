import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '#infra/local/stack.js';
import { addCustomer, addPartner, findingsFor, postFindings, startBroker, type TestPartner } from '../support/local-broker.js';

/**
 * The local stack's real replies, checked against the schemas docs/openapi.yaml gives for them, so the
 * document cannot drift from the code: a required member renamed or dropped, or a value of another type
 * or outside its enum (a new status, say), fails here.
 */
const SPEC = new URL('../../docs/openapi.yaml', import.meta.url);
let stack: LocalStack;
let partner: TestPartner;
let check: (schema: string, body: unknown) => string[];
const CUSTOMER = '350000000001';

beforeAll(async () => {
  const validator = new Validator();
  await validator.validate(SPEC.pathname);
  // Components by JSON pointer into the spec, with OpenAPI's own keywords (examples) allowed.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  // ajv-formats is CommonJS: its function is the default export's `default`.
  (addFormatsModule as unknown as { default: (ajv: Ajv2020) => void }).default(ajv);
  ajv.addSchema(validator.specification as object, 'openapi');
  check = (schema, body) => {
    const validate = ajv.getSchema(`openapi#/components/schemas/${schema}`)!;
    return validate(body) ? [] : (validate.errors ?? []).map((error: ErrorObject) => `${error.instancePath} ${error.message}`);
  };
  stack = await startBroker();
  partner = await addPartner(stack, 'documented');
  await addCustomer(stack, partner, { accountId: CUSTOMER });
}, 60_000);
afterAll(async () => stack?.stop());

async function get(path: string, token = partner.token): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${stack.apiUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: await response.json() };
}

describe('the local stack\'s replies match docs/openapi.yaml', () => {
  it('POST /v1/findings: 202, 207 (with an ignored one) and 400 are SubmissionReply; a malformed body is ErrorReply', async () => {
    const [first, second] = findingsFor(partner, CUSTOMER, 2, 'doc');
    const accepted = await postFindings(stack, partner.token, { Findings: [first] });
    expect(accepted.status).toBe(202);
    expect(check('SubmissionReply', accepted.body)).toEqual([]);
    await stack.poller.waitForIdle();
    const { Title: _title, ...untitled } = second as Record<string, unknown>;
    const mixed = await postFindings(stack, partner.token, { Findings: [first, untitled] });
    expect(mixed.status).toBe(207);
    expect(mixed.body.ignored).toBe(1);
    expect(check('SubmissionReply', mixed.body)).toEqual([]);
    const none = await postFindings(stack, partner.token, { Findings: [untitled] });
    expect(none.status).toBe(400);
    expect(check('SubmissionReply', none.body)).toEqual([]);
    const malformed = await postFindings(stack, partner.token, '{"Findings": [');
    expect(malformed.status).toBe(400);
    expect(check('ErrorReply', malformed.body)).toEqual([]);

    const view = await get(`/v1/submissions/${accepted.body.submissionId}`);
    expect(view.status).toBe(200);
    expect(check('SubmissionView', view.body)).toEqual([]);
    const list = await get('/v1/submissions');
    expect(check('SubmissionSummary', (list.body as { submissions: unknown[] }).submissions[0])).toEqual([]);
    const missing = await get('/v1/submissions/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(check('ErrorReply', missing.body)).toEqual([]);
  });

  it('checks for real: a reply with a member the document does not have fails', () => {
    expect(check('ErrorReply', { error: { code: 'X', message: 'y' } })).toEqual([]);
    expect(check('SubmissionView', { submissionId: 'not-a-view' })).not.toEqual([]);
  });
});
