/**
 * Bad requests, the kinds a buggy or hostile partner sends: bytes that are not JSON, JSON of the
 * wrong shape, findings broken in random ways (alone or mixed with valid ones), wrong headers,
 * bodies over the size limit, no or a wrong token. None of them may get a 5xx. The valid findings a
 * mixed request carries are tracked like any other: accepted ones must be delivered.
 *
 * Bodies stay within what reaches the broker: API Gateway answers a body over Lambda's 6 MB payload
 * with its own 500 before any broker code runs (README, "For partners"), so the fuzz stops at 6.1 MB.
 */
import { aFinding, type Destination, type Finding } from './findings.js';
import type { Random } from './random.js';
import type { TrafficRequest } from './traffic.js';

type Mutation = (finding: Finding, random: Random) => void;

const REQUIRED = ['SchemaVersion', 'Id', 'ProductArn', 'GeneratorId', 'AwsAccountId', 'CreatedAt', 'UpdatedAt', 'Title', 'Description', 'Resources'];
const ODD_VALUES: unknown[] = [null, 0, -1, 1e308, true, '', ' ', [], {}, 'x'.repeat(70_000), [[[[[]]]]], '\ud800', '2026-13-45T99:99:99Z'];

const MUTATIONS: Mutation[] = [
  (f, r) => { delete f[r.pick(REQUIRED)]; },
  (f, r) => { f[r.pick(REQUIRED)] = r.pick(ODD_VALUES); },
  (f, r) => { f.Severity = r.pick(ODD_VALUES); },
  (f, r) => { f.Resources = r.pick([[], [{}], 'none', [{ Type: 'AwsEc2Instance' }], Array.from({ length: 40 }, () => ({ Type: 'Other', Id: 'x' }))]); },
  (f) => { f.AwsAccountId = '999999999999'; }, // an account with no registration
  (f) => { f.ProductArn = 'arn:aws:securityhub:us-east-1:123456789012:product/someone-else/theirs'; }, // not the partner's product
  (f, r) => { f.Types = r.pick([[], ['Nope'], 'Software and Configuration Checks', Array.from({ length: 60 }, () => 'Effects/Data Exposure')]); },
  (f) => { f.Description = 'y'.repeat(250 * 1024); }, // over 240 KB for one finding
  (f, r) => { f[`Unknown${r.int(0, 99)}`] = r.pick(ODD_VALUES); },
  (f, r) => { for (const key of ['__proto__', 'constructor']) Object.defineProperty(f, key, { value: r.pick(ODD_VALUES), enumerable: true, configurable: true, writable: true }); },
  (f) => { f.UpdatedAt = '2020-01-01T00:00:00Z'; f.CreatedAt = 'yesterday'; },
];

const json = (value: unknown): string => JSON.stringify(value);

/** One bad request. `destination` gives mixed requests their valid findings; `ids` names them uniquely. */
export function aBadRequest(destination: Destination, random: Random, ids: () => string): TrafficRequest {
  const broken = (): Finding => {
    const finding = aFinding(destination, ids(), random);
    for (let i = random.int(1, 3); i > 0; i--) random.pick(MUTATIONS)(finding, random);
    return finding;
  };
  const bad = (label: string, body: string | Uint8Array, extra: Partial<TrafficRequest> = {}): TrafficRequest =>
    ({ kind: 'bad', label, body, findings: [], ...extra });
  const findingsRequest = (label: string, findings: Finding[], extra: Partial<TrafficRequest> = {}): TrafficRequest =>
    bad(label, json({ Findings: findings }), { findings, ...extra });
  const kinds: Array<() => TrafficRequest> = [
    () => bad('random bytes', random.bytes(random.int(0, 4096))),
    () => bad('empty body', ''),
    () => bad('truncated JSON', json({ Findings: [aFinding(destination, ids(), random)] }).slice(0, random.int(1, 200))),
    () => bad('JSON scalar', random.pick(['null', '42', '"Findings"', 'true', '[]', '{}'])),
    () => bad('Findings not an array', json({ Findings: random.pick([null, 'x', 1, {}, { 0: {} }]) })),
    () => bad('no Findings', json({ findings: [aFinding(destination, ids(), random)] })),
    () => bad('empty Findings', json({ Findings: [] })),
    () => bad('Findings of non-objects', json({ Findings: [1, 'two', null, [], true] })),
    () => bad('deep nesting', `{"Findings":${'['.repeat(50_000)}${']'.repeat(50_000)}}`),
    () => bad('deep nesting in a finding', json({ Findings: [{ ...aFinding(destination, ids(), random), Note: JSON.parse(`${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}`) }] })),
    () => bad('over 1,000 findings', json({ Findings: Array.from({ length: 1001 }, () => ({ Id: 'x' })) })),
    () => bad('body over the size limit (6.1 MB)', json({ Findings: [{ Description: 'z'.repeat(6_100_000) }] })),
    // A broken finding can still pass (a mutation that only earns a warning): `findings` lets the
    // ledger track whatever the reply says was accepted.
    () => findingsRequest('broken findings', Array.from({ length: random.int(1, 20) }, broken)),
    () => {
      const id = ids();
      return findingsRequest('duplicate Ids in one request', [broken(), aFinding(destination, 'unused', random)].map((f) => ({ ...f, Id: id })));
    },
    () => findingsRequest('wrong content-type', [broken()], { headers: { 'content-type': random.pick(['text/plain', 'application/xml', 'multipart/form-data; boundary=x']) } }),
    () => findingsRequest('gzip header on plain bytes', [broken()], { headers: { 'content-encoding': 'gzip' } }),
    () => findingsRequest('no token', [broken()], { token: null }),
    () => findingsRequest('wrong token', [broken()], { token: `shb_${'0'.repeat(16)}.${'A'.repeat(43)}` }),
    () => findingsRequest('malformed token', [broken()], { token: random.pick(['x', 'Bearer', '\u00ff\u00fe', 'shb_..', 'a'.repeat(9000)]) }),
    // Valid findings next to broken ones: a 207 whose accepted findings must still be delivered.
    () => findingsRequest('valid mixed with broken', [
      ...Array.from({ length: random.int(1, 10) }, () => aFinding(destination, ids(), random)),
      ...Array.from({ length: random.int(1, 10) }, broken),
    ].sort(() => random.next() - 0.5)),
  ];
  return random.pick(kinds)();
}
