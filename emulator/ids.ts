/** Identifiers shaped like AWS's, so code that inspects prefixes (AKIA/ASIA, AROA) sees real forms. */
import { randomBytes, randomUUID } from 'node:crypto';

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function randomFrom(alphabet: string, length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return out;
}

/** Long-term keys start AKIA, session keys ASIA, as in IAM. */
export function accessKeyId(kind: 'long-term' | 'session'): string {
  return (kind === 'session' ? 'ASIA' : 'AKIA') + randomFrom(UPPER_ALNUM, 16);
}

export function secretAccessKey(): string {
  return randomBytes(30).toString('base64');
}

export function sessionToken(): string {
  // Real tokens are several hundred bytes; length matters to code that sizes headers.
  return randomBytes(256).toString('base64');
}

/** Unique ids of IAM entities: AROA for roles, AIDA for users. */
export function uniqueId(prefix: 'AROA' | 'AIDA'): string {
  return prefix + randomFrom(UPPER_ALNUM, 17);
}

export function requestId(): string {
  return randomUUID();
}
