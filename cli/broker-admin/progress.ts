/**
 * Progress of a walk over the DLQ, on stderr: a cli-progress bar when stderr is a terminal (messages
 * looked at of SQS's approximate count, findings, matched, rate, ETA), nothing until the final line
 * otherwise (CI logs and pipes get one line, not a stream of redraws).
 */
import { Presets, SingleBar } from 'cli-progress';
import type { Progress } from '#shared/redrive/dlq-operations.js';

export class ProgressBar {
  private readonly bar: SingleBar | undefined;
  private total: number;
  private readonly started = Date.now();

  constructor(label: string, approximateTotal: number, private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.total = Math.max(1, approximateTotal);
    if (stream.isTTY) {
      this.bar = new SingleBar({
        stream,
        format: `${label} {bar} {value}/{total} messages | {findings} findings | {matched} matched | {rate} msg/s | ETA {eta_formatted}`,
        hideCursor: true, clearOnComplete: true, etaBuffer: 50, fps: 5,
      }, Presets.shades_classic);
      this.bar.start(this.total, 0, { findings: 0, matched: 0, rate: '0' });
    }
  }

  update(progress: Progress): void {
    if (!this.bar) return;
    // SQS's count is approximate (and messages keep arriving): never show more done than the total.
    if (progress.messages > this.total) {
      this.total = progress.messages;
      this.bar.setTotal(this.total);
    }
    const seconds = Math.max(0.001, (Date.now() - this.started) / 1000);
    this.bar.update(progress.messages, { findings: progress.findings, matched: progress.matchedMessages, rate: (progress.messages / seconds).toFixed(1) });
  }

  /** Clears the bar and prints the final count (on a terminal and off it). */
  finish(line: string): void {
    this.bar?.stop();
    this.stream.write(`${line}\n`);
  }
}
