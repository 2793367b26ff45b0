import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PartnerToken } from '../registry/model.js';
import { LruMap } from '../credentials/lru-map.js';
import type { Registry } from '../registry/registry.js';

/**
 * Partner API tokens: `shb_<tokenId>.<secret>`. The id locates the record in one GetItem; the
 * secret (256 random bits) is stored only as a salted SHA-256. A slow KDF (scrypt, argon2) defends
 * low-entropy passwords against offline guessing; a 256-bit random secret cannot be guessed, so a
 * fast hash is enough and keeps the authorizer's cold path short.
 */
const TOKEN_PREFIX = 'shb_';
const TOKEN_SHAPE = /^shb_([0-9a-f]{16})\.([A-Za-z0-9_-]{43})$/;

export interface IssuedToken {
  /** Shown to the partner once; never stored. */
  token: string;
  record: PartnerToken;
}

function hashSecret(salt: string, secret: string): string {
  return createHash('sha256').update(salt).update(secret).digest('hex');
}

export function issueToken(partnerId: string, now: Date = new Date()): IssuedToken {
  const tokenId = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const salt = randomBytes(16).toString('hex');
  return {
    token: `${TOKEN_PREFIX}${tokenId}.${secret}`,
    record: { tokenId, partnerId, salt, hash: hashSecret(salt, secret), createdAt: now.toISOString() },
  };
}

/** The shape every token the broker issues has: `shb_<16 hex digits>.<43 base64url characters>`. */
export const TOKEN_FORMAT = 'shb_<16 hex digits>.<43-character secret>';

/** Whether the text has the shape of a broker token (says nothing of whether it is live). */
export function isTokenShaped(token: string): boolean {
  return TOKEN_SHAPE.test(token);
}

function parseToken(token: string): { tokenId: string; secret: string } | undefined {
  const match = TOKEN_SHAPE.exec(token);
  return match ? { tokenId: match[1]!, secret: match[2]! } : undefined;
}

/** The record when it is live and the secret is its own (compared in constant time). */
function liveMatch(record: PartnerToken | undefined, secret: string): PartnerToken | undefined {
  if (!record || record.revokedAt) return undefined;
  const expected = Buffer.from(record.hash, 'hex');
  const actual = Buffer.from(hashSecret(record.salt, secret), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual) ? record : undefined;
}

/** The token's live record, or undefined when it is malformed, unknown, revoked, or its secret differs. */
export async function verifyToken(token: string, registry: Registry): Promise<PartnerToken | undefined> {
  const parsed = parseToken(token);
  return parsed ? liveMatch(await registry.getToken(parsed.tokenId), parsed.secret) : undefined;
}

/**
 * How long a token id the registry does not know is answered from memory, and how many such ids a
 * container remembers. Assumption (the broker's choice): a flood of made-up tokens then costs one
 * registry read per id per five minutes instead of one per request; ids are 64 random bits issued by
 * the broker, so an id that is unknown now is not about to be issued.
 */
const UNKNOWN_TOKEN_TTL_MS = 5 * 60_000;
const UNKNOWN_TOKENS_REMEMBERED = 10_000;

/**
 * verifyToken with a memory of token ids the registry does not hold, so floods of invalid tokens stay
 * cheap. Only absence is remembered: a known token is read each time, so a revocation counts at once.
 */
export class TokenVerifier {
  private readonly unknown = new LruMap<string, number>(UNKNOWN_TOKENS_REMEMBERED);

  constructor(private readonly registry: Registry, private readonly now: () => number = Date.now) {}

  async verify(token: string): Promise<PartnerToken | undefined> {
    const parsed = parseToken(token);
    if (!parsed) return undefined;
    const until = this.unknown.get(parsed.tokenId);
    if (until !== undefined && until > this.now()) return undefined;
    const record = await this.registry.getToken(parsed.tokenId);
    if (!record) this.unknown.set(parsed.tokenId, this.now() + UNKNOWN_TOKEN_TTL_MS);
    return liveMatch(record, parsed.secret);
  }
}
