/**
 * IAM's wire format, awsQuery (shared with STS, ../query/protocol.ts), in the 2010-05-08 namespace:
 * metadata.xmlNamespace "https://iam.amazonaws.com/doc/2010-05-08/", botocore iam/2010-05-08/service-2.json.
 * Policy documents in replies are "URL-encoded compliant with RFC 3986" (same model, GetRole and
 * GetRolePolicy documentation; CreateRole's example: "the response includes the same policy as a
 * URL-encoded JSON string", botocore iam/2010-05-08/examples-1.json).
 */
import { queryProtocol } from '../query/protocol.js';
import { uriEncode } from '../sigv4.js';

export { formParams, isoSeconds, toXml, type XmlValue } from '../query/protocol.js';

export const { resultReply, errorReply } = queryProtocol('https://iam.amazonaws.com/doc/2010-05-08/');

/** A policy document as IAM returns it: the text as it was given (Assumption: byte for byte), RFC 3986-encoded. */
export function encodedPolicy(text: string): string {
  return uriEncode(text);
}
