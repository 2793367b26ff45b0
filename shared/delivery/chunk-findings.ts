import { MAX_FINDINGS_PER_IMPORT, MAX_IMPORT_REQUEST_BYTES } from '../limits.js';

/** Room for `{"Findings":[` ... `]}` and the commas between findings. */
const REQUEST_ENVELOPE_BYTES = 64;

/**
 * Splits items into BatchImportFindings-sized chunks: at most 100 findings and 6 MB of JSON each,
 * each item in the first chunk it fits (fewest calls for the quota). First fit, not the order-keeping
 * next fit of queue messages (shared/batching/pack-in-order.ts): an import call may hold findings in
 * any order, and every call saved is quota another customer's findings can use.
 *
 * No chunk holds two findings with the same Id. BatchImportFindings names a failed finding by `Id`
 * alone (botocore securityhub/2018-10-26/service-2.json, ImportFindingsError: Id, ErrorCode,
 * ErrorMessage), so two findings with one Id in a call (two products, or two versions of one finding)
 * could not be told apart in FailedFindings. A later item with an Id already chunked goes to a chunk
 * after the one holding the earlier item, so versions are imported in the order they came (the older
 * UpdatedAt first, as a partner sends them).
 */
export function chunkForImport<T>(items: T[], findingOf: (item: T) => unknown): T[][] {
  const chunks: Array<{ items: T[]; bytes: number }> = [];
  /** The chunk that holds the latest item of each Id. */
  const chunkOfId = new Map<string, number>();
  /** Chunks before this one are full (100 findings); first-fit starts here. */
  let firstOpen = 0;
  for (const item of items) {
    const finding = findingOf(item);
    const size = Buffer.byteLength(JSON.stringify(finding)) + 1;
    const id = idOf(finding);
    const after = id === undefined ? undefined : chunkOfId.get(id);
    let index = Math.max(firstOpen, after === undefined ? 0 : after + 1);
    for (; index < chunks.length; index++) {
      const chunk = chunks[index]!;
      // A chunk with nothing in it takes any finding: one over the limits is Security Hub's to refuse.
      if (chunk.items.length < MAX_FINDINGS_PER_IMPORT && chunk.bytes + size <= MAX_IMPORT_REQUEST_BYTES) break;
    }
    if (index === chunks.length) chunks.push({ items: [], bytes: REQUEST_ENVELOPE_BYTES });
    const chunk = chunks[index]!;
    chunk.items.push(item);
    chunk.bytes += size;
    if (id !== undefined) chunkOfId.set(id, index);
    while (firstOpen < chunks.length && chunks[firstOpen]!.items.length === MAX_FINDINGS_PER_IMPORT) firstOpen++;
  }
  return chunks.map((chunk) => chunk.items);
}

function idOf(finding: unknown): string | undefined {
  const id = (finding as { Id?: unknown } | null)?.Id;
  return typeof id === 'string' ? id : undefined;
}
