import type { APIGatewayProxyEvent } from 'aws-lambda';
import { UnsupportedMediaTypeError } from '#shared/errors.js';

/** A request header, whatever case the client wrote its name in. */
function header(headers: APIGatewayProxyEvent['headers'] | null, name: string): string | undefined {
  return Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1] ?? undefined;
}

/**
 * The body must be JSON, sent as it is: `Content-Type: application/json` (any charset parameter; a
 * request without the header is read as JSON too) and no `Content-Encoding` but identity. Anything
 * else (text/plain, a form, multipart, gzip) is refused with 415 before the body is read, instead of
 * being judged as JSON it is not.
 */
export function checkMediaType(headers: APIGatewayProxyEvent['headers'] | null): void {
  const contentType = header(headers, 'content-type');
  const contentEncoding = header(headers, 'content-encoding');
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type !== undefined && type !== '' && type !== 'application/json') {
    throw new UnsupportedMediaTypeError(`Content-Type ${type.slice(0, 100)} is not accepted; send the findings as JSON with Content-Type: application/json.`);
  }
  const encoding = contentEncoding?.trim().toLowerCase();
  if (encoding !== undefined && encoding !== '' && encoding !== 'identity') {
    throw new UnsupportedMediaTypeError(`Content-Encoding ${encoding.slice(0, 100)} is not supported; send the JSON body uncompressed.`);
  }
}
