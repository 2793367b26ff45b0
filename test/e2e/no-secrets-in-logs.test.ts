import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_BROKER } from '#infra/local/stack.js';
import { findingsFor, postFindings } from '../support/local-broker.js';
import { captureProcessOutput } from '../support/process-output.js';
import { onboardingKit } from '../support/onboarding-kit.js';

/** Everything the handlers write (Powertools logs JSON to stdout and stderr), captured during the test. */
let output: ReturnType<typeof captureProcessOutput>;
beforeAll(() => {
  output = captureProcessOutput();
});
afterAll(() => output.restore());

// DEBUG: the most the handlers ever log.
const kit = onboardingKit('4500', { logLevel: 'DEBUG' });
const MARKER = 'finding-content-canary-7f3a9c';

describe('what the broker writes to its logs', () => {
  it('holds no finding content, token, ExternalId or credential, through ingest, delivery, refusals and onboarding', async () => {
    const customer = kit.newCustomer();
    const setup = await kit.onboarded(customer);
    const [good, bad] = findingsFor(kit.partner, customer.accountId, 2, 'logged');
    const posted = await postFindings(kit.stack, kit.partner.token, { Findings: [
      { ...good, Title: MARKER, Description: MARKER },
      { ...bad, Title: MARKER.repeat(20), Severity: { Label: MARKER } },
    ] });
    expect(posted.body.accepted).toBe(1);
    await postFindings(kit.stack, `${kit.partner.token}x`, { Findings: [good] });
    await customer.call('POST', '/v1/registrations', { product: kit.partner.productKey, regions: [kit.stack.region], externalId: MARKER });
    await kit.stack.poller.waitForIdle();

    const logs = output.captured.join('');
    // The capture saw the handlers' own log lines (else this test would prove nothing).
    expect(logs).toContain('"service":"securityhub-broker"');
    expect(logs).toContain('submission judged');
    for (const secret of [MARKER, kit.partner.token.split('.')[1]!, setup.externalId, customer.credentials.secretAccessKey,
      LOCAL_BROKER.secretAccessKey, LOCAL_BROKER.verifierSecretAccessKey]) {
      expect(logs.includes(secret), `a log line holds ${secret.slice(0, 12)}…`).toBe(false);
    }
  }, 60_000);
});
