/**
 * Identifiers shaped like AWS's, so code that inspects prefixes (AKIA/ASIA, AROA) sees real forms.
 * Prefixes: IAM user guide, "Understanding unique ID prefixes",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-prefixes
 */
import { randomBytes, randomUUID } from 'node:crypto';

/** Assumption: upper-case letters and digits 2-7, like AWS's examples; AWS does not document the alphabet. */
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function randomFrom(alphabet: string, length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return out;
}

/**
 * Long-term keys start AKIA, session keys ASIA (reference_identifiers.html#identifiers-prefixes).
 * Twenty characters in all, as the IAM example `AKIAIOSFODNN7EXAMPLE`
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html); the model
 * allows 16-128 `[\w]*` (botocore sts/2011-06-15/service-2.json, shape accessKeyIdType).
 */
export function accessKeyId(kind: 'long-term' | 'session'): string {
  return (kind === 'session' ? 'ASIA' : 'AKIA') + randomFrom(UPPER_ALNUM, 16);
}

/** 40 characters, as the IAM example `wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY` (id_credentials_access-keys.html). */
export function secretAccessKey(): string {
  return randomBytes(30).toString('base64');
}

export function sessionToken(): string {
  // The size "is not fixed ... make no assumptions about the maximum size" (botocore
  // sts/2011-06-15/service-2.json, AssumeRoleResponse.Credentials). Assumption: 344 characters
  // (256 random bytes in base64); real tokens run to several hundred characters (observed, not
  // documented), and code that sizes headers should see a realistic length.
  return randomBytes(256).toString('base64');
}

/**
 * Unique ids of IAM entities: AROA for roles, AIDA for users (reference_identifiers.html#identifiers-prefixes);
 * 21 characters, as the guide's example `AIDAJQABLZS4A3QDU576Q` (#identifiers-unique-ids).
 */
export function uniqueId(prefix: 'AROA' | 'AIDA'): string {
  return prefix + randomFrom(UPPER_ALNUM, 17);
}

/** Assumption: a UUID, the form of the x-amzn-RequestId values STS and Security Hub return; no document fixes it. */
export function requestId(): string {
  return randomUUID();
}
