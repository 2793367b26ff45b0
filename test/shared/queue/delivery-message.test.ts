import { describe, expect, it } from 'vitest';
import { MAX_SQS_MESSAGE_BYTES } from '#shared/limits.js';
import { packDeliveryMessages, packSerializedFindings, parseDeliveryMessage } from '#shared/queue/delivery-message.js';
import { sqsSafeJson } from '#shared/queue/sqs-characters.js';
import { batchesOf } from '#shared/queue/sqs-sender.js';

const group = { submissionId: 's-1', partnerId: 'acme', accountId: '222222222222', region: 'us-east-1', productKey: 'acme/scanner' };

describe('delivery messages', () => {
  it('packs findings into messages that each stay within the SQS size limit, in order', () => {
    const findings = Array.from({ length: 300 }, (_, i) => ({ Id: `f-${i}`, Description: 'x'.repeat(2000) }));
    const messages = packDeliveryMessages(group, findings);
    expect(messages.length).toBeGreaterThan(1);
    for (const message of messages) expect(Buffer.byteLength(JSON.stringify(message))).toBeLessThanOrEqual(MAX_SQS_MESSAGE_BYTES);
    expect(messages.flatMap((m) => m.findings)).toEqual(findings);
  });

  it('puts at most 100 findings (one full import call) in a message, however small they are', () => {
    const findings = Array.from({ length: 250 }, (_, i) => ({ Id: `f-${i}` }));
    expect(packDeliveryMessages(group, findings).map((m) => m.findings.length)).toEqual([100, 100, 50]);
  });

  it('writes the same bodies from findings serialised once as from the messages themselves, characters SQS refuses included', () => {
    const findings = Array.from({ length: 230 }, (_, i) => ({ Id: `f-${i}`, Title: `odd \uFFFE \uD83D\uDE00 ${'x'.repeat(i * 40)}`, Nested: { n: i } }));
    const expected = packDeliveryMessages(group, findings).map((message) => ({ body: sqsSafeJson(JSON.stringify(message)), count: message.findings.length }));
    expect(packSerializedFindings(group, findings.map((f) => sqsSafeJson(JSON.stringify(f))))).toEqual(expected);
    expect(expected.length).toBeGreaterThan(2);
  });

  it('round-trips through the queue body and refuses a body of another shape', () => {
    const [message] = packDeliveryMessages(group, [{ Id: 'f-1' }]);
    expect(parseDeliveryMessage(JSON.stringify(message))).toEqual(message);
    expect(() => parseDeliveryMessage('{"findings": []}')).toThrow();
  });

  it('sends at most 10 entries and 256 KiB per SendMessageBatch call', () => {
    const small = Array.from({ length: 25 }, () => ({ body: 'x', attributes: {} }));
    expect(batchesOf(small).map((b) => b.length)).toEqual([10, 10, 5]);
    const large = Array.from({ length: 4 }, () => ({ body: 'x'.repeat(100 * 1024), attributes: {} }));
    expect(batchesOf(large).map((b) => b.length)).toEqual([2, 2]);
  });
});
