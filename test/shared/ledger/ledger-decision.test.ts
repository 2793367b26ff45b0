import { describe, expect, it } from 'vitest';
import { contentHash } from '#shared/ledger/content-hash.js';
import { decideDeliveries, type Candidate } from '#shared/ledger/ledger-decision.js';
import { keyText, type FindingState } from '#shared/ledger/ledger-model.js';
import { aFinding } from '../asff/finding-factory.js';

const NOW = Date.parse('2026-11-30T12:00:00Z');
const DAY = 24 * 3600 * 1000;
const at = (minute: number) => new Date(Date.parse('2026-11-30T10:00:00Z') + minute * 60_000).toISOString();

function candidate(updatedAt: string, overrides: Partial<Candidate> & { title?: string } = {}): Candidate {
  const finding = aFinding({ Id: 'f-1', UpdatedAt: updatedAt, ...(overrides.title ? { Title: overrides.title } : {}) });
  return { key: { accountId: String(finding.AwsAccountId), productArn: String(finding.ProductArn), id: 'f-1' }, finding, submissionId: 's-new',
    changeOnly: true, ...overrides };
}

function states(entry: FindingState, of: Candidate): Map<string, FindingState> {
  return new Map([[keyText(of.key), entry]]);
}

function imported(of: Candidate, overrides: Partial<NonNullable<FindingState['imported']>> = {}): FindingState {
  return { imported: { updatedAt: String(of.finding.UpdatedAt), submissionId: 's-old', hash: contentHash(of.finding), importedAt: NOW - 60_000,
    recordState: 'ACTIVE', generatorId: 'g', ...overrides } };
}

describe('decideDeliveries', () => {
  it('sends a finding the ledger has never seen, with its content hash', () => {
    const c = candidate(at(0));
    expect(decideDeliveries([c], new Map(), NOW, DAY)).toEqual([{ kind: 'send', hash: contentHash(c.finding) }]);
  });

  it('sends only the newest of several versions in one batch: older ones Superseded, an equal earlier one StaleUpdatedAt', () => {
    const batch = [candidate(at(2)), candidate(at(1)), candidate(at(3)), candidate(at(3))];
    expect(decideDeliveries(batch, new Map(), NOW, DAY).map((d) => (d.kind === 'ignored' ? d.code : d.kind)))
      .toEqual(['Superseded', 'Superseded', 'StaleUpdatedAt', 'send']);
  });

  it('ignores a version not later than the last import as StaleUpdatedAt, comparing instants, not text', () => {
    const older = candidate('2026-11-30T11:00:00+01:00');
    const last = candidate('2026-11-30T10:00:00.000000001Z');
    expect(decideDeliveries([older], states(imported(last), older), NOW, DAY)[0]).toMatchObject({ kind: 'ignored', code: 'StaleUpdatedAt' });
  });

  it('recognises its own earlier import of this very version (a retried record) instead of calling it stale', () => {
    const c = candidate(at(0));
    expect(decideDeliveries([c], states(imported(c, { submissionId: 's-new' }), c), NOW, DAY)).toEqual([{ kind: 'imported-already' }]);
  });

  it('ignores a version older than the newest accepted one as Superseded', () => {
    const c = candidate(at(0));
    const entry: FindingState = { accepted: { updatedAt: at(5), submissionId: 's-later', postedAt: NOW } };
    expect(decideDeliveries([c], states(entry, c), NOW, DAY)[0]).toMatchObject({ kind: 'ignored', code: 'Superseded' });
  });

  it('skips content equal to a recent import, sends it once the refresh is due, and always sends changed content', () => {
    const first = candidate(at(0));
    const rescan = candidate(at(60));
    const changed = candidate(at(60), { title: 'changed' });
    expect(decideDeliveries([rescan], states(imported(first), rescan), NOW, DAY)).toEqual([{ kind: 'unchanged' }]);
    expect(decideDeliveries([rescan], states(imported(first, { importedAt: NOW - DAY }), rescan), NOW, DAY)[0]?.kind).toBe('send');
    expect(decideDeliveries([changed], states(imported(first), changed), NOW, DAY)[0]?.kind).toBe('send');
    expect(decideDeliveries([{ ...rescan, changeOnly: false }], states(imported(first), rescan), NOW, DAY)[0]?.kind).toBe('send');
  });
});
