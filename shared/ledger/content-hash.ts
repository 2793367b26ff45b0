import { createHash } from 'node:crypto';
import type { Finding } from '../queue/delivery-message.js';

/**
 * A finding's content without its UpdatedAt, hashed: two versions with the same hash differ only in
 * UpdatedAt, so importing the second would change nothing in Security Hub but its bill (change-only
 * delivery). SHA-256 cut to 128 bits (base64url), ample against accidental equality; the JSON is the
 * finding's as the partner ordered its members, so a partner that reorders them gets a new import,
 * never a missed one.
 */
export function contentHash(finding: Finding): string {
  const { UpdatedAt: _updatedAt, ...content } = finding;
  return createHash('sha256').update(JSON.stringify(content)).digest().subarray(0, 16).toString('base64url');
}
