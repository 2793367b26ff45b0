import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { PRODUCT_ARN, actionsOf, logicalIdOf, resourcesOf, roleStatements, synthesizeBroker, type Statement } from './fixture.js';

let template: Template;
beforeAll(() => {
  // The real handlers, bundled by esbuild exactly as on deploy.
  ({ template } = synthesizeBroker({ bundle: true }));
});

const FUNCTIONS = ['Authorizer', 'Ingest', 'Deliver', 'Onboarding', 'Heartbeat'] as const;
type FunctionName = (typeof FUNCTIONS)[number];

function functionProps(name: FunctionName): Record<string, any> {
  const id = logicalIdOf(template, 'AWS::Lambda::Function', `Functions${name}Function`);
  return resourcesOf(template, 'AWS::Lambda::Function')[id]!.Properties;
}

/** Every statement of the identity policies attached to a function's role. */
const statementsOf = (name: FunctionName): Statement[] => roleStatements(template, `Functions${name}Role`);
const allowed = (name: FunctionName): string[] =>
  statementsOf(name).filter((s) => s.Effect === 'Allow').flatMap(actionsOf);
const statementsAllowing = (name: FunctionName, action: string): Statement[] =>
  statementsOf(name).filter((s) => s.Effect === 'Allow' && actionsOf(s).includes(action));

describe('every broker function', () => {
  it.each(FUNCTIONS)('%s runs Node.js 24 on arm64 with X-Ray active tracing', (name) => {
    const props = functionProps(name);
    expect(props.Runtime).toBe('nodejs24.x');
    expect(props.Architectures).toEqual(['arm64']);
    expect(props.TracingConfig).toEqual({ Mode: 'Active' });
    expect(props.Handler).toBe('index.handler');
  });

  it.each(FUNCTIONS)('%s gets the Powertools settings (no responses or errors in traces) and source-mapped stack traces', (name) => {
    expect(functionProps(name).Environment.Variables).toMatchObject({
      POWERTOOLS_SERVICE_NAME: 'securityhub-broker',
      POWERTOOLS_METRICS_NAMESPACE: 'SecurityHubBroker',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
      POWERTOOLS_TRACER_CAPTURE_ERROR: 'false',
      NODE_OPTIONS: '--enable-source-maps',
    });
  });

  it.each(FUNCTIONS)('%s logs to its own log group with a retention period', (name) => {
    const logGroupId = logicalIdOf(template, 'AWS::Logs::LogGroup', `Functions${name}Logs`);
    expect(functionProps(name).LoggingConfig).toEqual({ LogGroup: { Ref: logGroupId } });
    expect(resourcesOf(template, 'AWS::Logs::LogGroup')[logGroupId]!.Properties.RetentionInDays).toBeGreaterThan(0);
  });

  it('gives ingest and deliver batched reads and writes on the ledger table only (ingest also Query, GetItem and UpdateItem for scans), and no one else any ledger right', () => {
    const ledgerId = logicalIdOf(template, 'AWS::DynamoDB::Table', 'LedgerTable');
    const onLedger = (name: FunctionName) => statementsOf(name).filter((s) => s.Effect === 'Allow' && JSON.stringify(s.Resource).includes(`"${ledgerId}"`));
    const expected: Record<FunctionName, string[]> = {
      Authorizer: [],
      Ingest: ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
      Deliver: ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem'],
      Onboarding: [],
      Heartbeat: [],
    };
    for (const name of FUNCTIONS) {
      expect(onLedger(name).flatMap(actionsOf).sort()).toEqual(expected[name]);
      for (const statement of onLedger(name)) expect(statement.Resource).toEqual({ 'Fn::GetAtt': [ledgerId, 'Arn'] });
      // BatchWriteItem is granted on the ledger alone: never on the registry (whose items a function must not delete).
      expect(statementsAllowing(name, 'dynamodb:BatchWriteItem').every((s) => JSON.stringify(s.Resource).includes(`"${ledgerId}"`))).toBe(true);
    }
    expect(functionProps('Ingest').Environment.Variables.LEDGER_TABLE_NAME).toEqual({ Ref: ledgerId });
    expect(functionProps('Deliver').Environment.Variables.LEDGER_TABLE_NAME).toEqual({ Ref: ledgerId });
  });

  it('gets the environment each handler reads', () => {
    expect(Object.keys(functionProps('Authorizer').Environment.Variables)).toContain('TABLE_NAME');
    expect(Object.keys(functionProps('Ingest').Environment.Variables)).toEqual(
      expect.arrayContaining(['TABLE_NAME', 'DELIVERY_QUEUE_URL']),
    );
    expect(functionProps('Deliver').Environment.Variables).toMatchObject({
      TABLE_NAME: expect.anything(),
      DEAD_LETTER_QUEUE_URL: expect.anything(),
      MAX_RECEIVE_COUNT: expect.stringMatching(/^\d+$/),
      ROLE_SESSION_NAME_PREFIX: 'securityhub-broker',
    });
    expect(Object.keys(functionProps('Heartbeat').Environment.Variables)).toEqual(
      expect.arrayContaining(['TABLE_NAME', 'DELIVERY_PRINCIPAL_ARN', 'ROLE_SESSION_NAME_PREFIX']),
    );
  });
});

describe('least privilege', () => {
  it('allows no wildcard action in any identity policy of the stack', () => {
    const policies = [
      ...Object.values(resourcesOf(template, 'AWS::IAM::Policy')).map((p) => p.Properties.PolicyDocument),
      ...Object.values(resourcesOf(template, 'AWS::IAM::Role')).flatMap((r) =>
        (r.Properties.Policies ?? []).map((p: any) => p.PolicyDocument),
      ),
    ];
    const actions = policies.flatMap((doc) => doc.Statement as Statement[]).filter((s) => s.Effect === 'Allow').flatMap(actionsOf);
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
  });

  it('attaches no AWS managed policy to a function role', () => {
    for (const name of FUNCTIONS) {
      const roleId = logicalIdOf(template, 'AWS::IAM::Role', `Functions${name}Role`);
      expect(resourcesOf(template, 'AWS::IAM::Role')[roleId]!.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('gives the authorizer table reads and nothing else beyond logs and tracing', () => {
    const dataActions = allowed('Authorizer').filter((a) => !/^(logs|xray):/.test(a));
    expect(dataActions.sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query', 'kms:Decrypt', 'kms:DescribeKey']);
  });

  it('scopes table reads to the table and its gsi1 index, with no Scan, and writes to exactly the granted item actions', () => {
    const tableId = logicalIdOf(template, 'AWS::DynamoDB::Table', 'RegistryTable');
    const reads = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
    // Deliver and heartbeat record access failures on a registration; onboarding creates and updates registrations.
    const writes: Record<FunctionName, string[]> = {
      Authorizer: [],
      Ingest: [],
      Deliver: ['dynamodb:UpdateItem'],
      Onboarding: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
      Heartbeat: ['dynamodb:UpdateItem'],
    };
    for (const name of FUNCTIONS) {
      const [read] = statementsAllowing(name, 'dynamodb:GetItem');
      expect(read?.Resource).toEqual([
        { 'Fn::GetAtt': [tableId, 'Arn'] },
        { 'Fn::Join': ['', [{ 'Fn::GetAtt': [tableId, 'Arn'] }, '/index/gsi1']] },
      ]);
      const onRegistry = statementsOf(name).filter((s) => s.Effect === 'Allow' && JSON.stringify(s.Resource).includes(`"${tableId}"`)).flatMap(actionsOf);
      expect(onRegistry.filter((a) => a.startsWith('dynamodb:') && !reads.includes(a)).sort()).toEqual(writes[name]);
      for (const write of writes[name]) {
        expect(statementsAllowing(name, write).map((s) => s.Resource)).toEqual([{ 'Fn::GetAtt': [tableId, 'Arn'] }]);
      }
    }
  });

  it('lets ingest (and onboarding, for self-healing redrives, and deliver, to re-queue findings whose quota was spent) send to the delivery queue, and only deliver send to the DLQ', () => {
    const deliveryArn = { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::SQS::Queue', 'QueuesDeliveryQueue'), 'Arn'] };
    const deadLetterArn = { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::SQS::Queue', 'QueuesDeadLetterQueue'), 'Arn'] };
    const sendTargets = (name: FunctionName) => statementsAllowing(name, 'sqs:SendMessage').map((s) => s.Resource);
    expect(sendTargets('Ingest')).toEqual([deliveryArn]);
    expect(sendTargets('Deliver')).toEqual([deadLetterArn, deliveryArn]);
    expect(sendTargets('Authorizer')).toEqual([]);
    expect(sendTargets('Onboarding')).toEqual([deliveryArn]);
    expect(sendTargets('Heartbeat')).toEqual([]);
  });

  it('lets deliver consume the delivery queue (event source mapping), onboarding walk only the DLQ (self-healing), and nothing else consume anything', () => {
    const deliveryArn = { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::SQS::Queue', 'QueuesDeliveryQueue'), 'Arn'] };
    const deadLetterArn = { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::SQS::Queue', 'QueuesDeadLetterQueue'), 'Arn'] };
    expect(statementsAllowing('Deliver', 'sqs:ReceiveMessage').map((s) => s.Resource)).toEqual([deliveryArn]);
    expect(statementsAllowing('Deliver', 'sqs:DeleteMessage').map((s) => s.Resource)).toEqual([deliveryArn]);
    for (const action of ['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes']) {
      expect(statementsAllowing('Onboarding', action).map((s) => s.Resource)).toEqual([deadLetterArn]);
    }
    expect([...new Set(allowed('Onboarding').filter((a) => a.startsWith('sqs:')))].sort())
      .toEqual(['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage', 'sqs:SendMessage']);
    for (const name of ['Authorizer', 'Ingest', 'Heartbeat'] as const) {
      expect(allowed(name).filter((a) => a.startsWith('sqs:') && a !== 'sqs:SendMessage')).toEqual([]);
    }
  });

  it('lets deliver assume only customer roles named with the agreed prefix, with its session-name prefix and an ExternalId', () => {
    const assume = statementsAllowing('Deliver', 'sts:AssumeRole');
    expect(assume).toHaveLength(1);
    expect(assume[0]!.Resource).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::*:role/SecurityHubFindingsBroker*']],
    });
    expect(assume[0]!.Condition).toEqual({
      StringLike: { 'sts:RoleSessionName': 'securityhub-broker-*' },
      Null: { 'sts:ExternalId': 'false' },
    });
    expect(allowed('Deliver').filter((a) => a.startsWith('sts:'))).toEqual(['sts:AssumeRole']);
    for (const name of ['Authorizer', 'Ingest'] as const) {
      expect(allowed(name).filter((a) => a.startsWith('sts:'))).toEqual([]);
    }
  });

  it('follows the configured role-name and session-name prefixes', () => {
    const variant = synthesizeBroker({
      context: { customerRoleNamePrefix: 'AcmeBrokerImport', roleSessionNamePrefix: 'acme-broker' },
    }).template;
    const statements = Object.values(resourcesOf(variant, 'AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as Statement[],
    );
    // Both principals: the deliver role and the onboarding (verifier) role. (The heartbeat assumes only the
    // deliver role, under the configured prefix: test/infra/cdk/heartbeat.test.ts.)
    const assumes = statements.filter((s) => actionsOf(s).includes('sts:AssumeRole') && JSON.stringify(s.Resource).includes(':iam::*:role/'));
    expect(assumes).toHaveLength(2);
    for (const assume of assumes) {
      expect(JSON.stringify(assume.Resource)).toContain(':iam::*:role/AcmeBrokerImport*');
      expect(assume.Condition?.StringLike).toEqual({ 'sts:RoleSessionName': 'acme-broker-*' });
    }
  });

  it('lets deliver import findings only for the configured product ARNs', () => {
    const imports = statementsAllowing('Deliver', 'securityhub:BatchImportFindings');
    expect(imports.map((s) => s.Resource)).toEqual([PRODUCT_ARN]);
    expect(allowed('Deliver').filter((a) => a.startsWith('securityhub:')).sort()).toEqual(
      ['securityhub:BatchImportFindings', 'securityhub:DescribeHub', 'securityhub:ListEnabledProductsForImport'],
    );
    for (const name of ['Authorizer', 'Ingest', 'Onboarding'] as const) {
      expect(allowed(name).filter((a) => a.startsWith('securityhub:'))).toEqual([]);
    }
  });

  it("lets deliver look only at its own account's hub and product subscriptions, to explain an InvalidAccess", () => {
    const [describeHub] = statementsAllowing('Deliver', 'securityhub:DescribeHub');
    expect(JSON.stringify(describeHub?.Resource)).toMatch(/securityhub:\*:",\{"Ref":"AWS::AccountId"\},":hub\/default"/);
    expect(actionsOf(describeHub!)).toEqual(['securityhub:DescribeHub']);
    const [subscriptions] = statementsAllowing('Deliver', 'securityhub:ListEnabledProductsForImport');
    expect(actionsOf(subscriptions!)).toEqual(['securityhub:ListEnabledProductsForImport']);
  });

  it('gives each function its own role', () => {
    const roles = new Set(FUNCTIONS.map((name) => JSON.stringify(functionProps(name).Role)));
    expect(roles.size).toBe(FUNCTIONS.length);
  });
});
