import { App, Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildBrokerApp } from '#infra/cdk/broker-app.js';
import { TEST_CONTEXT, readValidationReport, synthesizeBroker, type SynthesizedBroker } from './fixture.js';

let broker: SynthesizedBroker;
beforeAll(() => {
  // app.synth() runs cdk-nag as a validation plugin and throws on any unacknowledged violation.
  broker = synthesizeBroker({ bundle: true });
});

interface Acknowledgement {
  path: string;
  id: string;
  reason: string;
}

function acknowledgementsIn(app: App): Acknowledgement[] {
  return app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

/** cdk-nag's findings with every acknowledgement ignored: what the acknowledgements must cover. */
function findingsIgnoringAcknowledgements(app: App): string[] {
  const pack = new AwsSolutionsChecks();
  (pack as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
  return pack
    .validateScope(app)
    .violations.flatMap((violation) =>
      violation.violatingResources.map((resource) => `${violation.ruleName} @ ${resource.constructPath}`),
    );
}

describe('cdk-nag AwsSolutions checks', () => {
  it('synthesizes with no unacknowledged error or warning in the validation report', () => {
    const report = readValidationReport(broker.assembly);
    const violations = report.pluginReports.flatMap((plugin) => plugin.violations ?? []);
    expect(violations).toEqual([]);
  });

  it('finds nothing left when run directly on the synthesized tree', () => {
    expect(new AwsSolutionsChecks().validateScope(broker.app).violations).toEqual([]);
  });

  it('acknowledges only findings that really occur, each on the construct that causes it', () => {
    const acknowledged = acknowledgementsIn(broker.app);
    const findings = findingsIgnoringAcknowledgements(broker.app);
    for (const { id, path } of acknowledged) {
      const covered = findings.filter((finding) => finding.startsWith(`${id} @ ${path}/`) || finding === `${id} @ ${path}`);
      expect(covered, `acknowledgement ${id} on ${path} covers no finding`).not.toEqual([]);
    }
  });

  it('acknowledges exactly this reviewed list, each with a specific reason', () => {
    const acknowledged = acknowledgementsIn(broker.app);
    expect(acknowledged.map(({ path, id }) => `${path.replace(/^SecurityHubFindingsBroker\//, '')}: ${id}`).sort()).toEqual(
      [
        'Api/Api/CloudWatchRole: AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        'Api/Api/Default/v1/findings/POST: AwsSolutions-COG4',
        'Api/Api/Default/v1/findings:validate/POST: AwsSolutions-COG4',
        'Api/Api/Default/v1/submissions/GET: AwsSolutions-COG4',
        'Api/Api/Default/v1/submissions/{submissionId}/GET: AwsSolutions-COG4',
        'Api/Api/Default/v1/scans/{scanId}/complete/POST: AwsSolutions-COG4',
        // The customer onboarding routes (AWS_IAM): SigV4 callers, no Cognito user pool.
        'Api/Api/Default/v1/products/GET: AwsSolutions-COG4',
        'Api/Api/Default/v1/registrations/GET: AwsSolutions-COG4',
        'Api/Api/Default/v1/registrations/POST: AwsSolutions-COG4',
        'Api/Api/Default/v1/registrations/{company}/{product}/GET: AwsSolutions-COG4',
        'Api/Api/Default/v1/registrations/{company}/{product}/DELETE: AwsSolutions-COG4',
        'Api/Api/Default/v1/registrations/{company}/{product}/role/PUT: AwsSolutions-COG4',
        'Api/Api/Default/v1/registrations/{company}/{product}/verify/POST: AwsSolutions-COG4',
        'Api/Api: AwsSolutions-APIG3',
        'Functions/Authorizer/Role: AwsSolutions-IAM5[Resource::*]',
        'Functions/Deliver/Role: AwsSolutions-IAM5[Resource::*]',
        'Functions/Deliver/Role: AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role/SecurityHubFindingsBroker*]',
        'Functions/Deliver/Role: AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:securityhub:*:<AWS::AccountId>:hub/default]',
        // The heartbeat imports as deliver does: X-Ray and ListEnabledProductsForImport (Resource "*"), its own hub.
        'Functions/Heartbeat/Role: AwsSolutions-IAM5[Resource::*]',
        'Functions/Heartbeat/Role: AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:securityhub:*:<AWS::AccountId>:hub/default]',
        'Functions/Ingest/Role: AwsSolutions-IAM5[Resource::*]',
        // The verifier principal: X-Ray (Resource "*"), and customer roles by prefix without the ExternalId condition.
        'Functions/Onboarding/Role: AwsSolutions-IAM5[Resource::*]',
        'Functions/Onboarding/Role: AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role/SecurityHubFindingsBroker*]',
      ].sort(),
    );
    for (const { id, reason } of acknowledged) {
      expect(reason.length, `reason for ${id} is too short to be specific`).toBeGreaterThanOrEqual(80);
    }
    // The onboarding role's customer-role wildcard is acknowledged for what sets it apart from deliver's.
    const verifier = acknowledged.find(({ path, id }) => path.endsWith('/Functions/Onboarding/Role') && id.includes(':iam::*:role/'));
    expect(verifier?.reason).toMatch(/without (an ExternalId|one)/);
  });

  it('passes with the partner-id product pattern too (no productArns), acknowledging its wildcards', () => {
    const variant = synthesizeBroker({ context: { productArns: '' } });
    expect(new AwsSolutionsChecks().validateScope(variant.app).violations).toEqual([]);
    const ids = acknowledgementsIn(variant.app).map(({ id }) => id);
    expect(ids).toContain('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:securityhub:*:*:product/acme/acme-scanner]');
  });

  it('fails synth when a violation is not acknowledged', () => {
    const app = new App({ context: { ...TEST_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
    const stack = buildBrokerApp(app);
    new Queue(stack, 'PlainQueue');
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS3[\s\S]*PlainQueue/);
  });
});
