import type { APIGatewayProxyEvent } from 'aws-lambda';

/**
 * The request body as text: API Gateway hands binary media types over base64-encoded
 * (`isBase64Encoded`), which is the HTTP layer's business, not the domain's.
 */
export function eventBody(event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>): string | null {
  if (event.body === null || event.body === undefined) return null;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}
