import { describe, expect, it } from 'vitest';
import { RETRIES_EXHAUSTED, UNREADABLE, viewOf } from '#shared/redrive/dead-letter-view.js';
import { matches } from '#shared/redrive/dlq-filter.js';
import { deadLetterOf } from '../../support/dead-letters.js';

const asMessage = (letter: ReturnType<typeof deadLetterOf>, id = 'm-1') => ({
  MessageId: id, Body: letter.body, Attributes: { SentTimestamp: String(Date.parse('2026-11-01T00:00:00Z')) },
  MessageAttributes: Object.fromEntries(Object.entries(letter.attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }])),
});

describe('a dead letter as the operator sees it', () => {
  it('shows a body whose Id and ProductArn are no strings (an object whose String() throws) without throwing, so a DLQ walk goes on past it', () => {
    const body = '{"v":1,"submissionId":"sub-1","partnerId":"acme","accountId":"222222222222","region":"us-east-1","productKey":"acme/scanner","findings":[{"Id":{"toString":1},"ProductArn":{"toString":1}},{"Id":"kept"}]}';
    const view = viewOf({ MessageId: 'm-odd', Body: body });
    expect(view).toMatchObject({ findingIds: ['kept'], findingCount: 2, productArn: '', productKey: 'acme/scanner', errorCode: RETRIES_EXHAUSTED });
  });

  it('shows the scope, the reason, the finding ids and counts from the attributes and body', () => {
    const view = viewOf(asMessage(deadLetterOf({ accountId: '222222222222', errorCode: 'AssumeRoleDenied', findings: 3, failedAt: '2026-11-02T00:00:00Z', idPrefix: 'f' })));
    expect(view).toMatchObject({
      messageId: 'm-1', accountId: '222222222222', region: 'us-east-1', productKey: 'acme/scanner', partnerId: 'acme', submissionId: 'sub-1',
      errorCode: 'AssumeRoleDenied', findingIds: ['f-0', 'f-1', 'f-2'], findingCount: 3, attempts: 3, redriveCount: 0,
      firstFailedAt: '2026-11-02T00:00:00Z', lastFailedAt: '2026-11-02T00:00:00Z', firstErrorCode: 'AssumeRoleDenied',
    });
  });

  it('keeps the first failure and the redrive count of a redriven message that failed again', () => {
    const view = viewOf(asMessage(deadLetterOf({
      accountId: '222222222222', errorCode: 'Throttled', failedAt: '2026-11-03T00:00:00Z',
      history: { firstFailedAt: '2026-10-01T00:00:00Z', firstErrorCode: 'AssumeRoleDenied', firstErrorMessage: 'denied', redrives: 2 },
    })));
    expect(view).toMatchObject({ errorCode: 'Throttled', firstErrorCode: 'AssumeRoleDenied', firstFailedAt: '2026-10-01T00:00:00Z', lastFailedAt: '2026-11-03T00:00:00Z', redriveCount: 2 });
  });

  it('shows a message SQS dead-lettered by itself (no attributes) as RetriesExhausted, dated by when it was sent', () => {
    const view = viewOf(asMessage(deadLetterOf({ accountId: '222222222222', errorCode: 'x', bare: true })));
    expect(view).toMatchObject({ errorCode: RETRIES_EXHAUSTED, accountId: '222222222222', lastFailedAt: '2026-11-01T00:00:00.000Z' });
    expect(view.errorMessage).toMatch(/Redrive it/);
  });

  it('shows a body that is no delivery message as Unreadable, with nothing to redrive', () => {
    const view = viewOf({ MessageId: 'm-2', Body: 'not json' });
    expect(view).toMatchObject({ errorCode: UNREADABLE, findingCount: 0, findingIds: [] });
  });

  it('matches filters field by field (AND), value by value (OR), products by key or ARN, and age by the last failure', () => {
    const view = viewOf(asMessage(deadLetterOf({ accountId: '222222222222', errorCode: 'AssumeRoleDenied', failedAt: '2026-11-02T00:00:00Z' })));
    const now = Date.parse('2026-11-02T02:00:00Z');
    expect(matches({}, view, now)).toBe(true);
    expect(matches({ accounts: ['333333333333', '222222222222'], errorCodes: ['AssumeRoleDenied'] }, view, now)).toBe(true);
    expect(matches({ accounts: ['222222222222'], errorCodes: ['Throttled'] }, view, now)).toBe(false);
    expect(matches({ products: ['acme/scanner'] }, view, now)).toBe(true);
    expect(matches({ products: ['arn:aws:securityhub:us-east-1:111111111111:product/acme/scanner'] }, view, now)).toBe(true);
    expect(matches({ olderThanMs: 60 * 60_000 }, view, now)).toBe(true);
    expect(matches({ olderThanMs: 3 * 60 * 60_000 }, view, now)).toBe(false);
    expect(matches({ maxRedrives: 1 }, view, now)).toBe(true);
  });
});
