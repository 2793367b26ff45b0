import {
  BatchImportFindingsCommand, DescribeHubCommand, DisableImportFindingsForProductCommand, EnableImportFindingsForProductCommand,
  EnableSecurityHubCommand, GetFindingsCommand, ListEnabledProductsForImportCommand,
} from '@aws-sdk/client-securityhub';
import { beforeEach, describe, expect, it } from 'vitest';
import { CUSTOMER, CUSTOMER_HUBS, PRODUCT_ARN, REGION, assumeCustomerRole, failure, finding, grant, securityHubClient, useSeededHub } from './fixtures.js';

const seeded = useSeededHub();

// These tests administer the hub through the customer role, so it may do that too.
beforeEach(() => grant(seeded, 'AdministerHub', {
  Effect: 'Allow',
  Action: ['securityhub:EnableSecurityHub', 'securityhub:EnableImportFindingsForProduct', 'securityhub:DisableImportFindingsForProduct'],
  Resource: CUSTOMER_HUBS,
}));

describe('hub and product subscriptions', () => {
  it('describes the enabled hub of the caller in the Region', async () => {
    const reply = await seeded.hub.send(new DescribeHubCommand({}));
    expect(reply.HubArn).toBe(`arn:aws:securityhub:${REGION}:${CUSTOMER}:hub/default`);
    expect(Date.parse(reply.SubscribedAt!)).not.toBeNaN();
  });

  it('answers DescribeHub in a Region without a hub with InvalidAccessException', async () => {
    const west = securityHubClient(seeded.emulator, await assumeCustomerRole(seeded), 'us-west-2');
    expect(await failure(west.send(new DescribeHubCommand({})))).toMatchObject({ name: 'InvalidAccessException', status: 401 });
    await west.send(new EnableSecurityHubCommand({}));
    await expect(west.send(new DescribeHubCommand({}))).resolves.toBeDefined();
    expect(await failure(west.send(new EnableSecurityHubCommand({})))).toMatchObject({ name: 'ResourceConflictException', status: 409 });
  });

  it('lists, adds and removes product subscriptions, paginated', async () => {
    const second = `arn:aws:securityhub:${REGION}:444444444444:product/other/tool`;
    const { ProductSubscriptionArn } = await seeded.hub.send(new EnableImportFindingsForProductCommand({ ProductArn: second }));
    expect(ProductSubscriptionArn).toBe(`arn:aws:securityhub:${REGION}:${CUSTOMER}:product-subscription/other/tool`);
    expect(await failure(seeded.hub.send(new EnableImportFindingsForProductCommand({ ProductArn: second })))).toMatchObject({ name: 'ResourceConflictException' });
    const first = await seeded.hub.send(new ListEnabledProductsForImportCommand({ MaxResults: 1 }));
    const rest = await seeded.hub.send(new ListEnabledProductsForImportCommand({ MaxResults: 1, NextToken: first.NextToken }));
    expect([...first.ProductSubscriptions!, ...rest.ProductSubscriptions!]).toEqual([
      `arn:aws:securityhub:${REGION}:${CUSTOMER}:product-subscription/acme/scanner`,
      ProductSubscriptionArn,
    ]);
    expect(rest.NextToken).toBeUndefined();
    await seeded.hub.send(new DisableImportFindingsForProductCommand({ ProductSubscriptionArn }));
    expect((await seeded.hub.send(new ListEnabledProductsForImportCommand({}))).ProductSubscriptions).toHaveLength(1);
    expect(await failure(seeded.hub.send(new DisableImportFindingsForProductCommand({ ProductSubscriptionArn })))).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
  });

  it('makes a product importable once the customer subscribes through the API', async () => {
    seeded.emulator.state.disableProduct(CUSTOMER, REGION, PRODUCT_ARN);
    expect((await seeded.hub.send(new BatchImportFindingsCommand({ Findings: [finding()] }))).FailedFindings).toMatchObject([{ ErrorCode: 'InvalidAccess' }]);
    await seeded.hub.send(new EnableImportFindingsForProductCommand({ ProductArn: PRODUCT_ARN }));
    await expect(seeded.hub.send(new BatchImportFindingsCommand({ Findings: [finding()] }))).resolves.toMatchObject({ SuccessCount: 1 });
  });
});

describe('GetFindings', () => {
  beforeEach(async () => {
    const findings = Array.from({ length: 5 }, (_, i) => finding({ Id: `scan/${i}`, GeneratorId: i < 3 ? 'rule-a' : 'rule-b' }));
    await seeded.hub.send(new BatchImportFindingsCommand({ Findings: [...findings, finding({ Id: 'other/1' })] }));
  });

  it('filters with EQUALS and PREFIX (same field OR, different fields AND)', async () => {
    const ids = async (Filters: object) => (await seeded.hub.send(new GetFindingsCommand({ Filters }))).Findings!.map((f) => f.Id);
    expect(await ids({ Id: [{ Value: 'scan/', Comparison: 'PREFIX' }], GeneratorId: [{ Value: 'rule-b', Comparison: 'EQUALS' }] })).toEqual(['scan/3', 'scan/4']);
    expect(await ids({ Id: [{ Value: 'scan/0', Comparison: 'EQUALS' }, { Value: 'other/', Comparison: 'PREFIX' }] })).toEqual(['scan/0', 'other/1']);
    expect(await ids({ AwsAccountId: [{ Value: CUSTOMER, Comparison: 'EQUALS' }], ProductArn: [{ Value: PRODUCT_ARN, Comparison: 'EQUALS' }] })).toHaveLength(6);
    expect(await ids({ Id: [{ Value: 'scan/', Comparison: 'PREFIX_NOT_EQUALS' }] })).toEqual(['other/1']);
  });

  it('pages with MaxResults and NextToken', async () => {
    const seen: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await seeded.hub.send(new GetFindingsCommand({ MaxResults: 4, NextToken }));
      seen.push(...page.Findings!.map((f) => f.Id!));
      NextToken = page.NextToken;
    } while (NextToken);
    expect(seen).toEqual(['scan/0', 'scan/1', 'scan/2', 'scan/3', 'scan/4', 'other/1']);
  });

  it('refuses filters it does not model, and a bad NextToken, with InvalidInputException', async () => {
    expect(await failure(seeded.hub.send(new GetFindingsCommand({ Filters: { Confidence: [{ Gte: 10 }] } })))).toMatchObject({ name: 'InvalidInputException', status: 400 });
    expect(await failure(seeded.hub.send(new GetFindingsCommand({ NextToken: 'garbage' })))).toMatchObject({ name: 'InvalidInputException' });
  });
});
