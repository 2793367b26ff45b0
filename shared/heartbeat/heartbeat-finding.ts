import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import type { Finding } from '../queue/delivery-message.js';
import { HEARTBEAT_INTERVAL_MINUTES } from './heartbeat-schedule.js';

/**
 * The heartbeat's finding type. The partner guide names the type `Heartbeat` ("uses the finding type
 * Heartbeat", product-readiness-checklist.html), but a finding type is namespace/category/classifier
 * and the ASFF model allows only five namespaces: "Valid namespace values are: Software and
 * Configuration Checks | TTPs | Effects | Unusual Behaviors | Sensitive Data Identifications"
 * (botocore securityhub/2018-10-26/service-2.json, AwsSecurityFinding.Types). The emulator refuses any
 * other namespace (emulator/securityhub/finding-checks.ts, FINDING_TYPE). So `Heartbeat` is the
 * category under the namespace that fits a check of the integration's own configuration.
 */
export const HEARTBEAT_TYPE = 'Software and Configuration Checks/Heartbeat';
export const HEARTBEAT_GENERATOR_ID = 'securityhub-findings-broker/heartbeat';

/** ASFF lengths (botocore securityhub model, AwsSecurityFinding): Title 1-256, Description 1-1024 characters. */
const MAX_TITLE = 256;
const MAX_DESCRIPTION = 1024;
/** The partner's display name as CompanyName and ProductName may be long (1-128, same model). */
const MAX_NAME = 128;

export interface HeartbeatInput {
  /** The customer's account: the finding's AwsAccountId. */
  accountId: string;
  /** The partner's product ARN in the Region the heartbeat goes to (the Region is read from it). */
  productArn: string;
  /** `<company>/<product>`. */
  productKey: string;
  /** The partner's display name (registry). */
  partnerName: string;
  at: Date;
}

/**
 * One Id per product, account and Region, so each heartbeat updates the one finding instead of adding
 * one every five minutes: Security Hub updates a finding with the same ProductArn and Id whose
 * UpdatedAt is later (user guide, "Using BatchImportFindings to create and update findings",
 * finding-update-batchimportfindings.html). Prefixed like the verification finding's Id
 * (shared/onboarding/verification-finding.ts), so a partner's own Ids cannot be mistaken for it.
 */
export function heartbeatId(productKey: string, accountId: string, region: string): string {
  return `securityhub-findings-broker/heartbeat/${productKey}/${accountId}/${region}`;
}

/**
 * The heartbeat the partner guide recommends: INFORMATIONAL, saying that the broker's integration for
 * the partner's product could import into this account and Region, and when. CreatedAt is the
 * heartbeat's own time too (equal to UpdatedAt, so never after it: shared/asff/validate.ts): the broker
 * keeps no state to remember the first heartbeat. Assumption: a CreatedAt that moves with each update
 * is harmless; ASFF only says it is when the provider "created the potential security issue"
 * (botocore securityhub model, AwsSecurityFinding.CreatedAt), and a heartbeat is made when it is sent.
 * Types and Severity go in FindingProviderFields, where a finding provider sets them ("finding
 * providers use the FindingProviderFields object to provide values for these attributes", user guide,
 * finding-update-batchimportfindings.html#batchimportfindings-findingproviderfields); top-level ones
 * are the customer's, and the broker's own validator warns about them (shared/asff/partner-fields.ts).
 * RecordState is left to its default (ACTIVE): the heartbeat is meant to be seen.
 */
export function heartbeatFinding(input: HeartbeatInput): Finding {
  const region = input.productArn.split(':')[3] ?? '';
  const at = input.at.toISOString();
  const name = input.partnerName.trim().slice(0, MAX_NAME) || input.productKey;
  const finding = {
    SchemaVersion: '2018-10-08',
    Id: heartbeatId(input.productKey, input.accountId, region),
    ProductArn: input.productArn,
    GeneratorId: HEARTBEAT_GENERATOR_ID,
    AwsAccountId: input.accountId,
    CreatedAt: at,
    UpdatedAt: at,
    FindingProviderFields: { Types: [HEARTBEAT_TYPE], Severity: { Label: 'INFORMATIONAL' } },
    Title: `Heartbeat: the findings broker's integration for ${input.productKey} is alive`.slice(0, MAX_TITLE),
    Description: (
      `The Security Hub findings broker imported this heartbeat for ${name} (${input.productKey}) into account ` +
      `${input.accountId} in ${region} at ${at}: the integration can import findings here. The broker updates ` +
      `this finding every ${HEARTBEAT_INTERVAL_MINUTES} minutes; if its UpdatedAt is much older than that, ` +
      `findings from ${input.productKey} are not reaching this account and Region. No action is needed while it keeps updating.`
    ).slice(0, MAX_DESCRIPTION),
    // The resource is the partner's product itself: "If the resource does not match any of the provided
    // types, then set Type to Other" (botocore securityhub model, Resource.Type).
    Resources: [{ Type: 'Other', Id: input.productArn, Region: region }],
  } satisfies AwsSecurityFinding;
  return finding;
}
