import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { sendMessages, SEND_BACKOFF } from '#shared/queue/sqs-sender.js';

// fauxqs cannot fail one entry of a batch and take it on the next call, so a stub plays SQS here.
const sqsMock = mockClient(SQSClient);
afterEach(() => sqsMock.reset());

const messages = [{ body: '{"a":1}', attributes: {} }, { body: '{"b":2}', attributes: {} }];
const failedSecond = { Successful: [{ Id: '0', MessageId: 'm0', MD5OfMessageBody: '' }], Failed: [{ Id: '1', Code: 'InternalError', SenderFault: false, Message: 'try again' }] };

describe('sendMessages retrying entries SQS failed', () => {
  it('waits an exponentially growing, fully jittered delay before each re-send, then sends only the failed entry', async () => {
    sqsMock.on(SendMessageBatchCommand).resolvesOnce(failedSecond).resolvesOnce(failedSecond).resolves({ Successful: [{ Id: '1', MessageId: 'm1', MD5OfMessageBody: '' }], Failed: [] });
    const waits: number[] = [];
    const outcome = await sendMessages(new SQSClient({ region: 'us-east-1' }), 'https://queue', messages, {
      random: () => 0.5, sleep: async (ms) => void waits.push(ms),
    });
    expect(outcome.failed).toEqual([]);
    expect(waits).toEqual([SEND_BACKOFF.baseMs, SEND_BACKOFF.baseMs * 2]);
    const calls = sqsMock.commandCalls(SendMessageBatchCommand);
    expect(calls.map((call) => call.args[0].input.Entries!.map((entry) => entry.Id))).toEqual([['0', '1'], ['1'], ['1']]);
  });

  it('really waits between attempts with the default timer (not an immediate re-send)', async () => {
    sqsMock.on(SendMessageBatchCommand).resolvesOnce(failedSecond).resolves({ Successful: [{ Id: '1', MessageId: 'm1', MD5OfMessageBody: '' }], Failed: [] });
    const started = performance.now();
    const outcome = await sendMessages(new SQSClient({ region: 'us-east-1' }), 'https://queue', messages, { random: () => 1 });
    expect(outcome.failed).toEqual([]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(SEND_BACKOFF.baseMs * 2 - 5);
  });

  it('gives up after the last attempt within a bounded total wait, reporting the last reason', async () => {
    sqsMock.on(SendMessageBatchCommand).resolves(failedSecond);
    const waits: number[] = [];
    const outcome = await sendMessages(new SQSClient({ region: 'us-east-1' }), 'https://queue', messages, {
      random: () => 0.999999, sleep: async (ms) => void waits.push(ms),
    });
    expect(outcome.failed).toEqual([{ index: 1, reason: 'InternalError: try again' }]);
    expect(waits).toHaveLength(SEND_BACKOFF.attempts - 1);
    expect(waits.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(SEND_BACKOFF.maxTotalMs);
  });
});

describe('sendMessages writing message attributes', () => {
  it('sends only attribute values SQS takes: refused characters replaced, empty values left out, astral characters kept', async () => {
    sqsMock.on(SendMessageBatchCommand).resolves({ Successful: [{ Id: '0', MessageId: 'm0', MD5OfMessageBody: '' }], Failed: [] });
    const outcome = await sendMessages(new SQSClient({ region: 'us-east-1' }), 'https://queue', [
      { body: '{}', attributes: { ErrorMessage: 'bad \uFFFF\uFFFE \u0000 \uD800 ok 😀', ProductArn: '', ErrorCode: 'InvalidInput' } },
    ]);
    expect(outcome.failed).toEqual([]);
    const [entry] = sqsMock.commandCalls(SendMessageBatchCommand)[0]!.args[0].input.Entries!;
    expect(entry!.MessageAttributes).toEqual({
      ErrorMessage: { DataType: 'String', StringValue: 'bad \uFFFD\uFFFD \uFFFD \uFFFD ok 😀' },
      ErrorCode: { DataType: 'String', StringValue: 'InvalidInput' },
    });
  });
});
