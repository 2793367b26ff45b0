/**
 * Typed errors: a stable code, the HTTP status a handler answers with, and a message that tells
 * the caller what to do. Handlers map these to replies in one place (functions/http/).
 */
export class BrokerError extends Error {
  readonly code: string;
  readonly httpStatus: number;
  /** Extra fields of the error reply (e.g. the existing registration a create collided with). */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, httpStatus: number, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options);
    this.name = 'BrokerError';
    this.code = code;
    this.httpStatus = httpStatus;
    this.details = options?.details;
  }
}

export class ConflictError extends BrokerError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(code, 409, message, details ? { details } : undefined);
    this.name = 'ConflictError';
  }
}

export class BadRequestError extends BrokerError {
  constructor(code: string, message: string) {
    super(code, 400, message);
    this.name = 'BadRequestError';
  }
}

export class PayloadTooLargeError extends BrokerError {
  constructor(message: string) {
    super('PayloadTooLarge', 413, message);
    this.name = 'PayloadTooLargeError';
  }
}

export class UnsupportedMediaTypeError extends BrokerError {
  constructor(message: string) {
    super('UnsupportedMediaType', 415, message);
    this.name = 'UnsupportedMediaTypeError';
  }
}

export class UnauthorizedError extends BrokerError {
  constructor(message = 'Send a valid partner token as "Authorization: Bearer <token>".') {
    super('Unauthorized', 401, message);
    this.name = 'UnauthorizedError';
  }
}

export class ForbiddenError extends BrokerError {
  constructor(code: string, message: string) {
    super(code, 403, message);
    this.name = 'ForbiddenError';
  }
}

export class NotFoundError extends BrokerError {
  constructor(code: string, message: string) {
    super(code, 404, message);
    this.name = 'NotFoundError';
  }
}

/** A dependency the broker needs did not answer; nothing was done, and the same request can be sent again. */
export class ServiceUnavailableError extends BrokerError {
  constructor(code: string, message: string, cause?: unknown) {
    super(code, 503, message, { cause });
    this.name = 'ServiceUnavailableError';
  }
}

export class ConfigError extends BrokerError {
  constructor(message: string) {
    super('ConfigError', 500, message);
    this.name = 'ConfigError';
  }
}

/** Name of an AWS SDK v3 service exception (or of any thrown value), for classification tables. */
export function awsErrorName(error: unknown): string {
  if (error && typeof error === 'object') {
    const candidate = error as { name?: unknown; Code?: unknown; code?: unknown };
    for (const value of [candidate.name, candidate.Code, candidate.code]) {
      if (typeof value === 'string' && value.length > 0 && value !== 'Error') return value;
    }
  }
  return 'UnknownError';
}

/** HTTP status of an AWS SDK v3 service exception, when it came from a response. */
export function awsHttpStatus(error: unknown): number | undefined {
  const meta = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata;
  return meta?.httpStatusCode;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
