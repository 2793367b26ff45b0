import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { PRODUCT_ARN, actionsOf, logicalIdOf, resourcesOf, roleStatements, synthesizeBroker, type Statement } from './fixture.js';

let template: Template;
beforeAll(() => {
  ({ template } = synthesizeBroker());
});

const heartbeatFunctionId = () => logicalIdOf(template, 'AWS::Lambda::Function', 'FunctionsHeartbeatFunction');
const heartbeatProps = () => resourcesOf(template, 'AWS::Lambda::Function')[heartbeatFunctionId()]!.Properties;
const roleArnOf = (name: string) => ({ 'Fn::GetAtt': [logicalIdOf(template, 'AWS::IAM::Role', `Functions${name}Role`), 'Arn'] });
const heartbeat = (): Statement[] => roleStatements(template, 'FunctionsHeartbeatRole');
const allowed = (statements: Statement[]) => statements.filter((s) => s.Effect === 'Allow').flatMap(actionsOf);
const allowing = (statements: Statement[], action: string) => statements.filter((s) => s.Effect === 'Allow' && actionsOf(s).includes(action));

describe('the heartbeat schedule', () => {
  it('runs every 5 minutes and targets the heartbeat function, which EventBridge may invoke', () => {
    const rules = Object.values(resourcesOf(template, 'AWS::Events::Rule'));
    expect(rules).toHaveLength(1);
    const rule = rules[0]!.Properties;
    expect(rule.ScheduleExpression).toBe('rate(5 minutes)');
    expect(rule.State).toBe('ENABLED');
    expect(rule.Targets).toEqual([expect.objectContaining({ Arn: { 'Fn::GetAtt': [heartbeatFunctionId(), 'Arn'] } })]);
    const ruleId = logicalIdOf(template, 'AWS::Events::Rule', 'FunctionsHeartbeatSchedule');
    const invokes = Object.values(resourcesOf(template, 'AWS::Lambda::Permission'))
      .map((p) => p.Properties)
      .filter((p) => p.Principal === 'events.amazonaws.com');
    expect(invokes).toEqual([expect.objectContaining({
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [heartbeatFunctionId(), 'Arn'] },
      SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] },
    })]);
  });

  it('does not retry a failed round, neither in EventBridge nor in Lambda: the next one comes 5 minutes later', () => {
    const rule = Object.values(resourcesOf(template, 'AWS::Events::Rule'))[0]!.Properties;
    expect(rule.Targets[0].RetryPolicy).toEqual({ MaximumRetryAttempts: 0 });
    const configs = Object.values(resourcesOf(template, 'AWS::Lambda::EventInvokeConfig')).map((c) => c.Properties);
    expect(configs).toEqual([expect.objectContaining({ FunctionName: { Ref: heartbeatFunctionId() }, MaximumRetryAttempts: 0 })]);
  });
});

describe('the heartbeat function', () => {
  it('runs for at most 2 minutes with the registry table, the delivery principal and the session-name prefix it reads', () => {
    const props = heartbeatProps();
    expect(props.Timeout).toBe(120);
    expect(props.Environment.Variables).toMatchObject({
      TABLE_NAME: { Ref: logicalIdOf(template, 'AWS::DynamoDB::Table', 'RegistryTable') },
      DELIVERY_PRINCIPAL_ARN: roleArnOf('Deliver'),
      ROLE_SESSION_NAME_PREFIX: 'securityhub-broker',
    });
    expect(props.Role).toEqual(roleArnOf('Heartbeat'));
  });

  it('has no SQS rights, and no event source: heartbeats are never queued or dead-lettered', () => {
    expect(allowed(heartbeat()).filter((action) => action.startsWith('sqs:'))).toEqual([]);
    expect(JSON.stringify(heartbeat())).not.toMatch(/Queue/);
    const mappings = Object.values(resourcesOf(template, 'AWS::Lambda::EventSourceMapping'));
    expect(mappings.filter((m) => JSON.stringify(m.Properties.FunctionName).includes(heartbeatFunctionId()))).toEqual([]);
  });

  it('reads the registry and updates registrations and quota buckets, with no other table write and no ledger right', () => {
    const tableArn = { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::DynamoDB::Table', 'RegistryTable'), 'Arn'] };
    const dynamo = [...new Set(allowed(heartbeat()).filter((a) => a.startsWith('dynamodb:')))].sort();
    expect(dynamo).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    expect(allowing(heartbeat(), 'dynamodb:UpdateItem').map((s) => s.Resource)).toEqual([tableArn]);
    expect(JSON.stringify(heartbeat())).not.toContain(logicalIdOf(template, 'AWS::DynamoDB::Table', 'LedgerTable'));
  });

  it('may assume only the deliver role, only under its heartbeat session name', () => {
    const assume = allowing(heartbeat(), 'sts:AssumeRole');
    expect(assume).toHaveLength(1);
    expect(assume[0]!.Resource).toEqual(roleArnOf('Deliver'));
    expect(assume[0]!.Condition).toEqual({ StringEquals: { 'sts:RoleSessionName': 'securityhub-broker-heartbeat' } });
    expect(allowed(heartbeat()).filter((a) => a.startsWith('sts:'))).toEqual(['sts:AssumeRole']);
  });

  it('is trusted by the deliver role (the delivery principal customers trust) under that session name, besides Lambda', () => {
    const deliverRoleId = logicalIdOf(template, 'AWS::IAM::Role', 'FunctionsDeliverRole');
    const trust = resourcesOf(template, 'AWS::IAM::Role')[deliverRoleId]!.Properties.AssumeRolePolicyDocument.Statement as Statement[];
    expect(trust).toEqual([
      expect.objectContaining({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'lambda.amazonaws.com' } }),
      expect.objectContaining({
        Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: roleArnOf('Heartbeat') },
        Condition: { StringEquals: { 'sts:RoleSessionName': 'securityhub-broker-heartbeat' } },
      }),
    ]);
  });

  it('imports with its own credentials exactly as deliver may: the configured product ARNs, and the two looks that explain an InvalidAccess', () => {
    expect(allowing(heartbeat(), 'securityhub:BatchImportFindings').map((s) => s.Resource)).toEqual([PRODUCT_ARN]);
    const deliver = roleStatements(template, 'FunctionsDeliverRole');
    const securityHub = (statements: Statement[]) => statements.filter((s) => actionsOf(s).some((a) => a.startsWith('securityhub:')));
    expect(securityHub(heartbeat())).toEqual(securityHub(deliver));
  });

  it('follows the configured session-name prefix', () => {
    const variant = synthesizeBroker({ context: { roleSessionNamePrefix: 'acme-broker' } }).template;
    const [assume] = roleStatements(variant, 'FunctionsHeartbeatRole').filter((s) => actionsOf(s).includes('sts:AssumeRole'));
    expect(assume!.Condition).toEqual({ StringEquals: { 'sts:RoleSessionName': 'acme-broker-heartbeat' } });
  });
});
