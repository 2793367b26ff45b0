import { describe, expect, it } from 'vitest';
import type { Failure } from '#shared/diagnostics/failure-catalog.js';
import type { FindingOutcome } from '#shared/delivery/finding-outcome.js';
import { recordFate, type RecordFinding } from '#shared/delivery/record-fate.js';
import { MAX_DEFERRAL_MS } from '#shared/limits.js';
import type { DeliveryGroup } from '#shared/queue/delivery-message.js';

const group: DeliveryGroup = { submissionId: 's', partnerId: 'acme', accountId: '222222222222', region: 'us-east-1', productKey: 'acme/scanner' };
const now = new Date('2026-11-30T12:00:00Z');
const failure = (code: string, kind: Failure['kind'] = 'permanent'): Failure => ({ kind, code, message: `${code} happened` });
const item = (id: string, outcome: FindingOutcome, scope: DeliveryGroup = group): RecordFinding => ({ finding: { Id: id }, group: scope, outcome });

describe('recordFate', () => {
  it('settles a record whose findings were all imported: nothing to send, the record is deleted', () => {
    expect(recordFate([item('a', { kind: 'imported' })], 1, 3, now)).toEqual({ fate: 'settle', deadLetters: [], deferrals: [] });
  });

  it('sends a record with a finding to retry back to SQS whole before its last receive', () => {
    const fate = recordFate([item('a', { kind: 'imported' }), item('b', { kind: 'retry', failure: failure('AssumeRoleDenied', 'transient') }),
      item('c', { kind: 'dead-letter', failure: failure('InvalidInput') })], 1, 3, now);
    expect(fate).toEqual({ fate: 'retry', failure: failure('AssumeRoleDenied', 'transient') });
  });

  it('on the last receive dead-letters the findings to retry with "Gave up after N deliveries", and the others with their own failure', () => {
    const fate = recordFate([item('a', { kind: 'imported' }), item('b', { kind: 'retry', failure: failure('AssumeRoleDenied', 'transient') }),
      item('c', { kind: 'dead-letter', failure: failure('InvalidInput') })], 3, 3, now);
    expect(fate).toEqual({ fate: 'settle', deferrals: [], deadLetters: [
      { finding: { Id: 'b' }, group, attempts: 3, failure: { kind: 'permanent', code: 'AssumeRoleDenied',
        message: 'Gave up after 3 deliveries; last error: AssumeRoleDenied happened. Redrive once the cause has passed.' } },
      { finding: { Id: 'c' }, group, attempts: 3, failure: failure('InvalidInput') },
    ] });
  });

  it('re-queues findings that failed with a 5xx counting one attempt a round, and dead-letters them once maxReceiveCount rounds are spent', () => {
    const failed = { kind: 'defer', failure: failure('SecurityHubInternalError', 'transient') } as const;
    expect(recordFate([item('a', failed)], 1, 3, now)).toEqual({ fate: 'settle', deadLetters: [], deferrals: [{ finding: { Id: 'a' }, group: { ...group, attempts: 1 } }] });
    expect(recordFate([item('a', failed, { ...group, attempts: 1 })], 1, 3, now)).toMatchObject({ deferrals: [{ group: { attempts: 2 } }] });
    expect(recordFate([item('a', failed, { ...group, attempts: 2 })], 1, 3, now)).toMatchObject({ deferrals: [],
      deadLetters: [{ attempts: 3, failure: { kind: 'permanent', code: 'SecurityHubInternalError', message: expect.stringMatching(/^Gave up after 3 deliveries; last error/) } }] });
  });

  it('re-queues deferred findings whatever the receive count: waiting for a quota spends no receive', () => {
    for (const receiveCount of [1, 3, 10]) {
      expect(recordFate([item('a', { kind: 'defer', failure: failure('Throttled', 'transient') })], receiveCount, 3, now))
        .toEqual({ fate: 'settle', deadLetters: [], deferrals: [{ finding: { Id: 'a' }, group: { ...group, deferredSince: now.toISOString() } }] });
    }
  });

  it('dead-letters deferred findings once they have waited longer than MAX_DEFERRAL_MS since first deferred', () => {
    const waiting = { ...group, deferredSince: new Date(now.getTime() - MAX_DEFERRAL_MS).toISOString() };
    const tooLong = { ...group, deferredSince: new Date(now.getTime() - MAX_DEFERRAL_MS - 1).toISOString() };
    const fate = recordFate([item('a', { kind: 'defer', failure: failure('Throttled', 'transient') }, waiting),
      item('b', { kind: 'defer', failure: failure('Throttled', 'transient') }, tooLong)], 1, 3, now);
    expect(fate).toMatchObject({ fate: 'settle', deferrals: [{ finding: { Id: 'a' } }],
      deadLetters: [{ finding: { Id: 'b' }, failure: { kind: 'permanent', code: 'Throttled', message: expect.stringMatching(/^Gave up after 360 minutes of waiting for account 222222222222's BatchImportFindings quota in us-east-1/) } }] });
  });
});
