import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { SecurityHubBase } from '#shared/delivery/securityhub-clients.js';

/**
 * Where a function's AWS SDK clients connect, and as whom. In Lambda it is empty: the SDK reads the
 * Region and the execution role's credentials from the runtime's environment. The local stack names
 * its services' endpoints and each function's keys, so it passes them here instead of setting
 * process-wide AWS variables, and several brokers fit in one process.
 */
export interface AwsEnvironment {
  region?: string;
  credentials?: AwsCredentialIdentity;
  endpoints?: Partial<Record<AwsService, string>>;
}

export type AwsService = 'dynamodb' | 'sqs' | 'sts' | 'securityhub';

/** The settings of one service's client: the Region, the endpoint if named, and these credentials (the environment's by default). */
export function clientConfig(aws: AwsEnvironment, service: AwsService, credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider | undefined = aws.credentials) {
  const endpoint = aws.endpoints?.[service];
  return {
    ...(aws.region ? { region: aws.region } : {}),
    ...(credentials ? { credentials } : {}),
    ...(endpoint ? { endpoint } : {}),
  };
}

/** What every Security Hub client of a function starts from: the endpoint, and the function's own credentials. */
export function securityHubBase(aws: AwsEnvironment): SecurityHubBase {
  const endpoint = aws.endpoints?.securityhub;
  return { ...(endpoint ? { endpoint } : {}), ...(aws.credentials ? { credentials: aws.credentials } : {}) };
}
