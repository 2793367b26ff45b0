/**
 * The naive delivery the benchmark compares against (not a production path): what peers do when they
 * ignore the quota and the batch size, one finding per BatchImportFindings call, an AssumeRole per
 * call, all at once with no pacing (the SDK's default retries are all that stands between a
 * throttled call and a lost finding).
 */
import { BatchImportFindingsCommand, SecurityHubClient, type AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';

export interface NaiveOutcome {
  imported: number;
  lost: number;
  importCalls: number;
  assumeRoleCalls: number;
  seconds: number;
}

export async function naiveDelivery(options: {
  endpoint: string; region: string; roleArn: string; externalId: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  findings: Array<Record<string, unknown>>;
  concurrency: number;
}): Promise<NaiveOutcome> {
  const sts = new STSClient({ region: options.region, endpoint: options.endpoint, credentials: options.credentials });
  let imported = 0;
  let lost = 0;
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < options.findings.length) {
      const finding = options.findings[next++]!;
      try {
        const { Credentials } = await sts.send(new AssumeRoleCommand({ RoleArn: options.roleArn, RoleSessionName: 'naive', ExternalId: options.externalId }));
        const hub = new SecurityHubClient({ region: options.region, endpoint: options.endpoint, credentials: {
          accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! } });
        const reply = await hub.send(new BatchImportFindingsCommand({ Findings: [finding as unknown as AwsSecurityFinding] }));
        hub.destroy();
        if (reply.SuccessCount === 1) imported += 1;
        else lost += 1;
      } catch {
        lost += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  sts.destroy();
  return { imported, lost, importCalls: options.findings.length, assumeRoleCalls: options.findings.length, seconds: (performance.now() - started) / 1000 };
}
