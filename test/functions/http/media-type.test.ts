import { describe, expect, it } from 'vitest';
import { BrokerError } from '#shared/errors.js';
import { checkMediaType } from '#functions/http/media-type.js';

function refusal(headers: Record<string, string> | null): string | undefined {
  try {
    checkMediaType(headers);
    return undefined;
  } catch (error) {
    if (error instanceof BrokerError) return `${error.kind} ${error.code}`;
    throw error;
  }
}

describe('checkMediaType', () => {
  it.each([
    [null],
    [{}],
    [{ 'Content-Type': 'application/json' }],
    [{ 'content-type': 'Application/JSON; charset=utf-8' }],
    [{ 'CONTENT-ENCODING': 'identity' }],
  ])('lets JSON sent as it is through: %j', (headers) => {
    expect(refusal(headers)).toBeUndefined();
  });

  it.each([
    [{ 'content-type': 'text/plain' }],
    [{ 'Content-Type': 'application/x-www-form-urlencoded' }],
    [{ 'content-type': 'application/json', 'Content-Encoding': 'gzip' }],
  ])('refuses %j as an unsupported media type', (headers) => {
    expect(refusal(headers)).toBe('unsupportedMedia UnsupportedMediaType');
  });
});
