import { IAMClient } from '@aws-sdk/client-iam';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { LocalStack } from '#infra/local/stack.js';
import { signedFetch, type SigningCredentials } from '#infra/local/signed-fetch.js';

/** A customer account in the emulator with an admin user's long-term key, and its signed API calls. */
export interface CustomerAccount {
  accountId: string;
  credentials: SigningCredentials;
  /** The onboarding API, signed with SigV4 by the account's credentials (the real SDK signer). */
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** The customer's own IAM and Security Hub, as its engineer would use them. */
  iam: IAMClient;
  securityHub: SecurityHubClient;
  close(): void;
}

let next = 0;

export function customerAccount(stack: LocalStack, accountId: string): CustomerAccount {
  const credentials = { accessKeyId: `AKIACUSTOMER${String(++next).padStart(8, '0')}`, secretAccessKey: `secret-${accountId}-${next}` };
  stack.emulator.state.addAccessKey({ accountId, principalArn: `arn:aws:iam::${accountId}:user/cloud-engineer`, ...credentials });
  const clientConfig = { region: stack.region, endpoint: stack.emulator.url, credentials };
  const iam = new IAMClient({ ...clientConfig, region: 'us-east-1' });
  const securityHub = new SecurityHubClient(clientConfig);
  return {
    accountId, credentials, iam, securityHub,
    async call(method, path, body) {
      const response = await signedFetch(`${stack.apiUrl}${path}`, {
        method, region: stack.region, credentials, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
      return { status: response.status, body: parsed };
    },
    close() {
      iam.destroy();
      securityHub.destroy();
    },
  };
}
