import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { beforeAll, describe, expect, it } from 'vitest';
import { STAGE_NAME } from '#infra/cdk/constructs/api.js';
import { PARTNER_ROUTES } from '#functions/ingest/routes.js';
import { ONBOARDING_ROUTES } from '#functions/onboarding/routes.js';

const SPEC = new URL('../../docs/openapi.yaml', import.meta.url);

interface Spec {
  paths: Record<string, Record<string, unknown>>;
  servers: Array<{ url: string }>;
}

const validator = new Validator();
let result: Awaited<ReturnType<Validator['validate']>>;
let spec: Spec;
beforeAll(async () => {
  result = await validator.validate(SPEC.pathname);
  spec = validator.specification as unknown as Spec;
});

describe('docs/openapi.yaml', () => {
  it('is valid OpenAPI 3.1 by a maintained validator (so no description cut short by a comma adds a junk key)', () => {
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('documents every route the broker serves, partner and onboarding, with its methods, and no other', () => {
    const documented = Object.entries(spec.paths).flatMap(([path, item]) =>
      Object.keys(item).filter((key) => ['get', 'put', 'post', 'delete', 'patch'].includes(key)).map((method) => `${method.toUpperCase()} ${path}`));
    const served = [...Object.values(PARTNER_ROUTES), ...Object.values(ONBOARDING_ROUTES)]
      .flatMap(({ path, methods }) => methods.map((method) => `${method} ${path}`));
    expect(documented.sort()).toEqual(served.sort());
  });

  it('checks for real: the same validator refuses a spec cut short by an unquoted comma, or a response of the wrong type', async () => {
    const text = readFileSync(SPEC, 'utf8');
    // The defect the spec once had: a description with a comma in an unquoted flow mapping.
    const cutShort = text.replace("{ description: '`InvalidParameter`: `since` is not a date-time, or `limit` not 1-100.',",
      '{ description: `InvalidParameter`: `since` is not a date-time, or `limit` not 1-100.,');
    expect(cutShort).not.toBe(text);
    expect((await new Validator().validate(cutShort)).valid).toBe(false);
    const wrongType = { ...spec, paths: { '/v1/findings': { post: { responses: { '202': 'accepted' } } } } };
    expect((await new Validator().validate(wrongType)).valid).toBe(false);
  });

  it('names the deployed stage in its AWS server URL', () => {
    expect(spec.servers.some((server) => server.url.endsWith(`.amazonaws.com/${STAGE_NAME}`))).toBe(true);
  });
});
