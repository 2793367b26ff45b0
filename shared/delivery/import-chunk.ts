import { BatchImportFindingsCommand, type SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { classifyAwsError, classifyFailedFinding, INVALID_INPUT, type Failure, type FailureContext } from '../diagnostics/failure-catalog.js';
import { MAX_INVALID_INPUT_ISOLATION_CALLS } from '../limits.js';
import type { Finding } from '../queue/delivery-message.js';

export type ChunkOutcome =
  | { ok: true; imported: number; failedFindings: Array<{ index: number; failure: Failure }> }
  | { ok: false; failure: Failure };

/**
 * One BatchImportFindings call. A 200 can still carry per-finding FailedFindings, matched back to
 * positions by Id, the only thing an entry names (chunkForImport keeps Ids unique within a chunk); a
 * thrown error fails the whole chunk and is classified once.
 */
export async function importChunk(client: SecurityHubClient, findings: Finding[], context: FailureContext): Promise<ChunkOutcome> {
  try {
    const reply = await client.send(
      // The findings were validated at ingest; the SDK's type is structural, so a cast is all it needs.
      new BatchImportFindingsCommand({ Findings: findings as unknown as AwsSecurityFinding[] }),
    );
    const failedFindings: Array<{ index: number; failure: Failure }> = [];
    const failedById = new Map((reply.FailedFindings ?? []).map((entry) => [entry.Id, entry]));
    findings.forEach((finding, index) => {
      const entry = failedById.get(String(finding.Id));
      if (!entry) return;
      const productArn = String(finding.ProductArn);
      failedFindings.push({
        index,
        failure: classifyFailedFinding(entry.ErrorCode ?? 'Unknown', entry.ErrorMessage ?? '', { ...context, productArn }),
      });
    });
    return { ok: true, imported: findings.length - failedFindings.length, failedFindings };
  } catch (error) {
    return { ok: false, failure: classifyAwsError('securityhub', error, context) };
  }
}

/** A part of a chunk and how its import ended. */
export interface ImportPart<T> {
  items: T[];
  outcome: ChunkOutcome;
}

function isWholeCallInvalidInput(outcome: ChunkOutcome): boolean {
  return !outcome.ok && outcome.failure.code === INVALID_INPUT;
}

/**
 * Security Hub can refuse a whole request with InvalidInputException because of one finding in it;
 * dead-lettering the whole chunk would dead-letter up to 99 valid findings with it. So a chunk
 * refused that way is halved and each half imported again, recursively down to single findings: only
 * the finding(s) still refused alone are dead-lettered, with AWS's message. One invalid finding in
 * 100 costs 2 calls per halving, 2 * ceil(log2(100)) = 14 in all; the calls are bounded by
 * `maxExtraCalls` (MAX_INVALID_INPUT_ISOLATION_CALLS), past which the parts not yet singled out keep
 * the refusal. A half that fails otherwise (throttled, denied) ends the search: the parts not yet
 * tried share that failure, so the caller treats them as it would the chunk.
 *
 * `attempt` makes one import (paced by the caller); `first` is the chunk's own outcome. Returns the
 * parts in order, together covering `items`.
 */
export async function isolateInvalidInput<T>(
  items: T[],
  first: ChunkOutcome,
  attempt: (part: T[]) => Promise<ChunkOutcome>,
  maxExtraCalls = MAX_INVALID_INPUT_ISOLATION_CALLS,
): Promise<Array<ImportPart<T>>> {
  let budget = maxExtraCalls;
  let stop: ChunkOutcome | undefined;
  const split = async (part: T[], outcome: ChunkOutcome): Promise<Array<ImportPart<T>>> => {
    if (!isWholeCallInvalidInput(outcome) || part.length < 2) {
      if (!outcome.ok && !isWholeCallInvalidInput(outcome)) stop = outcome;
      return [{ items: part, outcome }];
    }
    if (budget < 2) {
      const { failure } = outcome as Extract<ChunkOutcome, { ok: false }>;
      return [{ items: part, outcome: { ok: false, failure: { ...failure,
        message: `${failure.message} [Security Hub refused the ${part.length} findings of this request together; the broker could not single out the invalid one(s) within ${maxExtraCalls} extra calls, so all ${part.length} are dead-lettered.]` } } }];
    }
    budget -= 2;
    const middle = Math.ceil(part.length / 2);
    const parts: Array<ImportPart<T>> = [];
    for (const half of [part.slice(0, middle), part.slice(middle)]) {
      if (stop) {
        budget += 1;
        parts.push({ items: half, outcome: stop });
        continue;
      }
      parts.push(...(await split(half, await attempt(half))));
    }
    return parts;
  };
  return split(items, first);
}
