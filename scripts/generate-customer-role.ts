/** `npm run generate:customer-role`: writes infra/customer-role.yaml from its one definition. */
import { writeFile } from 'node:fs/promises';
import { CUSTOMER_ROLE_TEMPLATE } from '#shared/onboarding/customer-role-template.js';

await writeFile(new URL('../infra/customer-role.yaml', import.meta.url), CUSTOMER_ROLE_TEMPLATE);
process.stdout.write('wrote infra/customer-role.yaml\n');
