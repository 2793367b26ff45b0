/**
 * The partner side: POSTs requests to /v1/findings with bounded concurrency, only to 127.0.0.1,
 * and hands every reply (or its absence) to the ledger. A request whose connection dies before a
 * reply (the broker was killed) is returned as unanswered: the partner sends those again.
 */
import type { Finding } from './findings.js';
import type { Ledger } from './ledger.js';

export interface TrafficRequest {
  /** 'good': valid findings only; 'bad': anything else (its 5xx count apart: bad input must never get one). */
  kind: 'good' | 'bad';
  label: string;
  body: string | Uint8Array;
  /** The Findings array as posted, when it is one: the ledger tracks the ones the reply accepts. */
  findings: Finding[];
  headers?: Record<string, string>;
  /** null: no Authorization header; absent: the partner's token. */
  token?: string | null;
}

export interface Target {
  apiUrl: string;
  token: string;
}

const REQUEST_TIMEOUT_MS = 60_000;

/** One POST. Resolves false when no reply came (connection refused or cut). */
export async function post(target: Target, request: TrafficRequest, ledger: Ledger): Promise<boolean> {
  const url = new URL('/v1/findings', target.apiUrl);
  if (url.hostname !== '127.0.0.1') throw new Error(`chaos traffic goes to 127.0.0.1 only, not ${url.hostname}`);
  const token = request.token === undefined ? target.token : request.token;
  ledger.sent(request);
  let status: number;
  let text: string;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...request.headers },
      body: request.body,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    status = response.status;
    text = await response.text();
  } catch {
    ledger.noReply(request);
    return false;
  }
  ledger.replied(request, status, text);
  return true;
}

export interface TrafficRun {
  /** Requests that got no reply, and those never sent because `stop` said so: the partner retries them. */
  unanswered: TrafficRequest[];
}

/**
 * Sends `requests` with at most `concurrency` in flight. `stop()` returning true stops sending new
 * ones (requests already in flight run to their end, reply or not).
 */
export async function sendAll(target: Target | (() => Target), requests: TrafficRequest[], ledger: Ledger,
  options: { concurrency: number; stop?: () => boolean; onReply?: () => void }): Promise<TrafficRun> {
  const unanswered: TrafficRequest[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < requests.length) {
      if (options.stop?.()) {
        unanswered.push(...requests.slice(next));
        next = requests.length;
        return;
      }
      const request = requests[next++]!;
      const answered = await post(typeof target === 'function' ? target() : target, request, ledger);
      if (!answered) unanswered.push(request);
      else options.onReply?.();
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, lane));
  return { unanswered };
}
