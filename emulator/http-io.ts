/** The emulator's request/reply shapes, and moving them on and off node:http. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SignedRequest } from './sigv4.js';

export type EmulatorRequest = SignedRequest;

export interface HttpReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Far above Security Hub's 6 MB per batch (https://docs.aws.amazon.com/securityhub/latest/userguide/finding-update-batchimportfindings.html),
 * so oversized imports still get the operation's own answer. Assumption (emulator-only): 16 MiB is a
 * memory guard; past it the server answers a bare 413 and closes, which AWS's front end may well do
 * differently (its behaviour for huge bodies is undocumented).
 */
export const MAX_READ_BYTES = 16 * 1024 * 1024;

export class BodyTooLargeError extends Error {}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_READ_BYTES) throw new BodyTooLargeError(`request body exceeds ${MAX_READ_BYTES} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

export function toEmulatorRequest(req: IncomingMessage, body: Buffer): EmulatorRequest {
  const target = req.url ?? '/';
  const q = target.indexOf('?');
  return {
    method: req.method ?? 'GET',
    path: q < 0 ? target : target.slice(0, q),
    query: q < 0 ? '' : target.slice(q + 1),
    headers: req.headers,
    body,
  };
}

export function send(res: ServerResponse, reply: HttpReply): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(reply.status, { ...reply.headers, 'content-length': Buffer.byteLength(reply.body) });
  res.end(reply.body);
}

/** restJson1 bodies are JSON (https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html); the admin API reuses it. */
export function json(status: number, value: unknown, headers: Record<string, string> = {}): HttpReply {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) };
}

/**
 * Query parameters of a request, decoded ('+' stays '+': SigV4 clients percent-encode reserved
 * characters, "including the space character",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-canonical-request).
 * Assumption: a repeated name keeps its last value; a malformed escape is kept as sent.
 */
export function queryParams(query: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const decode = (s: string): string => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    };
    params.set(decode(eq < 0 ? pair : pair.slice(0, eq)), decode(eq < 0 ? '' : pair.slice(eq + 1)));
  }
  return params;
}
