import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { BrokerError, type ErrorKind } from '#shared/errors.js';
import { logger } from '../observability.js';

export const JSON_HEADERS = { 'content-type': 'application/json' } as const;

export function jsonReply(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

/** The HTTP status of each kind of domain error: the one place the two meet. */
export const STATUS_OF_KIND: Readonly<Record<ErrorKind, number>> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  notFound: 404,
  conflict: 409,
  tooLarge: 413,
  unsupportedMedia: 415,
  misconfigured: 500,
  unavailable: 503,
};

/**
 * The one place typed errors become HTTP answers: a BrokerError answers its kind's status, with its code and message;
 * anything else is a 500 that reveals nothing but a reference the operator can find in the logs.
 */
export function errorReplies(): MiddlewareObj<unknown, APIGatewayProxyResult> {
  return {
    onError: async (request) => {
      const { error } = request;
      if (error instanceof BrokerError) {
        // At WARN: an operator sees refused requests at the default level (their code and status; never the body).
        const status = STATUS_OF_KIND[error.kind];
        logger.warn('request refused', { code: error.code, status });
        request.response = jsonReply(status, { error: { code: error.code, message: error.message }, ...error.details });
        return;
      }
      const reference = (request.context as { awsRequestId?: string } | undefined)?.awsRequestId ?? 'unknown';
      logger.error('request failed', { error: error as Error, reference });
      request.response = jsonReply(500, {
        error: { code: 'InternalError', message: `The broker failed unexpectedly; retry later. Reference: ${reference}` },
      });
    },
  };
}
