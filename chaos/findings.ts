/**
 * Valid ASFF findings for the chaos traffic: one destination (the demo customer's account and the
 * demo partner's product), unique Ids per scenario, a fixed UpdatedAt (so any re-import is one
 * Security Hub ignores) and varied content, some of it with characters SQS refuses raw (the broker
 * escapes them on the queue; the imported finding must still equal the submitted one).
 */
import { readFileSync } from 'node:fs';
import type { Random } from './random.js';

export type Finding = Record<string, unknown>;

export interface Destination {
  productArn: string;
  accountId: string;
  region: string;
}

const UPDATED_AT = '2026-01-01T00:00:00.000Z';
/** Text a partner may well send: accents, emoji, and characters outside what SQS accepts raw. */
const ODD_TEXT = ['café ☕', 'ünïcødé', '🔥🛡️', 'tab\tnewline\n', 'nul\u0000char', 'bom\ufeff', 'private\ue000use', 'nonchar\uffff'];

export function aFinding(destination: Destination, id: string, random: Random): Finding {
  // 1-4 KB a finding, as real ones run; ASFF caps each string, so the bulk sits in several Details.Other notes.
  const notes = Object.fromEntries(Array.from({ length: random.int(1, 6) }, (_, i) => [`Note${i}`, 'x'.repeat(random.int(100, 500))]));
  return {
    SchemaVersion: '2018-10-08',
    Id: id,
    ProductArn: destination.productArn,
    GeneratorId: `chaos/rule/${random.int(1, 20)}`,
    AwsAccountId: destination.accountId,
    Types: ['Software and Configuration Checks/Vulnerabilities/CVE'],
    CreatedAt: UPDATED_AT,
    UpdatedAt: UPDATED_AT,
    Severity: { Label: random.pick(['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']) },
    Title: `Chaos finding ${id} ${random.chance(0.2) ? random.pick(ODD_TEXT) : ''}`.trim(),
    Description: `Posted by the chaos run. ${'d'.repeat(random.int(0, 800))}`,
    Resources: [{
      Type: 'AwsEc2Instance',
      Id: `arn:aws:ec2:${destination.region}:${destination.accountId}:instance/i-${random.int(0, 0xfffffff).toString(16).padStart(17, '0')}`,
      Region: destination.region,
      Details: { Other: notes },
    }],
  };
}

/** Findings `<prefix>-0` ... `<prefix>-(count-1)`. */
export function findingsFor(destination: Destination, prefix: string, count: number, random: Random): Finding[] {
  return Array.from({ length: count }, (_, i) => aFinding(destination, `${prefix}-${i}`, random));
}

/**
 * The top-level ASFF members. Others never reach Security Hub (the SDK serialises model members
 * only; ingest warns `unknownField`), so "what was sent" is compared over these.
 */
const ASFF_MEMBERS: ReadonlySet<string> = new Set(Object.keys((JSON.parse(
  readFileSync(new URL('../shared/asff/asff-schema.generated.json', import.meta.url), 'utf8'),
) as { $defs: { AwsSecurityFinding: { properties: Record<string, unknown> } } }).$defs.AwsSecurityFinding.properties));

/** A finding as Security Hub can hold it: its ASFF members only. */
export function asffMembers(finding: Finding): Finding {
  return Object.fromEntries(Object.entries(finding).filter(([key]) => ASFF_MEMBERS.has(key)));
}

/** A finding's content independent of key order, to compare what Security Hub holds with what was sent. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
