/**
 * The 7 onboarding routes fuzzed in-process (the suite; handler.*.fuzz.test.ts run it for their routes): the real onboarding handler gets exactly the proxy event
 * the local front builds for a SigV4-verified caller (infra/local/proxy-event.ts, identity included),
 * against the real dynalite, fauxqs and STS/IAM emulator. Bodies, query strings, headers and path
 * parameters are fuzzed; a steady share names the caller's real registration, so those cases reach the
 * registry (and, for the role and verify routes, the verifier's calls to STS).
 */
import type { APIGatewayEventIdentity, APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ONBOARDING_METHODS } from '#functions/onboarding/routes.js';
import { lambdaContext } from '#infra/local/lambda-context.js';
import { iamIdentity, proxyEvent } from '#infra/local/proxy-event.js';
import { LOCAL_BROKER, type LocalStack } from '#infra/local/stack.js';
import { customerAccount, type CustomerAccount } from '../../support/customer-account.js';
import { anyJson, binaryString, mediaHeaders, memberChanges, mutateText, nastyString, nestedText, queryStrings, withChanges } from '../../support/fuzz-arbitraries.js';
import { CanaryScanner, FUZZ_RUNS, HEAP_GROWTH_BOUND, RSS_GROWTH_BOUND, expectSafeReply, fuzzCases, observeHandlers, rssMeter, type Observed } from '../../support/fuzz-kit.js';
import { addPartner, startBroker, type TestPartner } from '../../support/local-broker.js';

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
const ACCOUNT = '474747474747';
const EXTERNAL_ID_CANARY = 'onboarding-fuzz-externalid-canary-2c7e';

let stack: LocalStack;
let partner: TestPartner;
let customer: CustomerAccount;
let identity: APIGatewayEventIdentity;
let onboarding: Handler;
const scanner = new CanaryScanner();
let observed: Observed;

async function setUp(): Promise<void> {
  stack = await startBroker({ logLevel: 'DEBUG', startPoller: false });
  partner = await addPartner(stack, 'fuzzco');
  customer = customerAccount(stack, ACCOUNT);
  // The identity the front derives from the customer's SigV4 signature.
  identity = iamIdentity(stack.emulator.state.credentials.lookup(customer.credentials.accessKeyId)!.caller, customer.credentials.accessKeyId, '127.0.0.1', 'fuzz');
  onboarding = stack.handlers.onboarding as Handler;
  // A registration to aim at, so the per-registration routes get past the lookup.
  const created = await call('POST', '/v1/registrations', { company: 'x', product: 'y' }, JSON.stringify({ product: partner.productKey, regions: [stack.region] }));
  expect(created.statusCode, created.body).toBe(201);
  scanner.plant(EXTERNAL_ID_CANARY, JSON.parse(created.body).setup.externalId, customer.credentials.secretAccessKey,
    LOCAL_BROKER.secretAccessKey, LOCAL_BROKER.verifierSecretAccessKey);
  // The onboarding handler publishes no metrics of its own: only logs and traces are watched.
  observed = await observeHandlers(scanner, { metrics: false });
}

async function tearDown(): Promise<void> {
  observed?.output.stop();
  customer?.close();
  await stack?.stop();
}

const RESOURCE_OF = Object.fromEntries(ONBOARDING_METHODS.map(({ method, resource }) => [`${method} ${resource}`, resource]));

function call(method: string, resource: string, path: Record<string, string>, body: string, extra: Partial<Case> = {}): Promise<APIGatewayProxyResult> {
  // The concrete path only (the handler reads the parameters): lone surrogates cannot be percent-encoded.
  const encode = (segment = '') => encodeURIComponent(segment.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'));
  const concrete = resource.replace('{company}', encode(path.company)).replace('{product}', encode(path.product));
  const event = proxyEvent({
    resource, httpMethod: method, path: concrete, headers: extra.headers ?? { 'content-type': 'application/json' }, query: extra.query ?? new URLSearchParams(),
    pathParameters: resource.includes('{') ? path : {}, body, accountId: LOCAL_BROKER.accountId, stage: 'v1',
    identity: extra.identity ?? identity,
  });
  return onboarding(event, lambdaContext('onboarding'));
}

interface Case {
  body: string;
  headers: Record<string, string>;
  query: URLSearchParams;
  path: Record<string, string>;
  identity: Partial<APIGatewayEventIdentity>;
}

const validCreate = () => ({ product: partner.productKey, regions: [stack.region] });
const validRole = () => ({ roleArn: `arn:aws:iam::${ACCOUNT}:role/SecurityHubFindingsBroker-fuzz` });

/** Bodies: near misses of both body shapes, broken JSON text, random JSON and text, and fields the broker must refuse (externalId). */
const bodies = (): fc.Arbitrary<string> => {
  const createChanges = memberChanges(['product', 'regions', 'mode', 'externalId', 'ExternalID']);
  const roleChanges = memberChanges(['roleArn', 'externalId']);
  const shaped = fc.oneof(
    createChanges.map((change) => withChanges(validCreate(), change)),
    roleChanges.map((change) => withChanges(validRole(), change)),
    fc.constant(null).map(() => ({ ...validCreate(), externalId: EXTERNAL_ID_CANARY })),
    fc.record({ product: fc.oneof(fc.constant('fuzzco/scanner'), nastyString), regions: fc.array(fc.oneof(fc.constantFrom('us-east-1', 'mars-1', ''), nastyString), { maxLength: 50 }) }),
    fc.record({ roleArn: fc.oneof(nastyString, fc.constantFrom(`arn:aws:iam::${ACCOUNT}:user/x`, `arn:aws:iam::111111111111:role/SecurityHubFindingsBroker-x`, 'arn:aws:iam::474747474747:role/Other')) }),
  ).map((value) => JSON.stringify(value));
  return fc.oneof(
    { weight: 6, arbitrary: shaped },
    { weight: 3, arbitrary: mutateText(shaped) },
    { weight: 2, arbitrary: anyJson.map((value) => JSON.stringify(value) ?? '') },
    { weight: 1, arbitrary: binaryString(200) },
    { weight: 1, arbitrary: fc.constantFrom('', ' ', 'null', '{"__proto__":{"product":"fuzzco/scanner"},"regions":["us-east-1"]}', '{"constructor":{"prototype":{"roleArn":"x"}}}') },
  );
};

/**
 * Path parameters as API Gateway hands them over (decoded): the real registration in one case of
 * `oneIn`, else anything. On the verify route each such case costs the verifier's calls to STS (two
 * AssumeRoles and a registry write), so it aims there more rarely: 50 cases of 10,000 still walk that path.
 */
const pathParameters = (oneIn: number) => fc.oneof(
  { weight: 1, arbitrary: fc.constant({ company: 'fuzzco', product: 'scanner' }) },
  { weight: oneIn - 1, arbitrary: fc.record({ company: fc.oneof(fc.constant('fuzzco'), nastyString), product: fc.oneof(fc.constant('scanner'), nastyString, fc.string({ minLength: 129, maxLength: 200 })) })
    // Near misses only: the real pair comes from the branch above, at the rate chosen.
    .filter(({ company, product }) => company !== 'fuzzco' || product !== 'scanner') },
);

/** Almost always the SigV4-verified caller; rarely an identity the front would never pass (a route deployed without IAM). */
const identities = fc.oneof(
  { weight: 30, arbitrary: fc.constant(null).map(() => identity) },
  { weight: 1, arbitrary: fc.constantFrom<Partial<APIGatewayEventIdentity>>({}, { accountId: ACCOUNT }, { userArn: 'arn:aws:iam::474747474747:user/x' }) },
);

const cases = (realOneIn: number): fc.Arbitrary<Case> => fc.record({ body: bodies(), media: mediaHeaders, query: queryStrings, path: pathParameters(realOneIn), identity: identities })
  .map(({ body, media, query, path, identity: who }) => ({ body, headers: { 'user-agent': 'fuzz', ...media.headers }, query, path, identity: who }));

/**
 * How often a case names the real registration, per route (else one in 20): rarely on verify, where
 * each costs the verifier's STS calls; often on PUT role, where few fuzzed bodies get past their own
 * checks to the registry, so that enough do.
 */
const REAL_ONE_IN: Record<string, number> = { '/v1/registrations/{company}/{product}/verify': 200, '/v1/registrations/{company}/{product}/role': 4 };

/**
 * The fuzz suite for some of the onboarding routes, on a stack of its own (each test file runs it for
 * a share of the routes, so the two halves run on both of the suite's workers at once). The real
 * registration the per-registration routes aim at is created first; DELETE goes last among `routes`
 * because it offboards it.
 */
export function onboardingFuzz(title: string, routes: Array<{ method: string; resource: string }>): void {
  const ordered = [...routes.filter(({ method }) => method !== 'DELETE'), ...routes.filter(({ method }) => method === 'DELETE')];
  beforeAll(setUp, 60_000);
  afterAll(tearDown);

  describe(title, () => {
    it.each(ordered.map(({ method, resource }) => [method, resource]))(
      `answers ${FUZZ_RUNS} fuzzed requests to %s %s without a 5xx, each reply bounded and every 4xx a JSON error with a code, and RSS stays bounded`,
      async (method, resource) => {
        expect(RESOURCE_OF[`${method} ${resource}`]).toBe(resource);
        const counts = new Map<number, number>();
        const rss = rssMeter();
        await fuzzCases(cases(REAL_ONE_IN[resource] ?? 20), async (c) => {
          const reply = await observed.traces.traced(() => call(method, resource, c.path, c.body, c));
          counts.set(reply.statusCode, (counts.get(reply.statusCode) ?? 0) + 1);
          expectSafeReply(reply, Buffer.byteLength(c.body), () => `${method} ${resource} ${JSON.stringify(c.path)} ${c.body.slice(0, 300)}`);
        });
        expect(rss.growth()).toBeLessThan(RSS_GROWTH_BOUND);
        expect(rss.heapGrowth()).toBeLessThan(HEAP_GROWTH_BOUND);
        // A steady share got past parsing to the registry: a 2xx, or a refusal only the registration's state explains.
        const decided = [200, 201, 404, 409].reduce((sum, status) => sum + (counts.get(status) ?? 0), 0);
        expect(decided, JSON.stringify([...counts])).toBeGreaterThanOrEqual(FUZZ_RUNS / 1000);
      }, 120_000);

    it('answers ~10 MB bodies and 5,000-deep nesting on the body routes without a 5xx', async () => {
      const huge = [
        `{"product":"fuzzco/scanner","regions":["${'\u{1F600}'.repeat(2_600_000)}"]}`,
        JSON.stringify({ roleArn: `arn:aws:iam::${ACCOUNT}:role/${'x'.repeat(10 * 1024 * 1024)}` }),
        `{"product":${nestedText(5000)},"regions":["us-east-1"]}`,
        `{"roleArn":"x","y":${nestedText(5000, '{}', '{"a":', '}')}}`,
        nestedText(1_000_000),
      ];
      const rss = rssMeter();
      for (const body of huge.splice(0)) {
        for (const [method, resource] of [['POST', '/v1/registrations'], ['PUT', '/v1/registrations/{company}/{product}/role']] as const) {
          const reply = await call(method, resource, { company: 'fuzzco', product: 'scanner' }, body);
          expectSafeReply(reply, Buffer.byteLength(body), () => `${method} ${resource} ${body.length} chars: ${body.slice(0, 80)}`);
        }
      }
      expect(rss.growth()).toBeLessThan(RSS_GROWTH_BOUND);
      expect(rss.heapGrowth()).toBeLessThan(HEAP_GROWTH_BOUND);
    }, 120_000);

    it('holds no ExternalId or credential in its logs, metrics or traces during the fuzz (and the capture saw them)', () => {
      expect(observed.output.seen.logLines).toBeGreaterThan(FUZZ_RUNS);
      expect(observed.traces.seen.subsegments).toBeGreaterThanOrEqual(ordered.length * FUZZ_RUNS);
      expect(scanner.leaks.map((leak) => JSON.stringify(leak))).toEqual([]);
    });
  });
}
