import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ProgressBar } from '../../../cli/broker-admin/progress.js';

/** A stream that says it is a terminal, collecting what is written to it. */
function terminal(): { stream: NodeJS.WriteStream; text: () => string } {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream & { isTTY: boolean; columns: number; cursorTo: () => boolean; clearLine: () => boolean; moveCursor: () => boolean };
  let written = '';
  (stream as unknown as PassThrough).on('data', (chunk: Buffer) => (written += chunk.toString()));
  Object.assign(stream, { isTTY: true, columns: 160, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  return { stream, text: () => written };
}

describe('the DLQ progress display', () => {
  it('draws messages done of the total, findings, matched, rate and ETA on a terminal, then the final line', async () => {
    const { stream, text } = terminal();
    const bar = new ProgressBar('redrive', 10_000, stream);
    bar.update({ messages: 2_500, findings: 5_000, matchedMessages: 2_000, matchedFindings: 4_000, complete: false });
    await new Promise((resolve) => setTimeout(resolve, 250));
    bar.finish('Redrove 2000 messages (4000 findings) of 2500 looked at.');
    expect(text()).toMatch(/redrive .*2500\/10000 messages \| 5000 findings \| 2000 matched \| [\d.]+ msg\/s \| ETA/);
    expect(text()).toContain('Redrove 2000 messages (4000 findings) of 2500 looked at.');
  });

  it('writes only the final line off a terminal (pipes and CI logs)', () => {
    const stream = new PassThrough() as unknown as NodeJS.WriteStream;
    let written = '';
    (stream as unknown as PassThrough).on('data', (chunk: Buffer) => (written += chunk.toString()));
    const bar = new ProgressBar('summary', 10, stream);
    bar.update({ messages: 5, findings: 5, matchedMessages: 5, matchedFindings: 5, complete: false });
    bar.finish('Counted 5 messages.');
    expect(written).toBe('Counted 5 messages.\n');
  });
});
