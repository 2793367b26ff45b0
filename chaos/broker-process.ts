/**
 * The broker under test: `npm start` as a child process on its own data dir and state file, free
 * ports only, in its own process group (so SIGKILL reaches npm, tsx and the broker's node alike).
 * Everything the scenarios observe goes through what `npm start` publishes: the state file, the
 * emulator's admin API, and SQS.
 */
import type { ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { parseDeliveryMessage } from '#shared/queue/delivery-message.js';
import { startNpm, stopGroup } from '../test/support/npm-start.js';
import type { Finding } from './findings.js';
import type { Observed } from './ledger.js';
import type { Target } from './traffic.js';

/** The part of npm start's state file the scenarios read. */
export interface StackState {
  apiUrl: string;
  region: string;
  emulatorUrl: string;
  endpoints: { sqs: string };
  deliveryQueueUrl: string;
  deadLetterQueueUrl: string;
  partner: { token: string; productArns: string[] };
  customer: { accountIds: string[] };
}

export interface FaultSpec {
  operation: string;
  kind: string;
  accountId?: string;
  times?: number;
  latencyMs?: number;
  errorCode?: string;
  /** connection-reset: 'before-operation' (nothing happened) or 'after-operation' (it happened, the answer was lost). */
  phase?: string;
}

export interface BrokerOptions {
  /** Holds data/ and stack.json; the caller creates and removes it. */
  folder: string;
  /** Extra npm start flags (--visibility-timeout, --max-receive-count, ...). */
  flags?: string[];
}

const REPO = fileURLToPath(new URL('../', import.meta.url));

/**
 * Whether the emulator keeps imported findings across a restart: the persistence another change
 * adds under emulator/ (emulator/persistence...). Scenarios check the claim after a restart too.
 */
export function emulatorPersistenceInstalled(): boolean {
  return readdirSync(join(REPO, 'emulator')).some((name) => name.startsWith('persist'));
}

export class NpmStartBroker {
  private child: ChildProcess | undefined;
  private sqsClient: SQSClient | undefined;
  private peakKb = 0;
  private sampler: NodeJS.Timeout | undefined;
  state!: StackState;
  /** Everything npm start printed, across restarts (for a diagnosis). */
  log = '';

  private constructor(private readonly options: BrokerOptions) {}

  static async start(options: BrokerOptions): Promise<NpmStartBroker> {
    const broker = new NpmStartBroker(options);
    await broker.launch();
    return broker;
  }

  /** Where the partner posts now (the API port changes with each start; the token stays). */
  get target(): Target {
    return { apiUrl: this.state.apiUrl, token: this.state.partner.token };
  }

  get stateFile(): string {
    return join(this.options.folder, 'stack.json');
  }

  get dataDir(): string {
    return join(this.options.folder, 'data');
  }

  /** `npm start` again on the same data dir and state file (the partner's token stays). */
  async restart(): Promise<void> {
    await this.launch();
  }

  private async launch(): Promise<void> {
    const started = await startNpm<StackState>(this.stateFile, ['--data-dir', this.dataDir, ...(this.options.flags ?? [])]);
    this.child = started.child;
    this.state = started.state;
    const output = started.output;
    started.child.once('exit', () => (this.log += output()));
    this.sqsClient?.destroy();
    this.sqsClient = new SQSClient({ region: this.state.region, endpoint: this.state.endpoints.sqs, useQueueUrlAsEndpoint: false,
      credentials: { accessKeyId: 'chaos', secretAccessKey: 'chaos' }, maxAttempts: 5 });
    this.startSampling();
  }

  /** SIGKILL to the whole process group: npm, tsx and the broker die at once, mid-whatever. */
  async kill(): Promise<void> {
    const child = this.child!;
    await this.sampleRss();
    this.stopSampling();
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-child.pid!, 'SIGKILL');
    await exited;
    // npm's children are in the group too; give the kernel a moment to reap them before a restart reuses the data dir.
    await sleep(200);
  }

  async stop(): Promise<void> {
    await this.sampleRss();
    this.stopSampling();
    if (this.child) await stopGroup(this.child);
    this.sqsClient?.destroy();
  }

  /** The highest VmHWM (peak resident set) of any process of the broker's group, sampled since start. */
  get peakRssMb(): number {
    return Math.round(this.peakKb / 1024);
  }

  private startSampling(): void {
    this.stopSampling();
    this.sampler = setInterval(() => void this.sampleRss(), 250);
  }

  private stopSampling(): void {
    if (this.sampler) clearInterval(this.sampler);
    this.sampler = undefined;
  }

  private async sampleRss(): Promise<void> {
    const group = this.child?.pid;
    if (group === undefined) return;
    for (const pid of await readdir('/proc').catch(() => [] as string[])) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
        // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so read after the last ')'.
        const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
        if (pgrp !== group) continue;
        const hwm = /VmHWM:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
        if (hwm) this.peakKb = Math.max(this.peakKb, Number(hwm[1]));
      } catch {
        // the process ended between readdir and read
      }
    }
  }

  private async admin(method: string, route: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const response = await fetch(new URL(`/_emulator/${route}`, this.state.emulatorUrl), {
      method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    return { status: response.status, json: await response.json().catch(() => undefined) };
  }

  /** Injects a fault; false (with the emulator's reason) when this emulator does not know the kind. */
  async injectFault(spec: FaultSpec): Promise<{ ok: boolean; reason?: string }> {
    const { status, json } = await this.admin('POST', 'faults', spec);
    return status === 200 ? { ok: true } : { ok: false, reason: (json as { error?: string } | undefined)?.error ?? `HTTP ${status}` };
  }

  async clearFaults(): Promise<void> {
    await this.admin('DELETE', 'faults');
  }

  /** The findings the demo customer's Security Hub holds, as imported. */
  async importedFindings(): Promise<Finding[]> {
    const query = new URLSearchParams({ accountId: this.state.customer.accountIds[0]!, region: this.state.region });
    const { status, json } = await this.admin('GET', `findings?${query.toString()}`);
    if (status !== 200) throw new Error(`GET findings answered ${status}`);
    return (json as { findings: Finding[] }).findings;
  }

  private get sqs(): SQSClient {
    return this.sqsClient!;
  }

  /** Messages on the delivery queue, visible, in flight or delayed. */
  async deliveryDepth(): Promise<number> {
    const { Attributes = {} } = await this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: this.state.deliveryQueueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] }));
    return Object.values(Attributes).reduce((sum, value) => sum + Number(value ?? 0), 0);
  }

  /** Waits until the delivery queue is empty, in flight included, several reads in a row; false on timeout. */
  async waitDrained(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let emptyReads = 0;
    while (Date.now() < deadline) {
      emptyReads = (await this.deliveryDepth()) === 0 ? emptyReads + 1 : 0;
      // In flight counts until the poller deletes a record, and it deletes only after deliver returned
      // (dead letters sent): three empty reads 200 ms apart leave no batch between receive and delete.
      if (emptyReads >= 3) return true;
      await sleep(200);
    }
    return false;
  }

  /**
   * Every dead letter's finding Ids and reason: the whole DLQ, received once and left hidden (the
   * scenario ends here). Not made visible again with ChangeMessageVisibility(0): fauxqs 2.4.1 with a
   * data dir answers that with a 500 (it writes NULL into approximate_receive_count, a NOT NULL column).
   */
  async deadLetters(): Promise<Observed['deadLetters']> {
    const messages: Message[] = [];
    for (let empty = 0; empty < 2;) {
      const { Messages = [] } = await this.sqs.send(new ReceiveMessageCommand({ QueueUrl: this.state.deadLetterQueueUrl, MaxNumberOfMessages: 10,
        VisibilityTimeout: 600, WaitTimeSeconds: 0, MessageAttributeNames: ['All'] }));
      empty = Messages.length === 0 ? empty + 1 : 0;
      messages.push(...Messages);
    }
    return messages.map((message) => ({ ids: findingIdsOf(message.Body ?? ''), errorCode: message.MessageAttributes?.ErrorCode?.StringValue }));
  }

  async observe(): Promise<Observed> {
    return { imported: await this.importedFindings(), deadLetters: await this.deadLetters() };
  }
}

function findingIdsOf(body: string): string[] {
  try {
    return parseDeliveryMessage(body).findings.map((finding) => String(finding.Id));
  } catch {
    return []; // not a delivery message (MalformedMessage keeps the raw body): it names no finding of ours
  }
}
