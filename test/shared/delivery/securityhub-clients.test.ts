import type { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { describe, expect, it, vi } from 'vitest';
import { SecurityHubClients } from '#shared/delivery/securityhub-clients.js';
import { MAX_CACHED_DESTINATIONS } from '#shared/limits.js';

const credentials = (key: string) => ({ accessKeyId: key, secretAccessKey: 's', sessionToken: 't', expiration: new Date(Date.now() + 3_600_000) });

describe('SecurityHubClients bounds', () => {
  it('keeps at most maxClients clients, destroying the least recently used one it evicts', () => {
    const destroyed: string[] = [];
    const clients = new SecurityHubClients((client) => client, { maxClients: 2 });
    const track = (client: SecurityHubClient, name: string) => {
      const destroy = client.destroy.bind(client);
      vi.spyOn(client, 'destroy').mockImplementation(() => { destroyed.push(name); destroy(); });
      return client;
    };
    const a = track(clients.get('us-east-1', 'role-a', credentials('A')), 'a');
    track(clients.get('us-east-1', 'role-b', credentials('B')), 'b');
    expect(clients.get('us-east-1', 'role-a', credentials('A'))).toBe(a); // a is now more recent than b
    track(clients.get('us-east-1', 'role-c', credentials('C')), 'c');
    expect(destroyed).toEqual(['b']);
    expect(clients.size).toBe(2);
    expect(clients.get('us-east-1', 'role-a', credentials('A'))).toBe(a);
  });

  it('holds a few thousand clients by default, not one per destination ever seen', () => {
    const clients = new SecurityHubClients();
    for (let i = 0; i < MAX_CACHED_DESTINATIONS + 10; i++) clients.get('us-east-1', `role-${i}`, credentials(`K${i}`));
    expect(clients.size).toBe(MAX_CACHED_DESTINATIONS);
  });
});
