/**
 * SQS refuses a message with any character outside "#x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to
 * #xFFFD | #x10000 to #x10FFFF" with InvalidMessageContents (botocore sqs/2012-11-05/service-2.json,
 * SendMessageRequest.MessageBody). JSON strings may hold U+FFFE, U+FFFF and lone surrogates, so a
 * finding that passed validation could otherwise fail to queue, and with it every finding packed into
 * the same message. The local SQS (fauxqs) also refuses #x10000-#x10FFFF (emoji), which AWS accepts.
 *
 * The broker's message bodies are JSON text, where such a character can only stand inside a string
 * (JSON's structural characters and whitespace are all allowed ones) and is never part of an escape
 * sequence. Replacing it with its `\uXXXX` escape (RFC 8259, section 7: "Any character may be
 * escaped"; astral characters as their UTF-16 surrogate pair, "\uD834\uDD1E") therefore leaves the
 * parsed value unchanged, and the body holds only ASCII-safe characters SQS allows everywhere.
 */

/**
 * Code units outside #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD. Matched without the `u` flag on
 * purpose: each half of a surrogate pair (an astral character) or a lone surrogate is one match.
 */
const OUTSIDE_SQS_BMP_SET = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD]/g;

/** JSON text with every character SQS (or the local SQS) refuses written as a `\uXXXX` escape; JSON.parse gives the same value. */
export function sqsSafeJson(json: string): string {
  return json.replace(OUTSIDE_SQS_BMP_SET, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The bytes a JSON text takes once made SQS-safe (the size SQS counts against its limits). */
export function sqsJsonBytes(json: string): number {
  return Buffer.byteLength(sqsSafeJson(json));
}

/**
 * A message attribute's String value as SQS takes it: "the Value attribute has the same restrictions
 * on the content as the message body", and "Name, type, value and the message body must not be empty
 * or null" (botocore sqs/2012-11-05/service-2.json, MessageAttributeValue). Attribute values are plain
 * text, not JSON, so a refused code unit becomes U+FFFD (the replacement character); an empty value
 * is undefined, for the caller to leave the attribute out. Reasons quote AWS's error messages, which
 * may echo what a finding held, so this cannot be left to chance.
 */
export function sqsAttributeValue(value: string): string | undefined {
  if (value === '') return undefined;
  // Astral characters are allowed (#x10000-#x10FFFF); only lone surrogates and the other refused units are replaced.
  return value.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]|[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD]/g, (match) => (match.length === 2 ? match : '\uFFFD'));
}
