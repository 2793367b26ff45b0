/**
 * The awsQuery wire format STS and IAM share: a form-encoded POST to "/" naming Action and Version,
 * answered with XML in the service's namespace. Both the AWS SDK v3 clients (AwsQueryProtocol) and
 * botocore send exactly this; errors are <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>.
 * Sources: https://smithy.io/2.0/aws/protocols/aws-query-protocol.html (request, response and error
 * serialization); botocore sts/2011-06-15/service-2.json and iam/2010-05-08/service-2.json
 * (metadata.protocol "query", metadata.xmlNamespace, each operation's resultWrapper).
 */
import type { AwsServiceError } from '../errors.js';
import type { EmulatorRequest, HttpReply } from '../http-io.js';
import { queryParams } from '../http-io.js';

/**
 * Parameters from the form body, and from the query string (query-protocol GETs carry them there).
 * Assumption: a body parameter wins over a query-string one of the same name; AWS does not say.
 */
export function formParams(request: EmulatorRequest): Map<string, string> {
  const params = queryParams(request.query);
  const contentType = String(request.headers['content-type'] ?? '');
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    // Form bodies use '+' for spaces, unlike AWS's query strings; URLSearchParams decodes both rules.
    for (const [key, value] of new URLSearchParams(request.body.toString('utf8'))) params.set(key, value);
  }
  return params;
}

function escapeXml(value: string): string {
  return value.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c);
}

/**
 * An XML element tree: a string is text content, an object holds child elements in order, an array is
 * a list, written as awsQuery writes non-flattened lists: one <member> element per item.
 */
export type XmlValue = string | number | boolean | XmlValue[] | { [element: string]: XmlValue | undefined };

export function toXml(value: XmlValue): string {
  if (typeof value === 'string') return escapeXml(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map((item) => `<member>${toXml(item)}</member>`).join('');
  return Object.entries(value)
    .filter((entry): entry is [string, XmlValue] => entry[1] !== undefined)
    .map(([name, child]) => `<${name}>${toXml(child)}</${name}>`)
    .join('');
}

/**
 * Timestamps are ISO 8601 in awsQuery. Assumption: no milliseconds, as STS and IAM print them (observed,
 * e.g. 2026-01-01T12:00:00Z; botocore iam/2010-05-08/examples-1.json, GetRole, shows the same form).
 */
export function isoSeconds(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export interface QueryProtocol {
  /**
   * `<ActionResponse><ActionResult>...</ActionResult><ResponseMetadata><RequestId/></ResponseMetadata>`
   * (resultWrapper per operation in the model); an operation without an output shape has no Result
   * element (`result` undefined). Assumption: the x-amzn-RequestId header alongside the body's
   * RequestId, and content-type text/xml, as STS and IAM send (observed).
   */
  resultReply(action: string, result: XmlValue | undefined, requestId: string): HttpReply;
  errorReply(error: AwsServiceError, requestId: string): HttpReply;
}

/** The reply writers for one service, in its metadata.xmlNamespace. */
export function queryProtocol(namespace: string): QueryProtocol {
  const headers = (requestId: string) => ({ 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
  return {
    resultReply(action, result, requestId) {
      const body =
        `<${action}Response xmlns="${namespace}">` +
        (result === undefined ? '' : `<${action}Result>${toXml(result)}</${action}Result>`) +
        `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>` +
        `</${action}Response>`;
      return { status: 200, headers: headers(requestId), body };
    },
    errorReply(error, requestId) {
      const body =
        `<ErrorResponse xmlns="${namespace}">` +
        toXml({ Error: { Type: error.faultType, Code: error.code, Message: error.message } }) +
        `<RequestId>${requestId}</RequestId></ErrorResponse>`;
      return { status: error.status, headers: headers(requestId), body };
    },
  };
}
