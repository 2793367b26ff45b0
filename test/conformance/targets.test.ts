import { describe, expect, it } from 'vitest';
import { AWS_TARGET_VARIABLES, awsTarget, startTarget } from './targets.js';

describe('the conformance targets', () => {
  it('refuses to run against AWS without the sandbox variables, naming each one and what it must hold', async () => {
    const error = await awsTarget({}).then(() => undefined, (e: Error) => e);
    expect(error?.message).toMatch(/^CONFORMANCE_TARGET=aws needs a sandbox account described by these variables \(see docs\/conformance\.md\)/);
    for (const [name, what] of Object.entries(AWS_TARGET_VARIABLES)) expect(error?.message).toContain(`${name}: ${what}`);
  });

  it('names the two targets it knows when given another', async () => {
    await expect(startTarget('localstack')).rejects.toThrow('CONFORMANCE_TARGET must be "emulator" (the default) or "aws", got "localstack".');
  });
});
