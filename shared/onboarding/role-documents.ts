import { parseProductArn } from '../product/product-arn.js';
import { TEMPLATE_PARAMETERS } from './customer-role-template.js';

/** The broker's two principals a customer's role trusts, both only with the issued ExternalId. */
export interface BrokerPrincipals {
  /** The deliver function's role: assumes the customer's role to import findings. */
  delivery: string;
  /**
   * The verifier (the onboarding function's role): checks the role before any finding is sent. Unlike
   * the delivery role it may call AssumeRole without an ExternalId, which is how it proves that the
   * customer's role refuses such a call (IAM user guide, "The confused deputy problem").
   */
  verifier: string;
}

export interface RoleSetupInput {
  accountId: string;
  externalId: string;
  principals: BrokerPrincipals;
  /** The partner's product ARN in each registered Region. */
  productArns: string[];
  roleName: string;
}

type PolicyDocument = { Version: '2012-10-17'; Statement: Array<Record<string, unknown>> };

/** Trust policy: both broker principals, sts:AssumeRole only, only with this account's ExternalId. */
export function trustPolicy(input: RoleSetupInput): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{
      Sid: 'TrustOnlyTheBrokerWithThisAccountsExternalId',
      Effect: 'Allow',
      Principal: { AWS: [input.principals.delivery, input.principals.verifier] },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'sts:ExternalId': input.externalId } },
    }],
  };
}

/**
 * Least privilege for the registered Regions: BatchImportFindings for the partner's product only
 * (on the product and on this account's subscription to it), and the two read-only calls
 * verification and delivery diagnostics make, DescribeHub and ListEnabledProductsForImport, on this
 * account's hub in each registered Region (the Service Authorization Reference for Security Hub lists
 * the `hub` resource type for both).
 */
export function permissionsPolicy(input: RoleSetupInput): PolicyDocument {
  const products = input.productArns.map((arn) => parseProductArn(arn)).filter((p) => p !== undefined);
  const own = (resource: (region: string, partition: string) => string) => products.map((p) => resource(p.region, p.partition));
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ImportThePartnersFindings',
        Effect: 'Allow',
        Action: 'securityhub:BatchImportFindings',
        Resource: [
          ...products.map((p) => p.arn),
          ...products.map((p) => `arn:${p.partition}:securityhub:${p.region}:${input.accountId}:product-subscription/${p.productKey}`),
        ],
      },
      {
        Sid: 'VerifySecurityHubIsEnabled',
        Effect: 'Allow',
        Action: 'securityhub:DescribeHub',
        Resource: own((region, partition) => `arn:${partition}:securityhub:${region}:${input.accountId}:hub/default`),
      },
      {
        Sid: 'VerifyProductSubscription',
        Effect: 'Allow',
        Action: 'securityhub:ListEnabledProductsForImport',
        Resource: own((region, partition) => `arn:${partition}:securityhub:${region}:${input.accountId}:hub/default`),
      },
    ],
  };
}

/** Single-quoted for a POSIX shell; the documents hold no single quote, but say so if one ever does. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The same role with awscli, for customers who do not use CloudFormation. */
export function cliCommands(input: RoleSetupInput): string[] {
  const enableIntegration = input.productArns.flatMap((arn) => {
    const region = parseProductArn(arn)?.region ?? '';
    return [
      `aws securityhub enable-security-hub --region ${region}   # skip if Security Hub is already enabled there`,
      `aws securityhub enable-import-findings-for-product --product-arn ${arn} --region ${region}`,
    ];
  });
  return [
    `aws iam create-role --role-name ${input.roleName} --max-session-duration 3600 --assume-role-policy-document ${shellQuote(JSON.stringify(trustPolicy(input)))}`,
    `aws iam put-role-policy --role-name ${input.roleName} --policy-name SecurityHubFindingsBrokerImport --policy-document ${shellQuote(JSON.stringify(permissionsPolicy(input)))}`,
    ...enableIntegration,
  ];
}

/**
 * A CloudFormation console link that opens the template with every parameter filled in. Shape per the
 * CloudFormation user guide, "Creating quick-create links for stacks":
 * `https://console.aws.amazon.com/cloudformation/home?region=R#/stacks/create/review?templateURL=U&stackName=N&param_<Name>=<value>`.
 */
export function quickCreateLink(input: RoleSetupInput, templateUrl: string, region: string): string {
  const product = parseProductArn(input.productArns[0] ?? '');
  const params = new URLSearchParams({
    templateURL: templateUrl,
    stackName: input.roleName,
    [`param_${TEMPLATE_PARAMETERS.deliveryPrincipal}`]: input.principals.delivery,
    [`param_${TEMPLATE_PARAMETERS.verifierPrincipal}`]: input.principals.verifier,
    [`param_${TEMPLATE_PARAMETERS.externalId}`]: input.externalId,
    [`param_${TEMPLATE_PARAMETERS.roleName}`]: input.roleName,
    [`param_${TEMPLATE_PARAMETERS.company}`]: product?.company ?? '',
    [`param_${TEMPLATE_PARAMETERS.product}`]: product?.product ?? '',
  });
  return `https://console.aws.amazon.com/cloudformation/home?region=${encodeURIComponent(region)}#/stacks/create/review?${params.toString()}`;
}

/** The template's parameter values, for `aws cloudformation deploy --parameter-overrides`. */
export function templateParameters(input: RoleSetupInput): Record<string, string> {
  const product = parseProductArn(input.productArns[0] ?? '');
  return {
    [TEMPLATE_PARAMETERS.deliveryPrincipal]: input.principals.delivery,
    [TEMPLATE_PARAMETERS.verifierPrincipal]: input.principals.verifier,
    [TEMPLATE_PARAMETERS.externalId]: input.externalId,
    [TEMPLATE_PARAMETERS.roleName]: input.roleName,
    [TEMPLATE_PARAMETERS.company]: product?.company ?? '',
    [TEMPLATE_PARAMETERS.product]: product?.product ?? '',
  };
}
