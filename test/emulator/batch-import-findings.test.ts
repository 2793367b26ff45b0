import { BatchImportFindingsCommand, GetFindingsCommand } from '@aws-sdk/client-securityhub';
import { describe, expect, it } from 'vitest';
import { CUSTOMER, OTHER, PARTNER, PRODUCT_ARN, REGION, failure, finding, grant, securityHubClient, useSeededHub } from './fixtures.js';

const seeded = useSeededHub();

/** The customer role may import under the customer's own default product too (the broker's role may not). */
function allowOwnDefaultProduct(): void {
  grant(seeded, 'ImportOwnFindings', { Effect: 'Allow', Action: 'securityhub:BatchImportFindings', Resource: `arn:aws:securityhub:*:${CUSTOMER}:product/${CUSTOMER}/default` });
}

describe('BatchImportFindings', () => {
  it('imports a valid finding that GetFindings then returns', async () => {
    const reply = await seeded.hub.send(new BatchImportFindingsCommand({ Findings: [finding()] }));
    expect(reply).toMatchObject({ SuccessCount: 1, FailedCount: 0, FailedFindings: [] });
    const { Findings } = await seeded.hub.send(new GetFindingsCommand({ Filters: { Id: [{ Value: 'finding-1', Comparison: 'EQUALS' }] } }));
    expect(Findings).toHaveLength(1);
    expect(Findings![0]).toMatchObject({ Id: 'finding-1', Title: 'Outdated OpenSSL', Region: REGION, RecordState: 'ACTIVE' });
    expect(seeded.emulator.state.findings(CUSTOMER, REGION)).toEqual([finding()]);
  });

  it('replaces a finding only when the update carries a later UpdatedAt', async () => {
    await seeded.hub.send(new BatchImportFindingsCommand({ Findings: [finding()] }));
    const stale = await seeded.hub.send(new BatchImportFindingsCommand({ Findings: [finding({ Title: 'stale', UpdatedAt: '2024-12-31T00:00:00Z' })] }));
    const same = await seeded.hub.send(new BatchImportFindingsCommand({ Findings: [finding({ Title: 'same time' })] }));
    expect(stale.SuccessCount).toBe(1);
    expect(same.SuccessCount).toBe(1);
    expect(seeded.emulator.state.findings(CUSTOMER, REGION).map((f) => f.Title)).toEqual(['Outdated OpenSSL']);
    await seeded.hub.send(new BatchImportFindingsCommand({ Findings: [finding({ Title: 'fixed', UpdatedAt: '2025-01-02T00:00:00+01:00' })] }));
    expect(seeded.emulator.state.findings(CUSTOMER, REGION).map((f) => f.Title)).toEqual(['fixed']);
  });

  it('refuses more than 100 findings with InvalidInputException for the whole call', async () => {
    const findings = Array.from({ length: 101 }, (_, i) => finding({ Id: `f-${i}` }));
    expect(await failure(seeded.hub.send(new BatchImportFindingsCommand({ Findings: findings })))).toMatchObject({ name: 'InvalidInputException', status: 400 });
    expect(seeded.emulator.state.findings(CUSTOMER, REGION)).toEqual([]);
  });

  it('refuses a request body over 6 MB with InvalidInputException', async () => {
    const big = 'x'.repeat(200 * 1024);
    const findings = Array.from({ length: 31 }, (_, i) => finding({ Id: `f-${i}`, ProductFields: { blob: big } }));
    expect(await failure(seeded.hub.send(new BatchImportFindingsCommand({ Findings: findings })))).toMatchObject({ name: 'InvalidInputException', status: 400 });
  });

  it('returns each finding with InvalidAccess in FailedFindings (the call succeeds) when the account has not enabled the integration', async () => {
    seeded.emulator.state.disableProduct(CUSTOMER, REGION, PRODUCT_ARN);
    const reply = await seeded.hub.send(new BatchImportFindingsCommand({ Findings: [finding(), finding({ Id: 'finding-2' })] }));
    expect(reply.$metadata.httpStatusCode).toBe(200);
    expect(reply).toMatchObject({ SuccessCount: 0, FailedCount: 2 });
    expect(reply.FailedFindings!.map((f) => [f.Id, f.ErrorCode])).toEqual([['finding-1', 'InvalidAccess'], ['finding-2', 'InvalidAccess']]);
    expect(reply.FailedFindings![0]!.ErrorMessage).toContain(PRODUCT_ARN);
    expect(seeded.emulator.state.findings(CUSTOMER, REGION)).toEqual([]);
  });

  it('returns each finding with InvalidAccess in FailedFindings (the call succeeds) when Security Hub is not enabled in the account and Region', async () => {
    seeded.emulator.state.disableHub(CUSTOMER, REGION);
    const reply = await seeded.hub.send(new BatchImportFindingsCommand({ Findings: [finding()] }));
    expect(reply.$metadata.httpStatusCode).toBe(200);
    expect(reply).toMatchObject({ SuccessCount: 0, FailedCount: 1, FailedFindings: [{ Id: 'finding-1', ErrorCode: 'InvalidAccess' }] });
    expect(reply.FailedFindings![0]!.ErrorMessage).toContain('not enabled');
  });

  it('imports the accepted findings of a call and fails only those whose product the account has not enabled', async () => {
    allowOwnDefaultProduct();
    const defaultProduct = `arn:aws:securityhub:${REGION}:${CUSTOMER}:product/${CUSTOMER}/default`;
    seeded.emulator.state.disableProduct(CUSTOMER, REGION, PRODUCT_ARN);
    const reply = await seeded.hub.send(new BatchImportFindingsCommand({ Findings: [finding(), finding({ Id: 'own', ProductArn: defaultProduct })] }));
    expect(reply).toMatchObject({ SuccessCount: 1, FailedCount: 1, FailedFindings: [{ Id: 'finding-1', ErrorCode: 'InvalidAccess' }] });
    expect(seeded.emulator.state.findings(CUSTOMER, REGION).map((f) => f.Id)).toEqual(['own']);
  });

  it('fails the whole call when one finding targets another account', async () => {
    const error = await failure(seeded.hub.send(new BatchImportFindingsCommand({ Findings: [finding(), finding({ Id: 'x', AwsAccountId: OTHER })] })));
    expect(error).toMatchObject({ name: 'AccessDeniedException', status: 403 });
    expect(error.message).toContain('is not authorized to perform: securityhub:BatchImportFindings');
    expect(seeded.emulator.state.findings(CUSTOMER, REGION)).toEqual([]);
  });

  it("denies an account importing another account's findings under its default product", async () => {
    allowOwnDefaultProduct();
    const defaultProduct = `arn:aws:securityhub:${REGION}:${CUSTOMER}:product/${CUSTOMER}/default`;
    const error = await failure(seeded.hub.send(new BatchImportFindingsCommand({ Findings: [finding({ ProductArn: defaultProduct, AwsAccountId: OTHER })] })));
    expect(error).toMatchObject({ name: 'AccessDeniedException', status: 403 });
  });

  it("accepts the partner's own account importing into a subscribed customer (partner-account mode)", async () => {
    seeded.emulator.state.enableHub(PARTNER, REGION);
    const partnerHub = securityHubClient(seeded.emulator, seeded.brokerKey);
    const reply = await partnerHub.send(new BatchImportFindingsCommand({ Findings: [finding()] }));
    expect(reply.SuccessCount).toBe(1);
    expect(seeded.emulator.state.findings(CUSTOMER, REGION)).toHaveLength(1);
  });

  it('denies a caller that is neither the finding\'s account nor the product\'s account, despite the subscription', async () => {
    const { state } = seeded.emulator;
    state.enableHub(OTHER, REGION);
    const outsider = securityHubClient(seeded.emulator, state.addAccessKey({ accountId: OTHER, principalArn: `arn:aws:iam::${OTHER}:user/ops` }));
    const error = await failure(outsider.send(new BatchImportFindingsCommand({ Findings: [finding()] })));
    expect(error).toMatchObject({ name: 'AccessDeniedException', status: 403 });
    expect(error.message).toContain(`account ${OTHER} may not import findings for account ${CUSTOMER}`);
  });

  it('accepts an account importing under its own default product without a subscription', async () => {
    allowOwnDefaultProduct();
    const defaultProduct = `arn:aws:securityhub:${REGION}:${CUSTOMER}:product/${CUSTOMER}/default`;
    const reply = await seeded.hub.send(new BatchImportFindingsCommand({ Findings: [finding({ ProductArn: defaultProduct })] }));
    expect(reply.SuccessCount).toBe(1);
  });

  it("fails a finding whose ProductArn Region differs from the request's Region, alone", async () => {
    const westProduct = PRODUCT_ARN.replace(REGION, 'us-west-2');
    seeded.emulator.state.enableHub(CUSTOMER, 'us-west-2');
    seeded.emulator.state.enableProduct(CUSTOMER, 'us-west-2', westProduct);
    const reply = await seeded.hub.send(new BatchImportFindingsCommand({ Findings: [finding(), finding({ Id: 'west', ProductArn: westProduct })] }));
    expect(reply).toMatchObject({ SuccessCount: 1, FailedCount: 1 });
    expect(reply.FailedFindings![0]).toMatchObject({ Id: 'west', ErrorCode: 'InvalidInput' });
  });

  it('answers 200 with an InvalidInput entry per finding that breaks an ASFF rule', async () => {
    const reply = await seeded.hub.send(new BatchImportFindingsCommand({
      Findings: [
        finding(),
        finding({ Id: 'long-title', Title: 't'.repeat(257) }),
        finding({ Id: 'no-severity', Severity: undefined, Types: undefined }),
        finding({ Id: 'bad-date', UpdatedAt: '2025-01-01 10:00' }),
      ],
    }));
    expect(reply).toMatchObject({ SuccessCount: 1, FailedCount: 3 });
    expect(reply.FailedFindings).toEqual([
      { Id: 'long-title', ErrorCode: 'InvalidInput', ErrorMessage: 'data.Title should NOT be longer than 256 characters' },
      { Id: 'no-severity', ErrorCode: 'InvalidInput', ErrorMessage: "data should have required property 'FindingProviderFields', data should match some schema in anyOf" },
      { Id: 'bad-date', ErrorCode: 'InvalidInput', ErrorMessage: 'data.UpdatedAt should match format "date-time"' },
    ]);
    expect(seeded.emulator.state.findings(CUSTOMER, REGION).map((f) => f.Id)).toEqual(['finding-1']);
  });
});
