/**
 * STS's wire format, awsQuery: a form-encoded POST to "/" naming Action and Version, answered with
 * XML in the 2011-06-15 namespace. Both the AWS SDK v3 client (AwsQueryProtocol) and botocore send
 * exactly this; errors are <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>.
 * Sources: https://smithy.io/2.0/aws/protocols/aws-query-protocol.html (request, response and error
 * serialization); botocore sts/2011-06-15/service-2.json (metadata.protocol "query",
 * metadata.xmlNamespace, each operation's resultWrapper).
 */
import type { AwsServiceError } from '../errors.js';
import type { EmulatorRequest, HttpReply } from '../http-io.js';
import { queryParams } from '../http-io.js';

/** metadata.xmlNamespace (botocore sts/2011-06-15/service-2.json). */
const NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

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

/** An XML element tree: a string is text content, an object holds child elements in order. */
export type XmlValue = string | number | { [element: string]: XmlValue | undefined };

export function toXml(value: XmlValue): string {
  if (typeof value === 'string') return escapeXml(value);
  if (typeof value === 'number') return String(value);
  return Object.entries(value)
    .filter((entry): entry is [string, XmlValue] => entry[1] !== undefined)
    .map(([name, child]) => `<${name}>${toXml(child)}</${name}>`)
    .join('');
}

/**
 * `<ActionResponse><ActionResult>...</ActionResult><ResponseMetadata><RequestId/></ResponseMetadata>`
 * (resultWrapper per operation in the model; awsQuery response serialization). Assumption: the
 * x-amzn-RequestId header alongside the body's RequestId, and content-type text/xml, as STS sends (observed).
 */
export function resultReply(action: string, result: XmlValue, requestId: string): HttpReply {
  const body =
    `<${action}Response xmlns="${NAMESPACE}">` +
    `<${action}Result>${toXml(result)}</${action}Result>` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>` +
    `</${action}Response>`;
  return { status: 200, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body };
}

export function errorReply(error: AwsServiceError, requestId: string): HttpReply {
  const body =
    `<ErrorResponse xmlns="${NAMESPACE}">` +
    toXml({ Error: { Type: error.faultType, Code: error.code, Message: error.message } }) +
    `<RequestId>${requestId}</RequestId></ErrorResponse>`;
  return { status: error.status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body };
}
