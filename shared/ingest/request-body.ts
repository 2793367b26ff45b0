import { BadRequestError, PayloadTooLargeError } from '../errors.js';
import { MAX_FINDING_DEPTH, MAX_FINDINGS_PER_REQUEST, MAX_INGEST_BODY_BYTES } from '../limits.js';

/**
 * How deep a whole request body may nest before it is parsed. A finding deeper than MAX_FINDING_DEPTH
 * is refused on its own (rule maxDepth) while the others are judged, so the body must still parse when
 * one finding nests thousands deep; past this bound the body is refused whole, before JSON.parse builds
 * one object per level (tens of bytes each, so a 6 MB body of brackets would be millions of objects) and
 * before any recursive step can meet it. Today's V8 parses JSON iteratively, but nothing promises that.
 * Assumption (the broker's choice): 10,000 levels, twice what the e2e test nests a finding.
 */
export const MAX_BODY_DEPTH = 10_000;

/**
 * The deepest nesting of objects and arrays in a JSON text, counted without parsing it (brackets inside
 * strings do not count); stops once it passes `limit`. Malformed text is left for JSON.parse to refuse.
 */
export function nestingDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next character, a quote included
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return deepest;
}

/**
 * Turns the text of a findings request (`{"Findings": [...]}`) into the list of findings, or an error
 * that says exactly what is wrong with the request as a whole. Per-finding problems are not judged here.
 */
export function parseFindingsRequest(text: string | null | undefined): unknown[] {
  if (text === null || text === undefined || text.length === 0) {
    throw new BadRequestError('EmptyBody', 'Send a JSON body: {"Findings": [<ASFF finding>, ...]}.');
  }
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_INGEST_BODY_BYTES) {
    throw new PayloadTooLargeError(
      `The body is ${bytes} bytes; the limit is ${MAX_INGEST_BODY_BYTES} bytes (what fits in one Lambda invocation). Split the findings over several requests.`,
    );
  }
  const depth = nestingDepth(text, MAX_BODY_DEPTH);
  if (depth > MAX_BODY_DEPTH) {
    throw new BadRequestError('NestingTooDeep',
      `The body nests more than ${MAX_BODY_DEPTH} levels deep (objects and arrays); a finding may nest at most ${MAX_FINDING_DEPTH}. Send {"Findings": [...]} with flatter findings.`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    // Only the position: the parser's message quotes the offending text, which may be binary.
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    throw new BadRequestError('MalformedJson', `The body is not valid JSON${position ? ` (at character ${position})` : ''}. Send {"Findings": [...]}.`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequestError('InvalidBody', 'The body must be a JSON object: {"Findings": [...]}.');
  }
  const findings = (body as { Findings?: unknown }).Findings;
  if (!Array.isArray(findings)) {
    throw new BadRequestError('MissingFindings', 'The body must have a "Findings" array, as in BatchImportFindings.');
  }
  if (findings.length === 0) {
    throw new BadRequestError('NoFindings', 'The "Findings" array is empty; send at least one finding.');
  }
  if (findings.length > MAX_FINDINGS_PER_REQUEST) {
    throw new PayloadTooLargeError(
      `The request has ${findings.length} findings; the limit is ${MAX_FINDINGS_PER_REQUEST} per request. Split them over several requests.`,
    );
  }
  return findings;
}
