/**
 * STS's wire format, awsQuery (shared with IAM, ../query/protocol.ts), in the 2011-06-15 namespace:
 * metadata.xmlNamespace, botocore sts/2011-06-15/service-2.json.
 */
import { queryProtocol } from '../query/protocol.js';

export { formParams, isoSeconds, toXml, type XmlValue } from '../query/protocol.js';

export const { resultReply, errorReply } = queryProtocol('https://sts.amazonaws.com/doc/2011-06-15/');
