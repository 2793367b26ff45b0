import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DLQ_AUDIT_PARTITION } from '#infra/cdk/constructs/operator-policy.js';
import { actionsOf, logicalIdOf, resourcesOf, synthesizeBroker, type Statement } from './fixture.js';

let template: Template;
let policyId: string;
let statements: Statement[];
beforeAll(() => {
  ({ template } = synthesizeBroker());
  policyId = logicalIdOf(template, 'AWS::IAM::ManagedPolicy', 'OperatorsPolicy');
  statements = resourcesOf(template, 'AWS::IAM::ManagedPolicy')[policyId]!.Properties.PolicyDocument.Statement;
});

const arnOf = (type: string, prefix: string) => ({ 'Fn::GetAtt': [logicalIdOf(template, type, prefix), 'Arn'] });
const deadLetterQueueArn = () => arnOf('AWS::SQS::Queue', 'QueuesDeadLetterQueue');
const deliveryQueueArn = () => arnOf('AWS::SQS::Queue', 'QueuesDeliveryQueue');
const keyArn = () => arnOf('AWS::KMS::Key', 'DataKey');
const tableArn = () => arnOf('AWS::DynamoDB::Table', 'RegistryTable');
const indexArn = () => ({ 'Fn::Join': ['', [tableArn(), '/index/gsi1']] });
const stackArn = { Ref: 'AWS::StackId' };

const resourcesOfStatement = (statement: Statement): unknown[] => [statement.Resource].flat();
const allows = () => statements.filter((s) => s.Effect === 'Allow');
/** Whether an Allow statement grants `action` on exactly `resource` (no statement here uses a pattern). */
const allowed = (action: string, resource: unknown) =>
  allows().some(
    (s) => actionsOf(s).includes(action) && resourcesOfStatement(s).some((r) => JSON.stringify(r) === JSON.stringify(resource)),
  );

describe('the operator managed policy', () => {
  it('is one customer managed policy, attached to nobody by the stack: operators attach it to their role or group', () => {
    expect(Object.keys(resourcesOf(template, 'AWS::IAM::ManagedPolicy'))).toEqual([policyId]);
    const props = resourcesOf(template, 'AWS::IAM::ManagedPolicy')[policyId]!.Properties;
    expect(props.Roles).toBeUndefined();
    expect(props.Groups).toBeUndefined();
    expect(props.Users).toBeUndefined();
  });

  it('has exactly these statements: actions, resources and effect, each with its own Sid', () => {
    const summary = statements.map((s) => ({
      Sid: s.Sid,
      Effect: s.Effect,
      Action: actionsOf(s),
      Resource: s.Resource,
      ...(s.Condition !== undefined && { Condition: s.Condition }),
    }));
    expect(summary).toEqual([
      {
        Sid: 'DeadLetterQueueMessages',
        Effect: 'Allow',
        Action: ['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
        Resource: deadLetterQueueArn(),
      },
      {
        Sid: 'DeadLetterQueueMoveTasks',
        Effect: 'Allow',
        Action: ['sqs:StartMessageMoveTask', 'sqs:ListMessageMoveTasks', 'sqs:CancelMessageMoveTask'],
        Resource: deadLetterQueueArn(),
      },
      {
        Sid: 'DeliveryQueueRedrive',
        Effect: 'Allow',
        Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
        Resource: deliveryQueueArn(),
      },
      { Sid: 'QueueKey', Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: keyArn() },
      {
        Sid: 'OperatorRegistryRead',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:Query'],
        Resource: [tableArn(), indexArn()],
      },
      { Sid: 'OperatorRegistryKeyRead', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: keyArn() },
      { Sid: 'OperatorRegistryItemWrite', Effect: 'Allow', Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem'], Resource: tableArn() },
      { Sid: 'OperatorRegistryKeyWrite', Effect: 'Allow', Action: ['kms:Encrypt', 'kms:GenerateDataKey'], Resource: keyArn() },
      {
        Sid: 'DeadLetterAuditLogAppendOnly',
        Effect: 'Deny',
        Action: ['dynamodb:DeleteItem', 'dynamodb:UpdateItem'],
        Resource: tableArn(),
        Condition: { 'ForAnyValue:StringEquals': { 'dynamodb:LeadingKeys': ['AUDIT#DLQ'] } },
      },
      { Sid: 'ReadBrokerStackOutputs', Effect: 'Allow', Action: ['cloudformation:DescribeStacks'], Resource: stackArn },
    ]);
    expect(new Set(statements.map((s) => s.Sid)).size).toBe(statements.length);
  });

  // What each CLI command calls, as (IAM action, resource). Batch calls are authorised by the
  // single-message action; move tasks need the actions the SQS developer guide lists for DLQ redrive.
  const needs: Record<string, Array<[string, () => unknown]>> = {
    'every command (stack outputs)': [['cloudformation:DescribeStacks', () => stackArn]],
    'dlq list / summary': [
      ['sqs:ReceiveMessage', deadLetterQueueArn],
      ['sqs:ChangeMessageVisibility', deadLetterQueueArn],
      ['sqs:GetQueueAttributes', deadLetterQueueArn],
      ['sqs:GetQueueUrl', deadLetterQueueArn],
      ['kms:Decrypt', keyArn],
    ],
    'dlq redrive': [
      ['sqs:ReceiveMessage', deadLetterQueueArn],
      ['sqs:SendMessage', deliveryQueueArn],
      ['sqs:GetQueueUrl', deliveryQueueArn],
      ['sqs:DeleteMessage', deadLetterQueueArn],
      ['kms:Decrypt', keyArn],
      ['kms:GenerateDataKey', keyArn],
      ['dynamodb:PutItem', tableArn],
    ],
    'dlq redrive-all (StartMessageMoveTask)': [
      ['sqs:StartMessageMoveTask', deadLetterQueueArn],
      ['sqs:ReceiveMessage', deadLetterQueueArn],
      ['sqs:DeleteMessage', deadLetterQueueArn],
      ['sqs:GetQueueAttributes', deadLetterQueueArn],
      ['sqs:SendMessage', deliveryQueueArn],
      ['kms:Decrypt', keyArn],
      ['kms:GenerateDataKey', keyArn],
      ['dynamodb:PutItem', tableArn],
    ],
    'dlq redrive-all status (ListMessageMoveTasks)': [
      ['sqs:ListMessageMoveTasks', deadLetterQueueArn],
      ['sqs:GetQueueAttributes', deadLetterQueueArn],
    ],
    'dlq redrive-all cancel (CancelMessageMoveTask)': [
      ['sqs:CancelMessageMoveTask', deadLetterQueueArn],
      ['sqs:ReceiveMessage', deadLetterQueueArn],
      ['sqs:DeleteMessage', deadLetterQueueArn],
      ['sqs:GetQueueAttributes', deadLetterQueueArn],
      ['kms:Decrypt', keyArn],
    ],
    'dlq purge': [
      ['sqs:ReceiveMessage', deadLetterQueueArn],
      ['sqs:DeleteMessage', deadLetterQueueArn],
      ['kms:Decrypt', keyArn],
      ['dynamodb:PutItem', tableArn],
    ],
    'dlq audit': [
      ['dynamodb:Query', tableArn],
      ['kms:Decrypt', keyArn],
    ],
    'partner, token and registration commands': [
      ['dynamodb:GetItem', tableArn],
      ['dynamodb:Query', tableArn],
      ['dynamodb:Query', indexArn],
      ['dynamodb:PutItem', tableArn],
      ['dynamodb:UpdateItem', tableArn],
      ['kms:Decrypt', keyArn],
      ['kms:GenerateDataKey', keyArn],
    ],
  };
  it.each(Object.entries(needs))('allows what %s needs', (_command, calls) => {
    for (const [action, resource] of calls) expect(allowed(action, resource()), `${action} on ${JSON.stringify(resource())}`).toBe(true);
  });

  it('keeps the two queues apart: the DLQ is read and emptied, the delivery queue only sent to', () => {
    const onDeliveryQueue = allows()
      .filter((s) => resourcesOfStatement(s).some((r) => JSON.stringify(r) === JSON.stringify(deliveryQueueArn())))
      .flatMap(actionsOf);
    expect(onDeliveryQueue.sort()).toEqual(['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']);
    expect(allowed('sqs:SendMessage', deadLetterQueueArn())).toBe(false);
  });

  it('uses no "*" resource and no wildcard action', () => {
    for (const statement of statements) {
      expect(JSON.stringify(statement.Resource), statement.Sid).not.toContain('*');
      expect(actionsOf(statement).filter((a) => a.includes('*')), statement.Sid).toEqual([]);
    }
  });

  it('allows no queue or table administration, no PurgeQueue, no Scan and no item deletion', () => {
    const allowedActions = allows().flatMap(actionsOf);
    for (const forbidden of [
      'sqs:PurgeQueue',
      'sqs:DeleteQueue',
      'sqs:SetQueueAttributes',
      'sqs:CreateQueue',
      'dynamodb:DeleteItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:BatchGetItem',
      'dynamodb:Scan',
      'dynamodb:DeleteTable',
      'dynamodb:UpdateTable',
      'kms:ReEncryptFrom',
      'kms:CreateGrant',
    ]) {
      expect(allowedActions, forbidden).not.toContain(forbidden);
    }
    expect(allowedActions.filter((a) => a.startsWith('dynamodb:PartiQL'))).toEqual([]);
    expect(allowedActions.filter((a) => !/^(sqs|kms|dynamodb|cloudformation):/.test(a))).toEqual([]);
  });

  it('makes the DLQ audit log append-only: DeleteItem and UpdateItem are denied on its partition, PutItem and Query are not', () => {
    const denies = statements.filter((s) => s.Effect === 'Deny');
    expect(denies).toHaveLength(1);
    const [deny] = denies;
    expect(actionsOf(deny!).sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:UpdateItem']);
    expect(deny!.Resource).toEqual(tableArn());
    // LeadingKeys is multivalued: ForAnyValue matches a request if any partition key it touches is the audit one.
    expect(deny!.Condition).toEqual({ 'ForAnyValue:StringEquals': { 'dynamodb:LeadingKeys': [DLQ_AUDIT_PARTITION] } });
    expect(DLQ_AUDIT_PARTITION).toBe('AUDIT#DLQ');
  });

  it('relies on the data key delegating to IAM: the key policy lets the account grant its use with identity policies', () => {
    const keyPolicy = Object.values(resourcesOf(template, 'AWS::KMS::Key'))[0]!.Properties.KeyPolicy;
    const rootStatement = keyPolicy.Statement.find((s: Statement) => JSON.stringify(s.Principal).includes(':root'));
    expect(rootStatement).toMatchObject({ Effect: 'Allow', Action: 'kms:*' });
  });

  it('is a stack output, OperatorPolicyArn, with a description saying where to attach it', () => {
    const output = template.toJSON().Outputs.OperatorPolicyArn;
    expect(output.Value).toEqual({ Ref: policyId });
    expect(output.Description).toMatch(/attach it to the operators' IAM role or group/);
  });
});
