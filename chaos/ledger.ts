/**
 * The accounting of one scenario: what was sent, what the broker's replies said, and, once the
 * queues are drained, where every accepted finding ended. "Accepted" is the broker's word in a reply
 * (`results[i].status === 'accepted'`, or `ignored` for a version it imported already): the promise covers exactly those.
 */
import { asffMembers, canonical, type Finding } from './findings.js';
import type { TrafficRequest } from './traffic.js';

/** Where findings ended, as read from the emulated Security Hub and the DLQ. */
export interface Observed {
  imported: Finding[];
  deadLetters: Array<{ ids: string[]; errorCode: string | undefined }>;
}

export interface Tally {
  requests: number;
  /** Requests cut off with no reply (the broker was killed): the partner sends them again. */
  noReply: number;
  fiveXx: number;
  /** 5xx answers to bad input (must be 0). */
  fiveXxOnBadInput: number;
  /** Findings some reply said were accepted. */
  accepted: number;
  /** Accepted findings Security Hub holds. */
  imported: number;
  /** Accepted findings in the DLQ. */
  deadLettered: number;
  /** Dead-lettered findings by ErrorCode ('(none)': a dead letter without a reason). */
  reasons: Record<string, number>;
  /** Accepted and neither imported nor dead-lettered once the queues were drained (must be 0). */
  lost: number;
  /** Both imported and dead-lettered, or imported with content other than what was sent (must be 0). */
  duplicated: number;
  /** Findings of unanswered requests that arrived anyway (allowed: the partner never heard of them). */
  arrivedUnacknowledged: number;
  /** Some Ids of lost / duplicated findings and the 5xx answers, to start a diagnosis from. */
  examples: { lost: string[]; duplicated: string[]; fiveXx: string[] };
}

const EXAMPLES = 10;

export class Ledger {
  private requests = 0;
  private noReplies = 0;
  private replies = 0;
  private fiveXx = 0;
  private fiveXxBad = 0;
  private readonly fiveXxExamples: string[] = [];
  /** Every finding posted, by Id, as canonical JSON (what Security Hub must hold if it holds it). */
  private readonly posted = new Map<string, string>();
  private readonly accepted = new Set<string>();
  /** What was accepted under each Id (a request may carry an Id twice, and only one copy is accepted). */
  private readonly acceptedContent = new Map<string, string>();
  /** Findings a reply rejected although they came in a request meant to be valid: a generator bug. */
  goodRejected = 0;

  sent(request: TrafficRequest): void {
    this.requests++;
    for (const finding of request.findings) {
      if (finding && typeof finding === 'object' && typeof finding.Id === 'string') this.posted.set(finding.Id, canonical(asffMembers(finding)));
    }
  }

  noReply(_request: TrafficRequest): void {
    this.noReplies++;
  }

  replied(request: TrafficRequest, status: number, text: string): void {
    this.replies++;
    if (status >= 500) {
      this.fiveXx++;
      if (request.kind === 'bad') this.fiveXxBad++;
      if (this.fiveXxExamples.length < EXAMPLES) this.fiveXxExamples.push(`${status} to ${request.kind} '${request.label}': ${text.slice(0, 200)}`);
    }
    let results: Array<{ index?: number; status?: string }> = [];
    try {
      results = (JSON.parse(text) as { results?: typeof results }).results ?? [];
    } catch {
      return; // not a submission reply (401, 413, API Gateway's own answers): nothing accepted
    }
    for (const result of results) {
      const finding = typeof result.index === 'number' ? request.findings[result.index] : undefined;
      // `ignored` (StaleUpdatedAt): this very version was taken before, by a request whose reply was cut off,
      // and imported already; the broker answers it as such instead of queueing it twice. The same promise holds.
      if ((result.status === 'accepted' || result.status === 'ignored') && typeof finding?.Id === 'string') {
        this.accepted.add(finding.Id);
        this.acceptedContent.set(finding.Id, canonical(asffMembers(finding)));
      }
      else if (request.kind === 'good' && result.status === 'rejected') this.goodRejected++;
    }
  }

  get acceptedCount(): number {
    return this.accepted.size;
  }

  /** Requests sent that have neither a reply nor a failure yet. */
  get inFlight(): number {
    return this.requests - this.replies - this.noReplies;
  }

  isPosted(id: string): boolean {
    return this.posted.has(id);
  }

  settle(observed: Observed): Tally {
    const imported = new Map<string, Finding>();
    for (const finding of observed.imported) {
      if (typeof finding.Id === 'string' && this.posted.has(finding.Id)) imported.set(finding.Id, finding);
    }
    const deadLettered = new Set<string>();
    const reasons: Record<string, number> = {};
    for (const letter of observed.deadLetters) {
      for (const id of letter.ids) {
        if (!this.accepted.has(id) || deadLettered.has(id)) continue;
        deadLettered.add(id);
        const code = letter.errorCode ?? '(none)';
        reasons[code] = (reasons[code] ?? 0) + 1;
      }
    }
    const lost = [...this.accepted].filter((id) => !imported.has(id) && !deadLettered.has(id));
    const duplicated = [...imported.keys()].flatMap((id) => {
      if (deadLettered.has(id)) return [`${id} (imported and dead-lettered)`];
      const held = asffMembers(imported.get(id)!);
      const expected = this.acceptedContent.get(id) ?? this.posted.get(id)!;
      if (canonical(held) === expected) return [];
      // Name what differs, top-level members first: the start of a diagnosis.
      const sent = JSON.parse(expected) as Finding;
      const keys = [...new Set([...Object.keys(sent), ...Object.keys(held)])].filter((key) => canonical(sent[key]) !== canonical(held[key]));
      return [`${id} (imported with other ${keys.join(', ') || 'content'})`];
    });
    return {
      requests: this.requests,
      noReply: this.noReplies,
      fiveXx: this.fiveXx,
      fiveXxOnBadInput: this.fiveXxBad,
      accepted: this.accepted.size,
      imported: [...this.accepted].filter((id) => imported.has(id)).length,
      deadLettered: deadLettered.size,
      reasons,
      lost: lost.length,
      duplicated: duplicated.length,
      arrivedUnacknowledged: [...imported.keys()].filter((id) => !this.accepted.has(id)).length,
      examples: { lost: lost.slice(0, EXAMPLES), duplicated: duplicated.slice(0, EXAMPLES), fiveXx: [...this.fiveXxExamples] },
    };
  }
}
