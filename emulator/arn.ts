/**
 * ARN shapes the emulator reasons about: IAM roles, STS sessions and Security Hub products.
 * IAM/STS ARN syntax: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
 * Security Hub ARN syntax: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecurityhub.html
 * (resource types) and the ASFF ProductArn attribute,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/asff-required-attributes.html#ProductArn
 */

/** "A 12-digit number" (https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html). */
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;

export interface RoleRef {
  accountId: string;
  /**
   * Role name without path: assumed-role ARNs carry the bare name (`assumed-role/role-name/...`, against
   * `role/role-name-with-path`; reference_identifiers.html#identifiers-arns). Assumption: the emulator
   * keys roles by account and name alone, so a path never tells two roles apart.
   */
  roleName: string;
}

/**
 * `arn:aws:iam::ACCT:role/[path/]NAME` (reference_identifiers.html#identifiers-arns). The name is
 * IAM's roleNameType, 1-64 of `[\w+=,.@-]` (botocore iam/2010-05-08/service-2.json, CreateRoleRequest.RoleName).
 * Assumption: path characters are limited to the name's set plus '/', narrower than IAM's pathType
 * (`\u0021-\u007E` between slashes); the broker's roles use no path.
 */
export function parseRoleArn(arn: string): RoleRef | undefined {
  const match = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]{1,64})$/.exec(arn);
  return match ? { accountId: match[1]!, roleName: match[2]! } : undefined;
}

/**
 * `arn:aws:iam::ACCT:role/[path/]NAME` (reference_identifiers.html#identifiers-arns); `path` starts and
 * ends with '/'. Assumption: partition `aws` only (the emulator has no China or GovCloud Regions).
 */
export function roleArn(accountId: string, roleName: string, path = '/'): string {
  return `arn:aws:iam::${accountId}:role${path}${roleName}`;
}

/**
 * The account field of an ARN (`arn:partition:service:region:account:resource`,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html); undefined for `*` or an ARN
 * without one (e.g. AWS's own Security Hub products).
 */
export function arnAccount(arn: string): string | undefined {
  return /^arn:[^:]*:[^:]*:[^:]*:(\d{12}):/.exec(arn)?.[1];
}

/** `arn:aws:sts::account:assumed-role/role-name/role-session-name` (reference_identifiers.html#identifiers-arns). */
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

/**
 * `arn:partition:securityhub:region:account-id:product/company-id/product-id`, with an empty
 * account-id for AWS's own services (asff-required-attributes.html#ProductArn). Assumption: company
 * and product ids are any non-empty run without '/' or white space; AWS does not give their alphabet.
 */
export function parseProductArn(arn: string): ProductRef | undefined {
  const match = /^arn:aws[\w-]*:securityhub:([a-z0-9-]+):(\d{12})?:product\/([^/\s]+)\/([^/\s]+)$/.exec(arn);
  if (!match) return undefined;
  return { region: match[1]!, accountId: match[2] ?? '', company: match[3]!, product: match[4]! };
}

/**
 * Every account may import its own findings under its default product,
 * `arn:aws:securityhub:<region>:<account-id>:product/<account-id>/default`, generated when the account
 * enables Security Hub (https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-custom-providers.html).
 * Assumption: "without a subscription": the guide names no EnableImportFindingsForProduct step for it.
 */
export function isDefaultProductOf(arn: string, accountId: string): boolean {
  const ref = parseProductArn(arn);
  return ref !== undefined && ref.accountId === accountId && ref.company === accountId && ref.product === 'default';
}

/**
 * Assumption: `arn:aws:securityhub:R:ACCT:product-subscription/<company>/<product>`. The model only
 * calls it "The ARN of your subscription to the product" (botocore securityhub/2018-10-26/service-2.json,
 * EnableImportFindingsForProductResponse.ProductSubscriptionArn) and no page gives its form.
 */
export function productSubscriptionArn(region: string, accountId: string, productArn: string): string {
  const ref = parseProductArn(productArn);
  if (!ref) throw new Error(`not a product ARN: ${productArn}`);
  return `arn:aws:securityhub:${region}:${accountId}:product-subscription/${ref.company}/${ref.product}`;
}

/** `arn:${Partition}:securityhub:${Region}:${Account}:hub/default` (list_awssecurityhub.html, resource type hub). */
export function hubArn(region: string, accountId: string): string {
  return `arn:aws:securityhub:${region}:${accountId}:hub/default`;
}
