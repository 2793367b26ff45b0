import * as z from 'zod/mini';
import { BadRequestError } from '#shared/errors.js';
import { completeScan, MAX_SCAN_ACCOUNTS, type ScanScope } from '#shared/ingest/complete-scan.js';
import type { SubmitDeps } from '#shared/ingest/submit-findings.js';
import type { Ledger } from '#shared/ledger/ledger-model.js';

/** A scan id as a partner names it (`?scan=` and the path): short, printable, no separators of the ledger's keys. */
export const SCAN_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const scopeSchema = z.object({
  accounts: z.array(z.string().check(z.regex(/^\d{12}$/, 'each must be a 12-digit AWS account id'))).check(z.minLength(1), z.maxLength(MAX_SCAN_ACCOUNTS)),
  productArn: z.string().check(z.minLength(1)),
  generatorIds: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(512))).check(z.minLength(1), z.maxLength(100))),
});

/** The `scan` query parameter of POST /v1/findings, checked. */
export function scanParameter(query: Record<string, string | undefined> | null): string | undefined {
  const scan = query?.scan;
  if (scan === undefined) return undefined;
  if (!SCAN_ID.test(scan)) throw new BadRequestError('InvalidParameter', 'Query parameter scan: must be 1-128 letters, digits, ".", "_", ":" or "-".');
  return scan;
}

/** `POST /v1/scans/{scanId}/complete` with `{"accounts": [...], "productArn": "...", "generatorIds": [...]}`. */
export async function completeScanRequest(partnerId: string, scanId: string | undefined, body: string | null, deps: SubmitDeps & { ledger: Ledger }) {
  if (!scanId || !SCAN_ID.test(scanId)) throw new BadRequestError('InvalidParameter', 'The scan id in the path must be 1-128 letters, digits, ".", "_", ":" or "-".');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body ?? '');
  } catch {
    throw new BadRequestError('MalformedJson', 'The body must be JSON: {"accounts": ["<12-digit id>", ...], "productArn": "<your product ARN>", "generatorIds": [...] (optional)}.');
  }
  const scope = scopeSchema.safeParse(parsed);
  if (!scope.success) {
    const issue = scope.error.issues[0]!;
    throw new BadRequestError('InvalidScope', `${issue.path.join('.') || 'body'}: ${issue.message}. The scope is {"accounts": [...], "productArn": "...", "generatorIds": [...]}.`);
  }
  return completeScan(partnerId, scanId, scope.data as ScanScope, deps);
}
