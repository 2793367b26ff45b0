/**
 * What kind of refusal an error is, in the domain's words. The domain knows no HTTP: the handlers turn a
 * kind into a status in one place (functions/http/error-replies.ts).
 */
export type ErrorKind =
  | 'invalid' | 'conflict' | 'tooLarge' | 'unsupportedMedia' | 'unauthenticated'
  | 'forbidden' | 'notFound' | 'unavailable' | 'misconfigured';

/**
 * Typed errors: a stable code, the kind of refusal, and a message that tells the caller what to do.
 */
export class BrokerError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  /** Extra fields of the error reply (e.g. the existing registration a create collided with). */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, kind: ErrorKind, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options);
    this.name = 'BrokerError';
    this.code = code;
    this.kind = kind;
    this.details = options?.details;
  }
}

export class ConflictError extends BrokerError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(code, 'conflict', message, details ? { details } : undefined);
    this.name = 'ConflictError';
  }
}

export class BadRequestError extends BrokerError {
  constructor(code: string, message: string) {
    super(code, 'invalid', message);
    this.name = 'BadRequestError';
  }
}

export class PayloadTooLargeError extends BrokerError {
  constructor(message: string) {
    super('PayloadTooLarge', 'tooLarge', message);
    this.name = 'PayloadTooLargeError';
  }
}

export class UnsupportedMediaTypeError extends BrokerError {
  constructor(message: string) {
    super('UnsupportedMediaType', 'unsupportedMedia', message);
    this.name = 'UnsupportedMediaTypeError';
  }
}

export class UnauthorizedError extends BrokerError {
  constructor(message = 'Send a valid partner token as "Authorization: Bearer <token>".') {
    super('Unauthorized', 'unauthenticated', message);
    this.name = 'UnauthorizedError';
  }
}

export class ForbiddenError extends BrokerError {
  constructor(code: string, message: string) {
    super(code, 'forbidden', message);
    this.name = 'ForbiddenError';
  }
}

export class NotFoundError extends BrokerError {
  constructor(code: string, message: string) {
    super(code, 'notFound', message);
    this.name = 'NotFoundError';
  }
}

/** A dependency the broker needs did not answer; nothing was done, and the same request can be sent again. */
export class ServiceUnavailableError extends BrokerError {
  constructor(code: string, message: string, cause?: unknown) {
    super(code, 'unavailable', message, { cause });
    this.name = 'ServiceUnavailableError';
  }
}

export class ConfigError extends BrokerError {
  constructor(message: string) {
    super('ConfigError', 'misconfigured', message);
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
