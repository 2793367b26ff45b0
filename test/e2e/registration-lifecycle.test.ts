import { DeleteRolePolicyCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { deadLetters, findingsFor, postFindings } from '../support/local-broker.js';
import { onboardingKit } from '../support/onboarding-kit.js';

const kit = onboardingKit('4200', {
  // Deliver suspends after 3 refused deliveries, at once (the deployed default also waits 5 minutes).
  suspendAfter: { failures: 3, seconds: 0 },
});

describe('when delivery is refused', () => {
  it('records the refusals on the registration, suspends it after the threshold, shows why, and a passing re-verify makes it ACTIVE again', async () => {
    const customer = kit.newCustomer();
    const setup = await kit.register(customer);
    await customer.call('PUT', `${kit.path()}/role`, { roleArn: await kit.buildRole(customer, setup) });
    await customer.iam.send(new DeleteRolePolicyCommand({ RoleName: setup.roleName, PolicyName: 'SecurityHubFindingsBrokerImport' }));
    for (let batch = 1; batch <= 3; batch++) {
      const posted = await postFindings(kit.stack, kit.partner.token, { Findings: findingsFor(kit.partner, customer.accountId, 2, `refused-${batch}`) });
      expect(posted.body.accepted).toBe(2);
      await expect.poll(async () => (await customer.call('GET', kit.path())).body.deliveryProblem?.count, { timeout: 15_000, interval: 200 }).toBe(batch);
      const seen = (await customer.call('GET', kit.path())).body;
      expect(seen.deliveryProblem).toMatchObject({ code: 'ImportAccessDenied', region: kit.stack.region });
      expect(seen.deliveryProblem.message).toMatch(/securityhub:BatchImportFindings/);
      expect(seen.status).toBe(batch < 3 ? 'ACTIVE' : 'SUSPENDED');
    }
    const suspended = (await customer.call('GET', kit.path())).body;
    expect(suspended.history.at(-1)).toMatchObject({ status: 'SUSPENDED', by: 'broker:deliver' });
    expect(suspended.statusReason).toMatch(/Suspended/);
    // Findings for a suspended registration are refused at ingest, with no AssumeRole at all.
    expect((await postFindings(kit.stack, kit.partner.token, { Findings: findingsFor(kit.partner, customer.accountId, 1, 'while-suspended') })).body.accepted).toBe(0);

    await kit.restorePermissions(customer, setup);
    const active = (await customer.call('POST', `${kit.path()}/verify`)).body;
    expect(active).toMatchObject({ status: 'ACTIVE', deliveryProblem: null, problems: [] });
  }, 60_000);
});

describe('concurrent changes', () => {
  it('never resurrects a registration when verifications race an offboard, and records every change it kept', async () => {
    for (let round = 0; round < 3; round++) {
      const customer = kit.newCustomer();
      const setup = await kit.register(customer);
      await customer.call('PUT', `${kit.path()}/role`, { roleArn: await kit.buildRole(customer, setup) });
      const replies = await Promise.all([
        customer.call('POST', `${kit.path()}/verify`), customer.call('DELETE', kit.path()), customer.call('POST', `${kit.path()}/verify`),
      ]);
      expect(replies.map((reply) => reply.status).every((status) => [200, 409].includes(status))).toBe(true);
      const final = (await customer.call('GET', kit.path())).body;
      expect(final.status).toBe('OFFBOARDED');
      expect(final.history.at(-1)).toMatchObject({ status: 'OFFBOARDED' });
      expect(final.history.filter((change: { status: string }) => change.status === 'OFFBOARDED')).toHaveLength(1);
    }
  }, 60_000);

  it('keeps both of two simultaneous verifications or answers the loser 409, never a half-written record', async () => {
    const customer = kit.newCustomer();
    const setup = await kit.register(customer);
    await customer.call('PUT', `${kit.path()}/role`, { roleArn: await kit.buildRole(customer, setup) });
    const before = (await customer.call('GET', kit.path())).body.history.length;
    const replies = await Promise.all([customer.call('POST', `${kit.path()}/verify`), customer.call('POST', `${kit.path()}/verify`)]);
    expect(replies.map((reply) => reply.status).every((status) => [200, 409].includes(status))).toBe(true);
    const final = (await customer.call('GET', kit.path())).body;
    expect(final).toMatchObject({ status: 'ACTIVE', problems: [] });
    expect(final.history.length - before).toBe(replies.filter((reply) => reply.status === 200).length);
  }, 30_000);
});

describe('offboarding', () => {
  it('offboards at once: new findings are refused, queued ones are dead-lettered RegistrationOffboarded, and the record stays with who and when', async () => {
    const customer = kit.newCustomer();
    const setup = await kit.register(customer);
    await customer.call('PUT', `${kit.path()}/role`, { roleArn: await kit.buildRole(customer, setup) });
    await kit.stack.poller.stop();
    const queued = await postFindings(kit.stack, kit.partner.token, { Findings: findingsFor(kit.partner, customer.accountId, 3, 'queued') });
    expect(queued.body.accepted).toBe(3);
    const offboarded = await customer.call('DELETE', kit.path());
    expect(offboarded.status).toBe(200);
    expect(offboarded.body.status).toBe('OFFBOARDED');
    expect(offboarded.body.history.at(-1)).toMatchObject({ status: 'OFFBOARDED', by: `arn:aws:iam::${customer.accountId}:user/cloud-engineer` });
    kit.stack.poller.start();
    const refused = await postFindings(kit.stack, kit.partner.token, { Findings: findingsFor(kit.partner, customer.accountId, 1, 'late') });
    expect(refused.body.accepted).toBe(0);
    await expect.poll(async () => (await deadLetters(kit.stack))
      .filter((letter) => letter.attributes.AwsAccountId === customer.accountId && letter.attributes.ErrorCode === 'RegistrationOffboarded')
      .reduce((sum, letter) => sum + letter.findings.length, 0), { timeout: 15_000, interval: 300 }).toBe(3);
    // Offboarded is final: no verify, no new role, no re-create brings it back.
    expect((await customer.call('POST', `${kit.path()}/verify`)).status).toBe(409);
    expect((await customer.call('POST', '/v1/registrations', { product: kit.partner.productKey, regions: [kit.stack.region] })).body.registration.status).toBe('OFFBOARDED');
    expect((await customer.call('GET', kit.path())).body.status).toBe('OFFBOARDED');
  }, 60_000);
});
