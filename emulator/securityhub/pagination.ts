/**
 * NextToken handling shared by Security Hub's list operations. Callers pass back "the value returned
 * from the previous response" (botocore securityhub/2018-10-26/service-2.json, GetFindingsRequest.NextToken,
 * ListEnabledProductsForImportRequest.NextToken), so tokens are opaque. Assumption: the emulator's token
 * is base64url JSON carrying an offset, tagged with the operation so a token cannot cross over; AWS's
 * format is unpublished, and a token does not expire or pin a snapshot of the results here.
 */
import { invalidInput } from './protocol.js';

/** MaxResults: min 1, max 100 (model, shape MaxResults, used by GetFindings and ListEnabledProductsForImport). */
const MIN_RESULTS = 1;
const MAX_RESULTS = 100;

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/**
 * Assumption: an omitted MaxResults means the maximum, 100 (the model gives no default), and an
 * out-of-range one is InvalidInputException with this message (AWS's exact answer is undocumented).
 */
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
      // Assumption: a foreign or corrupt token is InvalidInputException with this message (undocumented).
      throw invalidInput('The NextToken value is not valid');
    }
  }
  const page: Page<T> = { items: items.slice(offset, offset + limit) };
  if (offset + limit < items.length) {
    page.nextToken = Buffer.from(JSON.stringify({ op: operation, offset: offset + limit })).toString('base64url');
  }
  return page;
}
