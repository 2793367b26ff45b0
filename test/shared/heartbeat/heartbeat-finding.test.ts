import { describe, expect, it } from 'vitest';
import { findingProblems } from '#emulator/securityhub/finding-checks.js';
import { validateFinding } from '#shared/asff/validate.js';
import { HEARTBEAT_TYPE, heartbeatFinding, heartbeatId } from '#shared/heartbeat/heartbeat-finding.js';

const PRODUCT_ARN = 'arn:aws:securityhub:eu-west-1:111111111111:product/acme/scanner';
const input = (at: Date, overrides: Partial<Parameters<typeof heartbeatFinding>[0]> = {}) =>
  heartbeatFinding({ accountId: '222222222222', productArn: PRODUCT_ARN, productKey: 'acme/scanner', partnerName: 'Acme', at, ...overrides });

describe('heartbeatFinding', () => {
  it("passes the broker's own ASFF validator with no error and no warning", () => {
    const verdict = validateFinding(input(new Date('2026-03-01T12:00:00Z')), 0);
    expect(verdict.errors).toEqual([]);
    expect(verdict.warnings).toEqual([]);
    expect(verdict.valid).toBe(true);
  });

  it("passes the emulator's Security Hub checks, which require a valid namespace in Types", () => {
    expect(findingProblems(input(new Date('2026-03-01T12:00:00Z')))).toEqual([]);
  });

  it('stays valid with a partner name longer than ASFF allows a name to be', () => {
    const finding = input(new Date('2026-03-01T12:00:00Z'), { partnerName: 'A'.repeat(5000) });
    expect(validateFinding(finding, 0).errors).toEqual([]);
    expect(findingProblems(finding)).toEqual([]);
  });

  it('keeps one Id per product, account and Region, so each heartbeat updates the same finding', () => {
    const first = input(new Date('2026-03-01T12:00:00Z'));
    const second = input(new Date('2026-03-01T12:05:00Z'));
    expect(first.Id).toBe('securityhub-findings-broker/heartbeat/acme/scanner/222222222222/eu-west-1');
    expect(second.Id).toBe(first.Id);
    expect(heartbeatId('acme/scanner', '333333333333', 'eu-west-1')).not.toBe(first.Id);
    expect(heartbeatId('acme/scanner', '222222222222', 'us-east-1')).not.toBe(first.Id);
  });

  it('stamps UpdatedAt (and CreatedAt) with the time it is made, so a later heartbeat is an update', () => {
    const first = input(new Date('2026-03-01T12:00:00Z'));
    const second = input(new Date('2026-03-01T12:05:00Z'));
    expect(first.UpdatedAt).toBe('2026-03-01T12:00:00.000Z');
    expect(second.UpdatedAt).toBe('2026-03-01T12:05:00.000Z');
    expect(second.CreatedAt).toBe(second.UpdatedAt);
  });

  it('is an INFORMATIONAL Software and Configuration Checks/Heartbeat finding from the provider, for the product ARN and account given', () => {
    const finding = input(new Date('2026-03-01T12:00:00Z'));
    expect(finding).toMatchObject({
      ProductArn: PRODUCT_ARN,
      AwsAccountId: '222222222222',
      GeneratorId: 'securityhub-findings-broker/heartbeat',
      FindingProviderFields: { Types: [HEARTBEAT_TYPE], Severity: { Label: 'INFORMATIONAL' } },
      Resources: [{ Type: 'Other', Id: PRODUCT_ARN, Region: 'eu-west-1' }],
    });
    expect(HEARTBEAT_TYPE).toBe('Software and Configuration Checks/Heartbeat');
    // Top-level Types and Severity are the customer's (shared/asff/partner-fields.ts).
    expect(finding.Types).toBeUndefined();
    expect(finding.Severity).toBeUndefined();
    expect(finding.Title).toContain('acme/scanner');
    expect(finding.Description).toContain('2026-03-01T12:00:00.000Z');
  });
});
