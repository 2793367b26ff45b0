/**
 * Security Hub product ARNs: arn:<partition>:securityhub:<region>:<account>:product/<company>/<product>.
 * The Region in a finding's ProductArn is the Region the finding is imported into (docs/design.md, "Delivery modes").
 */
export interface ProductArnParts {
  arn: string;
  partition: string;
  region: string;
  accountId: string;
  company: string;
  product: string;
  /** `<company>/<product>`: the product across Regions, the key registrations are stored under. */
  productKey: string;
}

const PRODUCT_ARN = /^arn:(aws[a-z-]*):securityhub:([a-z]{2}(?:-[a-z]+)+-\d+):(\d{12}):product\/([\w.-]+)\/([\w.-]+)$/;

export function parseProductArn(arn: string): ProductArnParts | undefined {
  const match = PRODUCT_ARN.exec(arn);
  if (!match) return undefined;
  const [, partition, region, accountId, company, product] = match as unknown as [string, string, string, string, string, string];
  return { arn, partition, region, accountId, company, product, productKey: `${company}/${product}` };
}

export function productArn(parts: Omit<ProductArnParts, 'arn' | 'productKey'>): string {
  return `arn:${parts.partition}:securityhub:${parts.region}:${parts.accountId}:product/${parts.company}/${parts.product}`;
}
