import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CUSTOMER_ROLE_TEMPLATE, TEMPLATE_PARAMETERS } from '#shared/onboarding/customer-role-template.js';

describe('the customer role template', () => {
  it('is committed as infra/customer-role.yaml exactly as the onboarding API returns it (run npm run generate:customer-role after a change)', async () => {
    const committed = await readFile(new URL('../../../infra/customer-role.yaml', import.meta.url), 'utf8');
    expect(committed).toBe(CUSTOMER_ROLE_TEMPLATE);
  });

  it('declares every parameter the quick-create link and the CLI pass', () => {
    for (const name of Object.values(TEMPLATE_PARAMETERS)) expect(CUSTOMER_ROLE_TEMPLATE).toMatch(new RegExp(`^  ${name}:$`, 'm'));
  });
});
