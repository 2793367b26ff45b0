import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { TOKEN_FORMAT, isTokenShaped } from '#shared/auth/partner-tokens.js';

/**
 * API Gateway answers 401 (its UNAUTHORIZED gateway response) exactly when an authorizer fails with
 * this message, and also, without calling the authorizer, when the Authorization header is missing
 * (the authorizer's identity source). Its body cannot say which of the two happened.
 */
export const UNAUTHORIZED = 'Unauthorized';

/** What the UNAUTHORIZED gateway response says: no header, or one that holds no partner token. */
export const MISSING_OR_MALFORMED_TOKEN =
  `The Authorization header is missing or holds no partner token. Send Authorization: Bearer ${TOKEN_FORMAT}, the token the broker operator issued you.`;

/**
 * A well-formed token the broker does not accept: unknown, revoked or with another secret, which are
 * one answer so that nobody learns which token ids exist. A Deny carries it: API Gateway then answers
 * its ACCESS_DENIED gateway response (403), whose template reads the authorizer's context
 * (`$context.authorizer.<key>`; infra/gateway-responses.ts). 403, not 401: the credentials were read
 * and are insufficient (RFC 9110, 15.5.4), and a thrown failure could not say why.
 */
export const INVALID_TOKEN = {
  refusalCode: 'InvalidToken',
  refusalMessage: 'This partner token is unknown or revoked. Ask the broker operator for a new one (broker-admin issue-token).',
} as const;

/** The token in `Bearer <token>` (case-insensitive scheme), when the header has that form and the token the broker's shape. */
export function bearerToken(header: string | undefined): string | undefined {
  const token = header === undefined ? undefined : /^\s*Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  return token !== undefined && isTokenShaped(token) ? token : undefined;
}

/**
 * Every method and path of the API stage the request came to (`arn:aws:execute-api:region:account:apiId/stage/METHOD/path`
 * with METHOD and path as wildcards). API Gateway caches an authorizer's answer per token and applies it to
 * the token's next requests, whatever their method, so the answer must cover them all.
 */
export function stageResource(methodArn: string): string {
  const [prefix = methodArn, stage = '*'] = methodArn.split('/');
  return `${prefix}/${stage}/*/*`;
}

/** The Deny for a well-formed token that is not live, for the whole stage (as the Allow of a live one). */
export function invalidTokenDenial(methodArn: string): APIGatewayAuthorizerResult {
  return {
    principalId: 'unknown',
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: stageResource(methodArn) }] },
    context: { ...INVALID_TOKEN },
  };
}
