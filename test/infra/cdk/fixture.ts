import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { buildBrokerApp } from '#infra/cdk/broker-app.js';
import type { BrokerStack } from '#infra/cdk/broker-stack.js';

export const PRODUCT_ARN = 'arn:aws:securityhub:eu-west-1:111122223333:product/acme/acme-scanner';

/** The context an operator would pass with -c. */
export const TEST_CONTEXT: Record<string, unknown> = {
  productArns: PRODUCT_ARN,
  partnerCompanyId: 'acme',
  partnerProductId: 'acme-scanner',
  alarmEmail: 'secops@example.com',
};

export interface SynthesizedBroker {
  readonly app: App;
  readonly stack: BrokerStack;
  readonly assembly: CloudAssembly;
  readonly template: Template;
}

/**
 * Builds and synthesizes the broker app once (call it in `beforeAll`). With `bundle: true` the real
 * handlers under functions/ are bundled by esbuild, as on deploy; otherwise CDK skips bundling
 * (context aws:cdk:bundling-stacks = []), which keeps variant synths fast.
 */
export function synthesizeBroker(options: { context?: Record<string, unknown>; bundle?: boolean } = {}): SynthesizedBroker {
  const app = new App({
    outdir: mkdtempSync(join(tmpdir(), 'broker-cdk-')),
    context: {
      ...TEST_CONTEXT,
      ...options.context,
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
    },
  });
  const stack = buildBrokerApp(app);
  const assembly = app.synth();
  const template = Template.fromJSON(assembly.getStackArtifact(stack.artifactId).template as Record<string, unknown>);
  return { app, stack, assembly, template };
}

export type Resources = Record<string, { Type: string; Properties: Record<string, any>; Metadata?: Record<string, unknown> }>;

export function resourcesOf(template: Template, type: string): Resources {
  return template.findResources(type) as Resources;
}

/** The one resource of `type` whose logical id starts with `prefix` (logical ids end with a hash). */
export function logicalIdOf(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(resourcesOf(template, type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1) throw new Error(`expected one ${type} starting with ${prefix}, found ${ids.join(', ') || 'none'}`);
  return ids[0]!;
}

export type Statement = {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
};

/** Every statement of the identity policies attached to the role whose logical id starts with `rolePrefix`. */
export function roleStatements(template: Template, rolePrefix: string): Statement[] {
  const roleId = logicalIdOf(template, 'AWS::IAM::Role', rolePrefix);
  const role = resourcesOf(template, 'AWS::IAM::Role')[roleId]!.Properties;
  const inline = (role.Policies ?? []).flatMap((policy: any) => policy.PolicyDocument.Statement);
  const attached = Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((policy) => policy.Properties.Roles.some((ref: unknown) => JSON.stringify(ref) === JSON.stringify({ Ref: roleId })))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
  return [...inline, ...attached];
}

export const actionsOf = (statement: Statement): string[] => [statement.Action].flat();

export function readValidationReport(assembly: CloudAssembly): { pluginReports: Array<{ violations?: unknown[] }> } {
  return JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8'));
}
