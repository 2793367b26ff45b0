/** ARN shapes the emulator reasons about: IAM roles, STS sessions and Security Hub products. */

export const ACCOUNT_ID_PATTERN = /^\d{12}$/;

export interface RoleRef {
  accountId: string;
  /** Role name without path: IAM resolves principals and assumed-role ARNs by name. */
  roleName: string;
}

/** `arn:aws:iam::ACCT:role/[path/]NAME` */
export function parseRoleArn(arn: string): RoleRef | undefined {
  const match = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]{1,64})$/.exec(arn);
  return match ? { accountId: match[1]!, roleName: match[2]! } : undefined;
}

export function roleArn(accountId: string, roleName: string): string {
  return `arn:aws:iam::${accountId}:role/${roleName}`;
}

export function assumedRoleArn(accountId: string, roleName: string, sessionName: string): string {
  return `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`;
}

/** Account of any IAM/STS principal ARN (`arn:aws:iam::ACCT:...` or `arn:aws:sts::ACCT:...`). */
export function principalAccount(arn: string): string | undefined {
  return /^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):/.exec(arn)?.[1];
}

export interface ProductRef {
  region: string;
  /** Empty for AWS's own integrations (`arn:aws:securityhub:R::product/aws/guardduty`). */
  accountId: string;
  company: string;
  product: string;
}

/** `arn:<partition>:securityhub:<region>:<account>:product/<company>/<product>` */
export function parseProductArn(arn: string): ProductRef | undefined {
  const match = /^arn:aws[\w-]*:securityhub:([a-z0-9-]+):(\d{12})?:product\/([^/\s]+)\/([^/\s]+)$/.exec(arn);
  if (!match) return undefined;
  return { region: match[1]!, accountId: match[2] ?? '', company: match[3]!, product: match[4]! };
}

/** Every account may import its own findings under its default product, without a subscription. */
export function isDefaultProductOf(arn: string, accountId: string): boolean {
  const ref = parseProductArn(arn);
  return ref !== undefined && ref.accountId === accountId && ref.company === accountId && ref.product === 'default';
}

export function productSubscriptionArn(region: string, accountId: string, productArn: string): string {
  const ref = parseProductArn(productArn);
  if (!ref) throw new Error(`not a product ARN: ${productArn}`);
  return `arn:aws:securityhub:${region}:${accountId}:product-subscription/${ref.company}/${ref.product}`;
}

export function hubArn(region: string, accountId: string): string {
  return `arn:aws:securityhub:${region}:${accountId}:hub/default`;
}
