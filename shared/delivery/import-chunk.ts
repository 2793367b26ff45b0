import { BatchImportFindingsCommand, type SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { classifyAwsError, classifyFailedFinding, type Failure, type FailureContext } from '../diagnostics/failure-catalog.js';
import type { Finding } from '../queue/delivery-message.js';

export type ChunkOutcome =
  | { ok: true; imported: number; failedFindings: Array<{ index: number; failure: Failure }> }
  | { ok: false; failure: Failure };

/**
 * One BatchImportFindings call. A 200 can still carry per-finding FailedFindings (matched back to
 * positions by Id and ProductArn); a thrown error fails the whole chunk and is classified once.
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
