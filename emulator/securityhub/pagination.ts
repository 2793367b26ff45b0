/**
 * NextToken handling shared by Security Hub's list operations. Tokens are opaque to callers (as
 * AWS's are) and only carry an offset, tagged with the operation so a token cannot cross over.
 */
import { invalidInput } from './protocol.js';

const MIN_RESULTS = 1;
const MAX_RESULTS = 100;

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

export function maxResults(value: unknown): number {
  if (value === undefined || value === null || value === '') return MAX_RESULTS;
  const n = Number(value);
  if (!Number.isInteger(n) || n < MIN_RESULTS || n > MAX_RESULTS) {
    throw invalidInput(`MaxResults must be an integer between ${MIN_RESULTS} and ${MAX_RESULTS}`);
  }
  return n;
}

export function paginate<T>(items: T[], operation: string, nextToken: unknown, limit: number): Page<T> {
  let offset = 0;
  if (nextToken !== undefined && nextToken !== null && nextToken !== '') {
    try {
      const decoded = JSON.parse(Buffer.from(String(nextToken), 'base64url').toString('utf8')) as { op?: unknown; offset?: unknown };
      if (decoded.op !== operation || !Number.isInteger(decoded.offset)) throw new Error('foreign token');
      offset = decoded.offset as number;
    } catch {
      throw invalidInput('The NextToken value is not valid');
    }
  }
  const page: Page<T> = { items: items.slice(offset, offset + limit) };
  if (offset + limit < items.length) {
    page.nextToken = Buffer.from(JSON.stringify({ op: operation, offset: offset + limit })).toString('base64url');
  }
  return page;
}
