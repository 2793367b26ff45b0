import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

/** Placeholder: the customer onboarding routes (issue 8) are being built. */
export const handler = async (_event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => ({
  statusCode: 501,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ error: { code: 'NotImplemented', message: 'Onboarding is not available yet.' } }),
});
