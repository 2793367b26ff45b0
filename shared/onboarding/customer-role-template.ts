/**
 * The CloudFormation template that creates a customer's role, defined once here: the onboarding API
 * returns it, and infra/customer-role.yaml is this text (test/shared/onboarding/customer-role-template.test.ts
 * keeps them equal; `npm run generate:customer-role` rewrites the file).
 */
export const CUSTOMER_ROLE_TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
# Written with long-form intrinsic functions (Ref:, Fn::Sub:) so any YAML parser reads it.
Description: >-
  Security Hub findings broker - the role the broker assumes in this account to import a partner's
  findings into AWS Security Hub. It trusts only the broker's role, only with this account's
  ExternalId, and may only import the partner product's findings and run the broker's read-only
  onboarding checks.

Parameters:
  BrokerPrincipalArn:
    Type: String
    Description: >-
      The broker's delivery role ARN (onboarding reply "principals.delivery"; the broker stack's output
      BrokerRoleArn): it imports the findings.
    AllowedPattern: '^arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+$'
    ConstraintDescription: 'must be an IAM role ARN, e.g. arn:aws:iam::111122223333:role/BrokerRole'
  VerifierPrincipalArn:
    Type: String
    Description: >-
      The broker's verifier role ARN (onboarding reply "principals.verifier"; the broker stack's output
      VerifierRoleArn): it checks this role before any finding is sent, including that it cannot be
      assumed without the ExternalId.
    AllowedPattern: '^arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+$'
    ConstraintDescription: 'must be an IAM role ARN, e.g. arn:aws:iam::111122223333:role/BrokerVerifierRole'
  ExternalId:
    Type: String
    NoEcho: true
    Description: >-
      The ExternalId the broker issued for this account at registration. Never choose your own.
    MinLength: 2
    MaxLength: 1224
    AllowedPattern: '[\\w+=,.@:/-]{2,1224}'
    ConstraintDescription: '2-1224 characters of letters, digits and + = , . @ : / - _'
  RoleName:
    Type: String
    Description: >-
      The role's name. It must start with SecurityHubFindingsBroker: the broker may only assume roles
      with that prefix.
    Default: SecurityHubFindingsBrokerImportRole
    AllowedPattern: '^SecurityHubFindingsBroker[\\w+=,.@-]{0,39}$'
    ConstraintDescription: 'must start with SecurityHubFindingsBroker (at most 64 characters in all)'
  PartnerCompanyId:
    Type: String
    Description: >-
      The partner's Security Hub company id: the <company> in its product ARN
      arn:aws:securityhub:<region>:<account>:product/<company>/<product>.
    AllowedPattern: '^[\\w.-]+$'
  PartnerProductId:
    Type: String
    Description: The partner's Security Hub product id, the <product> in its product ARN.
    AllowedPattern: '^[\\w.-]+$'

Resources:
  BrokerImportRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName:
        Ref: RoleName
      Description: Assumed by the Security Hub findings broker to import the partner's findings
      # AssumeRole from the broker is role chaining, which caps sessions at one hour anyway.
      MaxSessionDuration: 3600
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Sid: TrustOnlyTheBrokerWithThisAccountsExternalId
            Effect: Allow
            Principal:
              AWS:
                - Ref: BrokerPrincipalArn
                - Ref: VerifierPrincipalArn
            Action: sts:AssumeRole
            Condition:
              StringEquals:
                sts:ExternalId:
                  Ref: ExternalId
      Policies:
        - PolicyName: SecurityHubFindingsBrokerImport
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              # BatchImportFindings, for the partner's product only: on the product
              # (arn:<partition>:securityhub:<region>:<partner account>:product/<company>/<product>)
              # and on this account's subscription to it (product-subscription/<company>/<product>).
              # Any Region, so one role serves every Region you enable.
              - Sid: ImportThePartnersFindings
                Effect: Allow
                Action: securityhub:BatchImportFindings
                Resource:
                  - Fn::Sub: arn:\${AWS::Partition}:securityhub:*:*:product/\${PartnerCompanyId}/\${PartnerProductId}
                  - Fn::Sub: arn:\${AWS::Partition}:securityhub:*:\${AWS::AccountId}:product-subscription/\${PartnerCompanyId}/\${PartnerProductId}
              # Onboarding verification: is Security Hub enabled here (the hub resource)?
              - Sid: VerifySecurityHubIsEnabled
                Effect: Allow
                Action: securityhub:DescribeHub
                Resource:
                  Fn::Sub: arn:\${AWS::Partition}:securityhub:*:\${AWS::AccountId}:hub/default
              # Onboarding verification: is the partner's product subscription active? Authorised on
              # this account's hub, like DescribeHub.
              - Sid: VerifyProductSubscription
                Effect: Allow
                Action: securityhub:ListEnabledProductsForImport
                Resource:
                  Fn::Sub: arn:\${AWS::Partition}:securityhub:*:\${AWS::AccountId}:hub/default

Outputs:
  RoleArn:
    Description: Give this ARN to the broker (onboarding API "set role").
    Value:
      Fn::GetAtt:
        - BrokerImportRole
        - Arn
`;

/** The template's parameter names, as the quick-create link and the CLI commands pass them. */
export const TEMPLATE_PARAMETERS = {
  deliveryPrincipal: 'BrokerPrincipalArn',
  verifierPrincipal: 'VerifierPrincipalArn',
  externalId: 'ExternalId',
  roleName: 'RoleName',
  company: 'PartnerCompanyId',
  product: 'PartnerProductId',
} as const;
