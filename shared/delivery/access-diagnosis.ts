import { DescribeHubCommand, paginateListEnabledProductsForImport, type SecurityHubClient } from '@aws-sdk/client-securityhub';
import { awsErrorName, errorMessage } from '../errors.js';
import { parseProductArn } from '../product/product-arn.js';

/**
 * What one look at a destination tells about a per-finding InvalidAccess, which Security Hub
 * answers alike for "Security Hub is disabled" and "the finding provider integration is not
 * enabled" (user guide, "Using BatchImportFindings to create and update findings"):
 * - `hub-off`: DescribeHub answered InvalidAccessException, the answer of every Security Hub
 *   operation in an account+Region where it is not enabled;
 * - `products-off`: the hub is on, and these of the asked product ARNs have no subscription in
 *   ListEnabledProductsForImport;
 * - `unknown`: neither could be established (the look failed, or everything looks enabled).
 * The calls use the importing credentials: the customer role allows both (infra/customer-role.yaml).
 */
export type AccessDiagnosis =
  | { kind: 'hub-off' }
  | { kind: 'products-off'; productArns: Set<string> }
  | { kind: 'unknown'; why: string };

export async function diagnoseImportAccess(client: SecurityHubClient, productArns: string[]): Promise<AccessDiagnosis> {
  try {
    await client.send(new DescribeHubCommand({}));
  } catch (error) {
    if (awsErrorName(error) === 'InvalidAccessException') return { kind: 'hub-off' };
    return { kind: 'unknown', why: `DescribeHub failed with ${awsErrorName(error)}: ${errorMessage(error)}` };
  }
  const subscriptions: string[] = [];
  try {
    for await (const page of paginateListEnabledProductsForImport({ client }, {})) subscriptions.push(...(page.ProductSubscriptions ?? []));
  } catch (error) {
    return { kind: 'unknown', why: `ListEnabledProductsForImport failed with ${awsErrorName(error)}: ${errorMessage(error)}` };
  }
  const off = new Set(productArns.filter((arn) => !isDefaultProduct(arn) && !subscriptions.some((subscription) => subscriptionCovers(subscription, arn))));
  if (off.size === 0) return { kind: 'unknown', why: 'Security Hub is enabled and the product integration is listed as enabled; retry later, or ask AWS support' };
  return { kind: 'products-off', productArns: off };
}

/**
 * A product subscription ARN names the product by company and product id in the subscriber's
 * account and Region: arn:<partition>:securityhub:<region>:<subscriber>:product-subscription/<company>/<product>
 * (API reference, ListEnabledProductsForImport example).
 */
export function subscriptionCovers(subscriptionArn: string, productArn: string): boolean {
  const product = parseProductArn(productArn);
  if (!product) return false;
  const match = /^arn:[\w-]+:securityhub:([a-z0-9-]+):\d{12}:product-subscription\/([^/]+)\/([^/]+)$/.exec(subscriptionArn);
  return match !== null && match[1] === product.region && `${match[2]}/${match[3]}` === product.productKey;
}

/** An account's own product, `product/<account>/default`, needs no subscription. */
function isDefaultProduct(productArn: string): boolean {
  const product = parseProductArn(productArn);
  return product !== undefined && product.company === product.accountId && product.product === 'default';
}
