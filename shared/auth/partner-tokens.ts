import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PartnerToken } from '../registry/model.js';
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

/** Accepts `Bearer <token>` (case-insensitive scheme) or the bare token. */
export function tokenFromAuthorizationHeader(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : undefined;
}

/** The token's live record, or undefined when it is malformed, unknown, revoked, or its secret differs. */
export async function verifyToken(token: string, registry: Registry): Promise<PartnerToken | undefined> {
  const match = TOKEN_SHAPE.exec(token);
  if (!match) return undefined;
  const [, tokenId, secret] = match as unknown as [string, string, string];
  const record = await registry.getToken(tokenId);
  if (!record || record.revokedAt) return undefined;
  const expected = Buffer.from(record.hash, 'hex');
  const actual = Buffer.from(hashSecret(record.salt, secret), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual) ? record : undefined;
}
