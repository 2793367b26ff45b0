import { describe, expect, it } from 'vitest';
import { eventBody } from '#functions/http/event-body.js';

describe('eventBody', () => {
  it('decodes a base64 body as API Gateway passes binary payloads, and passes text and no body through', () => {
    const text = JSON.stringify({ Findings: [{ Id: 'a', Title: 'é ✓' }] });
    expect(eventBody({ body: Buffer.from(text).toString('base64'), isBase64Encoded: true })).toBe(text);
    expect(eventBody({ body: text, isBase64Encoded: false })).toBe(text);
    expect(eventBody({ body: null, isBase64Encoded: false })).toBeNull();
  });
});
