import { MISSING_OR_MALFORMED_TOKEN } from '#functions/authorizer/refusals.js';

/**
 * API Gateway's own refusals answer in the broker's error shape, `{"error": {"code", "message"}}`, like
 * every reply of the functions (functions/http/error-replies.ts), so a client handles errors one way.
 * This table is the one definition: the CDK turns it into gateway responses (infra/cdk/constructs/api.ts)
 * and the local front answers with what those responses render (infra/local/api-front.ts).
 * Types: https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
 */
export const GATEWAY_ERROR_CODES = {
  UNAUTHORIZED: 'Unauthorized',
  ACCESS_DENIED: 'Forbidden',
  MISSING_AUTHENTICATION_TOKEN: 'MissingAuthenticationToken',
  INVALID_SIGNATURE: 'InvalidSignature',
  EXPIRED_TOKEN: 'ExpiredToken',
  BAD_REQUEST_BODY: 'InvalidRequestBody',
  REQUEST_TOO_LARGE: 'PayloadTooLarge',
  THROTTLED: 'Throttled',
  QUOTA_EXCEEDED: 'QuotaExceeded',
  DEFAULT_4XX: 'BadRequest',
  DEFAULT_5XX: 'InternalError',
} as const;

export type GatewayResponseType = keyof typeof GATEWAY_ERROR_CODES;

/** Every error code API Gateway's refusals carry, and the authorizer's own (for the OpenAPI check). */
export const GATEWAY_CODES: readonly string[] = Object.values(GATEWAY_ERROR_CODES);

/** The context keys of a partner authorizer's Deny that says why (functions/authorizer/refusals.ts). */
export interface RefusalContext {
  refusalCode?: unknown;
  refusalMessage?: unknown;
}

/**
 * The mapping template of a gateway response. `$context.error.messageString` is API Gateway's message,
 * already a quoted JSON string; `validationErrorString` is bare text. A 401 cannot carry why (a thrown
 * authorizer failure has no context), so it says what to send. An authorizer's Deny can: its context is
 * readable in the ACCESS_DENIED template as `$context.authorizer.<key>` (the documented context variable;
 * its use in gateway responses is what AWS's re:Post answers and stackoverflow.com/questions/47921803
 * describe). `$!` renders nothing for a key the context lacks.
 */
export function gatewayTemplate(type: GatewayResponseType): string {
  const code = GATEWAY_ERROR_CODES[type];
  switch (type) {
    case 'UNAUTHORIZED':
      return JSON.stringify({ error: { code, message: MISSING_OR_MALFORMED_TOKEN } });
    case 'ACCESS_DENIED':
      return '#if("$!context.authorizer.refusalCode" != "")'
        + '{"error":{"code":"$context.authorizer.refusalCode","message":"$context.authorizer.refusalMessage"}}'
        + `#else{"error":{"code":"${code}","message":$context.error.messageString}}#end`;
    case 'BAD_REQUEST_BODY':
      return `{"error":{"code":"${code}","message":"$context.error.validationErrorString"}}`;
    default:
      return `{"error":{"code":"${code}","message":$context.error.messageString}}`;
  }
}

/** What `gatewayTemplate(type)` renders for API Gateway's `message` and, on a Deny, the authorizer's context. */
export function gatewayErrorBody(type: GatewayResponseType, message: string, context: RefusalContext = {}): { error: { code: string; message: string } } {
  if (type === 'UNAUTHORIZED') return { error: { code: GATEWAY_ERROR_CODES.UNAUTHORIZED, message: MISSING_OR_MALFORMED_TOKEN } };
  if (type === 'ACCESS_DENIED' && typeof context.refusalCode === 'string' && context.refusalCode !== '') {
    return { error: { code: context.refusalCode, message: String(context.refusalMessage ?? '') } };
  }
  return { error: { code: GATEWAY_ERROR_CODES[type], message } };
}
