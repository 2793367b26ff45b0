/**
 * The partner route POST /v1/findings (and its dry run, /v1/findings:validate) fuzzed in-process: the
 * real ingest handler gets exactly the proxy event the local front builds (infra/local/proxy-event.ts),
 * with the real authorizer's context, against the real dynalite and fauxqs. A steady share of cases
 * carries valid findings for an ACTIVE customer, so they reach the registry and the delivery queue.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { PurgeQueueCommand } from '@aws-sdk/client-sqs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaContext } from '#infra/local/lambda-context.js';
import { authorizerContext, authorizerEvent, proxyEvent } from '#infra/local/proxy-event.js';
import { LOCAL_BROKER, type LocalStack } from '#infra/local/stack.js';
import { MAX_FINDINGS_PER_REQUEST } from '#shared/limits.js';
import { aFinding } from '../../shared/asff/finding-factory.js';
import { anyJson, binaryString, gzippedAsText, mediaHeaders, memberChanges, mutateText, withChanges, nastyString, nestedText, queryStrings } from '../../support/fuzz-arbitraries.js';
import { CanaryScanner, FUZZ_RUNS, HEAP_GROWTH_BOUND, RSS_GROWTH_BOUND, expectSafeReply, fuzzCases, observeHandlers, rssMeter, type Observed } from '../../support/fuzz-kit.js';
import { addCustomer, addPartner, startBroker, type TestPartner } from '../../support/local-broker.js';

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
const CUSTOMER = '464646464646';
const TITLE_CANARY = 'ingest-fuzz-title-canary-5b1d';
const DESCRIPTION_CANARY = 'ingest-fuzz-description-canary-93e0';

let stack: LocalStack;
let partner: TestPartner;
let ingest: Handler;
let authorizer: Record<string, unknown>;
const scanner = new CanaryScanner();
let observed: Observed;

beforeAll(async () => {
  // DEBUG: the most the handlers ever log. The poller stays off: delivery is not what is fuzzed here.
  stack = await startBroker({ logLevel: 'DEBUG', startPoller: false });
  partner = await addPartner(stack, 'ingestfuzz');
  const registration = await addCustomer(stack, partner, { accountId: CUSTOMER });
  // The handlers the stack built from its configuration (functions/*/create-handler.ts).
  const authorize = stack.handlers.authorizer;
  ingest = stack.handlers.ingest as Handler;
  // The context the front passes on: the real authorizer's answer to the partner's real token.
  const allowed = await (authorize as unknown as (event: unknown, context: Context) => Promise<{ principalId: string; context?: Record<string, unknown> }>)(
    authorizerEvent({ region: stack.region, accountId: LOCAL_BROKER.accountId, stage: 'v1', resource: '/v1/findings', httpMethod: 'POST', path: '/v1/findings',
      decodedPath: '/v1/findings', headers: { authorization: `Bearer ${partner.token}` }, query: new URLSearchParams(), pathParameters: {} }),
    lambdaContext('authorizer'));
  authorizer = authorizerContext(allowed);
  scanner.plant(TITLE_CANARY, DESCRIPTION_CANARY, partner.token.split('.')[1]!, registration.externalId!, LOCAL_BROKER.secretAccessKey, LOCAL_BROKER.verifierSecretAccessKey);
  observed = await observeHandlers(scanner);
}, 60_000);
afterAll(async () => {
  observed?.output.stop();
  await stack?.stop();
});

/** A valid finding the ACTIVE customer accepts, its content marked with the canaries. */
const acceptable = (): Record<string, unknown> => aFinding({
  Id: `fuzz/${Math.random().toString(36).slice(2)}`, ProductArn: partner.productArn, AwsAccountId: CUSTOMER,
  Title: TITLE_CANARY, Description: `${DESCRIPTION_CANARY} ${'x'.repeat(40)}`,
});

/** The finding's members, and a few it may carry (ProductFields, Note, FindingProviderFields). */
const changes = memberChanges([...Object.keys(aFinding()), 'ProductFields', 'Note', 'FindingProviderFields', 'Workflow']);
const findings = (): fc.Arbitrary<unknown> => fc.oneof(
  { weight: 1, arbitrary: fc.constant(null).map(() => acceptable()) },
  { weight: 5, arbitrary: changes.map((change) => withChanges(acceptable(), change)) },
  { weight: 2, arbitrary: changes.map((change) => ({ ...withChanges(acceptable(), change), Title: `${TITLE_CANARY}\u0000\uFFFE\uD800\u{1F600}` })) },
  { weight: 1, arbitrary: anyJson },
);

/** Bodies: mostly `{"Findings": [...]}` with real, near-miss and random findings; then broken text, other shapes, and wrong encodings. */
const bodies = (): fc.Arbitrary<string> => {
  const request = fc.tuple(fc.array(findings(), { minLength: 1, maxLength: 4 }), fc.option(fc.dictionary(nastyString, anyJson, { maxKeys: 2 }), { nil: undefined, freq: 4 }))
    .map(([Findings, extra]) => JSON.stringify(extra ? { ...extra, Findings } : { Findings }));
  return fc.oneof(
    { weight: 10, arbitrary: request },
    { weight: 4, arbitrary: mutateText(request) },
    { weight: 2, arbitrary: anyJson.map((value) => JSON.stringify(value) ?? '') },
    { weight: 1, arbitrary: fc.record({ Findings: fc.oneof(anyJson, fc.constant([]), fc.constant('[]')) }).map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: binaryString(300) },
    { weight: 1, arbitrary: fc.constantFrom('', ' ', 'null', '{"Findings":', '{"__proto__":{"Findings":[{}]}}', '{"constructor":{"prototype":{}},"Findings":[{"__proto__":{"Id":"x"}}]}', '\uFEFF{"Findings":[{}]}') },
  );
};

interface Case {
  body: string;
  headers: Record<string, string>;
  query: URLSearchParams;
  base64: boolean;
}

const cases = (): fc.Arbitrary<Case> => fc.record({ body: bodies(), media: mediaHeaders, query: queryStrings, base64: fc.boolean() })
  .map(({ body, media, query, base64 }) => ({
    body: media.gzip ? gzippedAsText(body) : body,
    headers: { authorization: `Bearer ${partner.token}`, 'user-agent': 'fuzz', ...media.headers },
    query,
    // API Gateway base64-encodes binary media types; the local front never does, so only a share.
    base64: base64 && body.length % 7 === 0,
  }));

async function post(resource: string, c: Case): Promise<APIGatewayProxyResult> {
  const event = proxyEvent({
    resource, httpMethod: 'POST', path: resource, headers: c.headers, query: c.query, pathParameters: {},
    body: c.base64 ? Buffer.from(c.body).toString('base64') : c.body,
    accountId: LOCAL_BROKER.accountId, stage: 'v1', authorizer, identity: { sourceIp: '127.0.0.1', userAgent: 'fuzz' },
  });
  if (c.base64) (event as { isBase64Encoded: boolean }).isBase64Encoded = true;
  return observed.traces.traced(() => ingest(event, lambdaContext('ingest')));
}

const statuses = new Map<string, Map<number, number>>();

describe.each(['/v1/findings', '/v1/findings:validate'])('POST %s under fuzzing', (resource) => {
  it(`answers ${FUZZ_RUNS} fuzzed requests without a 5xx, each reply bounded and every 4xx a JSON error with a code, and RSS stays bounded`, async () => {
    const counts = new Map<number, number>();
    statuses.set(resource, counts);
    const rss = rssMeter();
    await fuzzCases(cases(), async (c) => {
      const reply = await post(resource, c);
      counts.set(reply.statusCode, (counts.get(reply.statusCode) ?? 0) + 1);
      expectSafeReply(reply, Buffer.byteLength(c.body), () => `${resource} ${JSON.stringify(c.headers)} ${c.body.slice(0, 300)}`);
    });
    // What the accepted findings occupy on the (in-process) delivery queue is the queue's, not ingest's.
    await stack.sqs.send(new PurgeQueueCommand({ QueueUrl: stack.deliveryQueueUrl }));
    expect(rss.growth()).toBeLessThan(RSS_GROWTH_BOUND);
    expect(rss.heapGrowth()).toBeLessThan(HEAP_GROWTH_BOUND);
    // The generators reach every outcome: accepted (the registry and the queue), mixed, refused whole.
    const accepted = resource.endsWith(':validate') ? 200 : 202;
    for (const status of [accepted, 207, 400, 415]) expect(counts.get(status) ?? 0, `${status} in ${JSON.stringify([...counts])}`).toBeGreaterThan(FUZZ_RUNS / 100);
  }, 120_000);

  it('answers ~10 MB bodies, 5,000-deep and far deeper nesting, and the most findings a request may carry, without a 5xx', async () => {
    const fine = JSON.stringify(acceptable());
    const huge = [
      // 10 MB: API Gateway's own cap. Over Lambda's payload limit, so in AWS it never reaches ingest; here ingest answers 413.
      `{"Findings":[${fine}],"Padding":"${'\u{1F600}'.repeat(2_600_000)}"}`,
      `{"Findings":[${Array.from({ length: 4000 }, () => fine).join(',')}]}`.padEnd(10 * 1024 * 1024, ' '),
      // 5,000 deep inside one finding (refused alone, rule maxDepth) next to a valid one.
      `{"Findings":[${fine.replace(/}$/, `,"ProductFields":${nestedText(5000, '{}', '{"a":', '}')}}`)},${fine}]}`,
      `{"Findings":[${nestedText(5000)}]}`,
      // Deeper than a body may nest: refused whole before it is parsed.
      `{"Findings":[${nestedText(2_000_000)}]}`,
      `{"Findings":[${nestedText(1_000_000, '1', '{"__proto__":')}`,
      `{"Findings":[${Array.from({ length: MAX_FINDINGS_PER_REQUEST }, () => '{"Id":"\uD800"}').join(',')}]}`,
      // Fits Security Hub's 240 KB, not one SQS message once escaped: refused alone, rule maxQueuedBytes.
      JSON.stringify({ Findings: [{ ...acceptable(), ProductFields: Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`k${i}`, '\u{1F600}'.repeat(2000)])) }] }),
    ];
    const rss = rssMeter();
    for (const body of huge.splice(0)) {
      const reply = await post(resource, { body, headers: { 'content-type': 'application/json' }, query: new URLSearchParams(), base64: false });
      expectSafeReply(reply, Buffer.byteLength(body), () => `${resource} ${body.length} chars: ${body.slice(0, 80)}`);
    }
    expect(rss.growth()).toBeLessThan(RSS_GROWTH_BOUND);
    expect(rss.heapGrowth()).toBeLessThan(HEAP_GROWTH_BOUND);
  }, 120_000);
});

describe('what ingest wrote and traced during the fuzz', () => {
  it('holds no finding content, token secret, ExternalId or credential in logs, metrics or traces (and the capture saw them)', () => {
    // The capture saw the handlers' output at DEBUG, their EMF metrics and their trace segments, else this proves nothing.
    expect(observed.output.seen.logLines).toBeGreaterThan(FUZZ_RUNS);
    expect(observed.logger.getLevelName()).toBe('DEBUG');
    expect([...observed.output.seen.levels]).toContain('INFO');
    expect(observed.output.seen.metricLines).toBeGreaterThan(FUZZ_RUNS / 10);
    expect(observed.traces.seen.segments).toBeGreaterThanOrEqual(2 * FUZZ_RUNS);
    expect(observed.traces.seen.subsegments).toBeGreaterThanOrEqual(2 * FUZZ_RUNS);
    expect(scanner.leaks.map((leak) => JSON.stringify(leak))).toEqual([]);
  });
});
