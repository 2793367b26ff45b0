import type { AwsSecurityFinding, BatchUpdateFindingsCommandInput } from '@aws-sdk/client-securityhub';
import { BatchImportFindingsCommand, BatchUpdateFindingsCommand, GetFindingsCommand } from '@aws-sdk/client-securityhub';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Finding } from '#emulator/types.js';
import { CUSTOMER, CUSTOMER_HUBS, OTHER, PRODUCT_ARN, REGION, failure, finding, grant, useSeededHub } from './fixtures.js';

const seeded = useSeededHub();

// The customer updates its findings through the same role here.
beforeEach(() => grant(seeded, 'UpdateFindings', { Effect: 'Allow', Action: 'securityhub:BatchUpdateFindings', Resource: CUSTOMER_HUBS }));

const FINDING_1 = { Id: 'finding-1', ProductArn: PRODUCT_ARN };
const LATER = '2025-02-01T00:00:00Z';

async function importFindings(...findings: Finding[]): Promise<void> {
  const reply = await seeded.hub.send(new BatchImportFindingsCommand({ Findings: findings }));
  expect(reply.FailedFindings).toEqual([]);
}

async function update(input: Omit<BatchUpdateFindingsCommandInput, 'FindingIdentifiers'>, identifiers = [FINDING_1]) {
  return seeded.hub.send(new BatchUpdateFindingsCommand({ FindingIdentifiers: identifiers, ...input }));
}

/** The finding as GetFindings returns it. */
async function get(id = 'finding-1'): Promise<AwsSecurityFinding> {
  const { Findings } = await seeded.hub.send(new GetFindingsCommand({ Filters: { Id: [{ Value: id, Comparison: 'EQUALS' }] } }));
  expect(Findings).toHaveLength(1);
  return Findings![0]!;
}

/** Types and Severity in FindingProviderFields only, as the user guide prefers. */
function providerFinding(fields: Record<string, unknown>, overrides: Record<string, unknown> = {}): Finding {
  return finding({ Types: undefined, Severity: undefined, FindingProviderFields: { Types: ['TTPs/Discovery'], ...fields }, ...overrides });
}

describe('BatchUpdateFindings then a provider update (FindingProviderFields rules)', () => {
  it("keeps the customer's top-level values while a later import updates FindingProviderFields", async () => {
    await importFindings(providerFinding({ Severity: { Label: 'HIGH', Original: '8.0' }, Confidence: 50, Criticality: 20 }));
    const reply = await update({ Severity: { Label: 'LOW' }, Confidence: 10 });
    expect(reply).toMatchObject({ ProcessedFindings: [FINDING_1], UnprocessedFindings: [] });

    await importFindings(providerFinding({ Severity: { Label: 'CRITICAL', Original: '9.8' }, Confidence: 90, Criticality: 30 }, { UpdatedAt: LATER }));
    const held = await get();
    expect(held.Severity).toEqual({ Label: 'LOW', Normalized: 1, Original: '8.0' });
    expect(held.Confidence).toBe(10);
    // Criticality was never set by BatchUpdateFindings, so the provider's new value reaches the top level.
    expect(held.Criticality).toBe(30);
    expect(held.FindingProviderFields).toMatchObject({ Severity: { Label: 'CRITICAL', Original: '9.8' }, Confidence: 90, Criticality: 30 });
  });

  it('copies a top-level-only update into FindingProviderFields but leaves the top level the customer set', async () => {
    await importFindings(finding({ Severity: { Label: 'HIGH' }, Types: ['TTPs/Discovery'] }));
    await update({ Types: ['Effects/Data Exposure'] });
    await importFindings(finding({ Severity: { Label: 'MEDIUM' }, Types: ['Software and Configuration Checks/Vulnerabilities/CVE'], UpdatedAt: LATER }));
    const held = await get();
    expect(held.Types).toEqual(['Effects/Data Exposure']);
    expect(held.Severity).toMatchObject({ Label: 'MEDIUM' });
    expect(held.FindingProviderFields?.Types).toEqual(['Software and Configuration Checks/Vulnerabilities/CVE']);
    expect(held.FindingProviderFields?.Severity?.Label).toBe('MEDIUM');
  });

  it('lets a later import replace the top-level values when BatchUpdateFindings never set them', async () => {
    await importFindings(providerFinding({ Severity: { Label: 'HIGH' }, Confidence: 50 }));
    await importFindings(providerFinding({ Severity: { Label: 'LOW' }, Confidence: 70 }, { UpdatedAt: LATER }));
    expect(await get()).toMatchObject({ Severity: { Label: 'LOW', Normalized: 1 }, Confidence: 70 });
  });

  it('keeps Note, Workflow, VerificationState and UserDefinedFields through a provider update that sends other values', async () => {
    await importFindings(finding());
    await update({ Note: { Text: 'Ticket SEC-42 opened', UpdatedBy: 'analyst' }, Workflow: { Status: 'NOTIFIED' }, VerificationState: 'TRUE_POSITIVE', UserDefinedFields: { ticket: 'SEC-42' } });
    await importFindings(finding({
      UpdatedAt: LATER, Title: 'renamed by the provider',
      Note: { Text: 'provider note', UpdatedBy: 'scanner', UpdatedAt: LATER }, Workflow: { Status: 'RESOLVED' }, VerificationState: 'FALSE_POSITIVE', UserDefinedFields: { ticket: 'none' },
    }));
    const held = await get();
    expect(held).toMatchObject({ Title: 'renamed by the provider', Workflow: { Status: 'NOTIFIED' }, VerificationState: 'TRUE_POSITIVE', UserDefinedFields: { ticket: 'SEC-42' } });
    expect(held.Note).toMatchObject({ Text: 'Ticket SEC-42 opened', UpdatedBy: 'analyst' });
    expect(Date.parse(held.Note!.UpdatedAt!)).not.toBeNaN();
  });

  it('still ignores an import whose UpdatedAt is not later than the stored one', async () => {
    await importFindings(finding({ Severity: { Label: 'HIGH' } }));
    await update({ Workflow: { Status: 'SUPPRESSED' } });
    await importFindings(finding({ Severity: { Label: 'LOW' }, Title: 'same time' }));
    expect(await get()).toMatchObject({ Title: 'Outdated OpenSSL', Severity: { Label: 'HIGH' }, FindingProviderFields: { Severity: { Label: 'HIGH' } } });
  });
});

describe('Severity Label and Normalized', () => {
  it('fills in Normalized for a Label-only import and Label for a Normalized-only import', async () => {
    await importFindings(providerFinding({ Severity: { Label: 'HIGH' } }), finding({ Id: 'normalized-only', Severity: { Normalized: 45 } }));
    expect((await get()).Severity).toEqual({ Label: 'HIGH', Normalized: 70 });
    const normalizedOnly = await get('normalized-only');
    expect(normalizedOnly.Severity).toEqual({ Label: 'MEDIUM', Normalized: 45 });
    expect(normalizedOnly.FindingProviderFields?.Severity?.Label).toBe('MEDIUM');
  });

  it('sets Label from a Normalized-only update and Normalized from a Label-only update, keeping Original', async () => {
    await importFindings(finding({ Severity: { Label: 'LOW', Original: '2.0' } }));
    await update({ Severity: { Normalized: 95 } });
    expect((await get()).Severity).toEqual({ Label: 'CRITICAL', Normalized: 95, Original: '2.0' });
    await update({ Severity: { Label: 'MEDIUM' } });
    expect((await get()).Severity).toEqual({ Label: 'MEDIUM', Normalized: 40, Original: '2.0' });
  });
});

describe('BatchUpdateFindings', () => {
  it('does not change UpdatedAt', async () => {
    await importFindings(finding());
    await update({ Confidence: 5, Workflow: { Status: 'RESOLVED' } });
    expect(await get()).toMatchObject({ UpdatedAt: '2025-01-01T00:00:00Z', Confidence: 5, Workflow: { Status: 'RESOLVED' } });
  });

  it('reports a finding that does not exist, or belongs to another account, as FindingNotFound and updates the rest', async () => {
    await importFindings(finding());
    const missing = { Id: 'no-such-finding', ProductArn: PRODUCT_ARN };
    seeded.emulator.state.enableHub(OTHER, REGION);
    seeded.emulator.state.findingStore.put(REGION, finding({ Id: 'theirs', AwsAccountId: OTHER }));
    const theirs = { Id: 'theirs', ProductArn: PRODUCT_ARN };
    const reply = await update({ Criticality: 80 }, [missing, FINDING_1, theirs]);
    expect(reply.ProcessedFindings).toEqual([FINDING_1]);
    expect(reply.UnprocessedFindings).toEqual([
      { FindingIdentifier: missing, ErrorCode: 'FindingNotFound', ErrorMessage: 'Finding Not Found' },
      { FindingIdentifier: theirs, ErrorCode: 'FindingNotFound', ErrorMessage: 'Finding Not Found' },
    ]);
    expect((await get()).Criticality).toBe(80);
  });

  it('reports every occurrence of a repeated identifier as DuplicatedFindingIdentifier and applies none', async () => {
    await importFindings(finding());
    const reply = await update({ Confidence: 33 }, [FINDING_1, FINDING_1]);
    expect(reply.ProcessedFindings).toEqual([]);
    expect(reply.UnprocessedFindings!.map((u) => u.ErrorCode)).toEqual(['DuplicatedFindingIdentifier', 'DuplicatedFindingIdentifier']);
    expect((await get()).Confidence).toBeUndefined();
  });

  it('reports an update that breaks an ASFF rule as InvalidInput for that finding, leaving it unchanged', async () => {
    await importFindings(finding());
    const reply = await update({ Types: ['Not a namespace/at all'] });
    expect(reply.UnprocessedFindings).toEqual([{ FindingIdentifier: FINDING_1, ErrorCode: 'InvalidInput', ErrorMessage: 'Invalid Input' }]);
    expect((await get()).Types).toEqual(['Software and Configuration Checks/Vulnerabilities/CVE']);
  });

  it('refuses a request the model does not allow with InvalidInputException (400)', async () => {
    await importFindings(finding());
    const refused = async (input: Record<string, unknown>, identifiers = [FINDING_1]) =>
      failure(update(input as Omit<BatchUpdateFindingsCommandInput, 'FindingIdentifiers'>, identifiers));
    const tooMany = Array.from({ length: 101 }, (_, i) => ({ Id: `f-${i}`, ProductArn: PRODUCT_ARN }));
    for (const error of [
      await refused({ Confidence: 5 }, tooMany),
      await refused({ Confidence: 5 }, []),
      await refused({ Confidence: 101 }),
      await refused({ Criticality: -1 }),
      await refused({ Severity: { Label: 'URGENT' } }),
      await refused({ Severity: { Normalized: 100.5 } }),
      await refused({ Workflow: { Status: 'DONE' } }),
      await refused({ VerificationState: 'MAYBE' }),
      await refused({ Note: { Text: 'x'.repeat(513), UpdatedBy: 'analyst' } }),
      await refused({ Note: { Text: '   ', UpdatedBy: 'analyst' } }),
    ]) {
      expect(error).toMatchObject({ name: 'InvalidInputException', status: 400 });
    }
    expect((await get()).Confidence).toBeUndefined();
  });

  it("answers InvalidAccessException (401) when Security Hub is not enabled in the caller's account and Region", async () => {
    seeded.emulator.state.disableHub(CUSTOMER, REGION);
    expect(await failure(update({ Confidence: 5 }))).toMatchObject({ name: 'InvalidAccessException', status: 401 });
  });

  it('leaves the admin view of the imported payload alone and keeps its bookkeeping out of the held finding', async () => {
    await importFindings(finding());
    await update({ Severity: { Label: 'LOW' }, Confidence: 5 });
    expect(seeded.emulator.state.findings(CUSTOMER, REGION)).toEqual([finding()]);
    const [held] = seeded.emulator.state.findingStore.held(CUSTOMER, REGION);
    expect(Object.keys(held!).sort()).toEqual([...Object.keys(finding()), 'Confidence', 'FindingProviderFields'].sort());
  });
});
