import { ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { issueToken } from '#shared/auth/partner-tokens.js';
import { productArn } from '#shared/product/product-arn.js';
import { generateExternalId } from '#shared/registry/external-id.js';
import type { DeliveryMode, Registration } from '#shared/registry/model.js';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '#infra/local/stack.js';
import type { SubmissionReply } from '#shared/ingest/submit-findings.js';
import { aFinding } from '../shared/asff/finding-factory.js';
import { customerRole } from './customer-role.js';

/** A partner seeded straight into the registry, as the operator CLI would. */
export interface TestPartner {
  partnerId: string;
  token: string;
  productArn: string;
  productKey: string;
}

export async function startBroker(options: LocalStackOptions = {}): Promise<LocalStack> {
  return startLocalStack({ visibilityTimeoutSeconds: 1, maxReceiveCount: 3,
    // No heartbeat round behind a test's back (one every 5 minutes of a long file would add imports to its counts); tests call heartbeat().
    heartbeatTimer: false, ...options });
}

export async function addPartner(stack: LocalStack, partnerId: string, company = partnerId, product = 'scanner'): Promise<TestPartner> {
  const arn = productArn({ partition: 'aws', region: stack.region, accountId: stack.brokerAccountId, company, product });
  await stack.registry.putPartner({ partnerId, name: partnerId, productArns: [arn], createdAt: new Date().toISOString() });
  const issued = issueToken(partnerId);
  await stack.registry.putToken(issued.record);
  return { partnerId, token: issued.token, productArn: arn, productKey: `${company}/${product}` };
}

export interface CustomerSetup {
  accountId: string;
  /** How the customer's role trusts the broker: as told, with another ExternalId, or not at all. */
  trust?: 'external-id' | 'wrong-external-id';
  subscribed?: boolean;
  hubEnabled?: boolean;
  mode?: DeliveryMode;
  status?: Registration['status'];
}

/** Registers a customer for the partner's product and shapes their emulated account as asked. */
export async function addCustomer(stack: LocalStack, partner: TestPartner, setup: CustomerSetup): Promise<Registration> {
  const { accountId, trust = 'external-id', subscribed = true, hubEnabled = true, mode = 'cross-account-role', status = 'ACTIVE' } = setup;
  const state = stack.emulator.state;
  const externalId = generateExternalId();
  state.addAccount(accountId);
  // The least-privilege policy the onboarding API hands out, exactly.
  const role = customerRole({ accountId, partnerId: partner.partnerId, productArn: partner.productArn, externalId, trust,
    principals: { delivery: stack.brokerPrincipalArn, verifier: stack.verifierPrincipalArn } });
  state.putRole(role);
  if (hubEnabled) state.enableHub(accountId, stack.region);
  if (subscribed) state.enableProduct(accountId, stack.region, partner.productArn);
  const now = new Date().toISOString();
  const registration: Registration = {
    accountId, productKey: partner.productKey, partnerId: partner.partnerId, regions: [stack.region], mode,
    roleArn: `arn:aws:iam::${accountId}:role/${role.roleName}`, externalId, status, createdAt: now, updatedAt: now,
  };
  await stack.registry.putRegistration(registration);
  return registration;
}

/** Findings of about 2 KB each, so a few hundred span several SQS messages. */
export function findingsFor(partner: TestPartner, accountId: string, count: number, prefix = 'f'): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, i) =>
    aFinding({
      Id: `${prefix}-${i}`,
      ProductArn: partner.productArn,
      AwsAccountId: accountId,
      Description: `Finding ${i}: ${'x'.repeat(900)}`,
      Resources: [{ Type: 'AwsEc2Instance', Id: `arn:aws:ec2:us-east-1:${accountId}:instance/i-${String(i).padStart(17, '0')}`,
        Details: { Other: { Note: 'y'.repeat(600) } } }],
    }),
  );
}

/** A broker reply: a submission, or an error (the broker's or API Gateway's, in one shape). */
export type ReplyBody = Partial<SubmissionReply> & { error?: { code: string; message: string } };

export async function postFindings(stack: LocalStack, token: string | undefined, body: unknown, path = '/v1/findings'): Promise<{ status: number; body: ReplyBody }> {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as ReplyBody };
}

/** Everything on the DLQ right now, with attributes; the messages become visible again afterwards. */
export async function deadLetters(stack: LocalStack): Promise<Array<{ attributes: Record<string, string>; findings: Array<Record<string, unknown>> }>> {
  const all: Message[] = [];
  for (;;) {
    const { Messages = [] } = await stack.sqs.send(new ReceiveMessageCommand({
      QueueUrl: stack.deadLetterQueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], VisibilityTimeout: 5, WaitTimeSeconds: 0,
    }));
    if (Messages.length === 0) break;
    all.push(...Messages);
  }
  return all.map((message) => ({
    attributes: Object.fromEntries(Object.entries(message.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue ?? ''])),
    findings: (JSON.parse(message.Body ?? '{}') as { findings?: Array<Record<string, unknown>> }).findings ?? [],
  }));
}

/** A partner's GET on the local stack, with its reply parsed. */
export async function getJson<T>(stack: LocalStack, path: string, token: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${stack.apiUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as T };
}

/** Successful BatchImportFindings calls into the account (the emulator's import log; calls refused, e.g. for expired credentials, are not imports). */
export function importCalls(stack: LocalStack, accountId: string): number {
  return stack.emulator.state.importLog.read(accountId).calls.length;
}

/** An ISO timestamp moved by `ms`. */
export const later = (iso: unknown, ms: number): string => new Date(Date.parse(String(iso)) + ms).toISOString();

/** What GET /v1/submissions/{id} answers (docs/openapi.yaml, SubmissionView). */
export interface SubmissionView {
  submissionId: string;
  posted: number;
  accepted: number;
  counts: Record<'queued' | 'imported' | 'deadLettered' | 'ignored' | 'unchanged' | 'rejected' | 'failed', number>;
  findings: Array<{ index?: number; id?: string; fate: string; code?: string; message?: string }>;
  moreFindings?: number;
  error?: { code: string };
}
