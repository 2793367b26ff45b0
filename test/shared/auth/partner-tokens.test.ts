import { describe, expect, it } from 'vitest';
import { isTokenShaped, issueToken, TokenVerifier, verifyToken } from '#shared/auth/partner-tokens.js';
import type { PartnerToken } from '#shared/registry/model.js';
import type { Registry } from '#shared/registry/registry.js';

function registryWith(record: PartnerToken): Registry {
  return { getToken: async (id: string) => (id === record.tokenId ? record : undefined) } as unknown as Registry;
}

describe('partner tokens', () => {
  it('stores only a salted hash and verifies the token it issued', async () => {
    const { token, record } = issueToken('acme');
    expect(JSON.stringify(record)).not.toContain(token.split('.')[1]);
    expect(await verifyToken(token, registryWith(record))).toMatchObject({ partnerId: 'acme' });
  });

  it('refuses a token whose secret differs, a revoked token, and a malformed one', async () => {
    const { token, record } = issueToken('acme');
    const tampered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    expect(await verifyToken(tampered, registryWith(record))).toBeUndefined();
    expect(await verifyToken(token, registryWith({ ...record, revokedAt: '2026-01-01T00:00:00Z' }))).toBeUndefined();
    expect(await verifyToken('Bearer nonsense', registryWith(record))).toBeUndefined();
  });

  it('tells a token of the issued shape from any other text', () => {
    expect(isTokenShaped(issueToken('acme').token)).toBe(true);
    expect(isTokenShaped(`${issueToken('acme').token}x`)).toBe(false);
    expect(isTokenShaped('shb_0123.abc')).toBe(false);
    expect(isTokenShaped('')).toBe(false);
  });

  it('answers a flood of unknown tokens from memory: one registry read per unknown id per five minutes, known tokens read every time', async () => {
    const { record } = issueToken('acme');
    let reads = 0;
    const registry = { getToken: async (id: string) => { reads++; return id === record.tokenId ? record : undefined; } } as unknown as Registry;
    let now = 0;
    const verifier = new TokenVerifier(registry, () => now);
    const unknown = issueToken('nobody').token;
    for (let i = 0; i < 1_000; i++) expect(await verifier.verify(unknown)).toBeUndefined();
    expect(reads).toBe(1);
    now += 5 * 60_000 + 1;
    await verifier.verify(unknown);
    expect(reads).toBe(2);
    const known = issueToken('acme');
    const verifierOfKnown = new TokenVerifier({ getToken: async () => { reads++; return known.record; } } as unknown as Registry, () => now);
    reads = 0;
    for (let i = 0; i < 3; i++) expect(await verifierOfKnown.verify(known.token)).toMatchObject({ partnerId: 'acme' });
    expect(reads).toBe(3);
  });
});
