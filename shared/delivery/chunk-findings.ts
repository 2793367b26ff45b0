import { MAX_FINDINGS_PER_IMPORT, MAX_IMPORT_REQUEST_BYTES } from '../limits.js';

/** Room for `{"Findings":[` ... `]}` and the commas between findings. */
const REQUEST_ENVELOPE_BYTES = 64;

/**
 * Splits items into BatchImportFindings-sized chunks: at most 100 findings and 6 MB of JSON each,
 * in order, filling each chunk before starting the next (fewest calls for the quota).
 */
export function chunkForImport<T>(items: T[], findingOf: (item: T) => unknown): T[][] {
  const chunks: T[][] = [];
  let chunk: T[] = [];
  let bytes = REQUEST_ENVELOPE_BYTES;
  for (const item of items) {
    const size = Buffer.byteLength(JSON.stringify(findingOf(item))) + 1;
    if (chunk.length > 0 && (chunk.length === MAX_FINDINGS_PER_IMPORT || bytes + size > MAX_IMPORT_REQUEST_BYTES)) {
      chunks.push(chunk);
      chunk = [];
      bytes = REQUEST_ENVELOPE_BYTES;
    }
    chunk.push(item);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}
