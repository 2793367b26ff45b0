import { describe, expect, it } from 'vitest';
import { demoFinding } from '#infra/local/demo-finding.js';
import { validateFinding } from '#shared/asff/validate.js';

describe('the demo finding npm start prints a curl for', () => {
  it('is valid and draws no warning: Types and Severity come from FindingProviderFields, as the docs advise', () => {
    const verdict = validateFinding(demoFinding('arn:aws:securityhub:us-east-1:111111111111:product/demo/scanner', '222222222222', 'us-east-1', new Date()), 0);
    expect(verdict).toMatchObject({ valid: true, errors: [], warnings: [] });
  });

  it('is updated at the start\'s time, so a restart prints a version Security Hub takes as newer', () => {
    const at = new Date('2026-11-30T12:00:00Z');
    expect(demoFinding('arn:aws:securityhub:us-east-1:111111111111:product/demo/scanner', '222222222222', 'us-east-1', at).UpdatedAt).toBe('2026-11-30T12:00:00.000Z');
  });
});
