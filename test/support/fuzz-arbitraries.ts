import { gzipSync } from 'node:zlib';
import fc from 'fast-check';

/**
 * Building blocks the fuzzers share: the characters and keys that break naive parsers and encoders,
 * JSON text mutated at the byte level, and the headers a confused client sends.
 */

/** NUL, the noncharacters U+FFFE/U+FFFF, lone surrogates, emoji, line separators, quotes, and prototype keys. */
export const NASTY_PIECES = ['\u0000', '\uFFFE', '\uFFFF', '\uD800', '\uDFFF', '\u{1F600}', '\u{1F469}\u200D\u{1F4BB}', '\u2028', '"', '\\', '__proto__',
  'constructor', 'prototype', 'toString', '\r\n', 'é', '%00', '${x}', '\u202E'];

/**
 * Any code point, lone surrogates included, as `fc.string({ unit: 'binary' })` draws them. Built from
 * integers: fc.string over the whole Unicode range spends seconds building a reverse index at load.
 */
export const anyCodePoint: fc.Arbitrary<string> = fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0, max: 0x10ffff }))
  .map((code) => String.fromCodePoint(code));
export const binaryString = (maxLength: number): fc.Arbitrary<string> => fc.array(anyCodePoint, { maxLength }).map((units) => units.join(''));

export const nastyString: fc.Arbitrary<string> = fc.array(fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_PIECES) },
  { weight: 2, arbitrary: binaryString(12) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
), { maxLength: 8 }).map((parts) => parts.join(''));

/** Numbers as themselves and as strings, and the values JSON makes of odd numbers. */
export const numberish: fc.Arbitrary<unknown> = fc.oneof(
  fc.double({ noNaN: true }), fc.integer(), fc.constantFrom(1e308, -0, 2 ** 53 + 1),
  fc.oneof(fc.double(), fc.integer()).map(String), fc.constantFrom('8.1', '1e999', 'NaN', '-0', '0x10', ' 5 ', ''),
);

/** Any JSON value, with nasty strings and keys among the ordinary ones. */
export const anyJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null), fc.boolean(), numberish, nastyString,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.array(fc.tuple(fc.oneof(nastyString, fc.constantFrom('__proto__', 'constructor')), tie('value')), { maxLength: 4 })
      .map((entries) => Object.fromEntries(entries)),
  ),
})).value;

/** Changes to an object's members: set to odd values, or deleted (undefined). */
export type Changes = Array<[string, unknown]>;

/**
 * Changes to one to three members of an object with these keys (or new ones, prototype keys among them):
 * the near misses of a real shape. Built once per key set; fast-check then only draws values.
 */
export function memberChanges(keys: string[]): fc.Arbitrary<Changes> {
  const key = fc.constantFrom(...keys, '__proto__', 'constructor');
  return fc.array(fc.tuple(key, fc.option(fc.oneof(anyJson, nastyString, numberish), { nil: undefined, freq: 6 })), { minLength: 1, maxLength: 3 });
}

/** The object with the changes made; a copy. */
export function withChanges(base: Record<string, unknown>, changes: Changes): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...base };
  for (const [key, value] of changes) {
    if (value === undefined) delete copy[key];
    // defineProperty: a plain assignment to "__proto__" would set the prototype instead of a key JSON sends.
    else Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return copy;
}

/** JSON text broken at the byte level: truncated, a character dropped, replaced or inserted. */
export function mutateText(text: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(text, fc.nat(), fc.constantFrom('truncate', 'drop', 'replace', 'insert'), fc.oneof(fc.constantFrom('"', '{', '}', '[', ']', ',', ':', '\\', '\u0000', '\uD800'), nastyString))
    .map(([value, at, how, piece]) => {
      const i = value.length === 0 ? 0 : at % value.length;
      if (how === 'truncate') return value.slice(0, i);
      if (how === 'drop') return value.slice(0, i) + value.slice(i + 1);
      if (how === 'replace') return value.slice(0, i) + piece + value.slice(i + 1);
      return value.slice(0, i) + piece + value.slice(i);
    });
}

/**
 * Content-Type and Content-Encoding as clients send them, right and wrong, in any case of the header name.
 * With gzip the body is really compressed, then handed over as the front does: its bytes read as UTF-8.
 */
export const mediaHeaders: fc.Arbitrary<{ headers: Record<string, string>; gzip: boolean }> = fc.record({
  typeName: fc.constantFrom('content-type', 'Content-Type', 'CONTENT-TYPE'),
  type: fc.option(fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'Application/JSON') },
    { weight: 2, arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', '', ';', 'application/json/x') },
    { weight: 1, arbitrary: nastyString },
  ), { nil: undefined, freq: 5 }),
  encoding: fc.option(fc.oneof(fc.constantFrom('gzip', 'identity', 'br', 'deflate', 'GZIP', ''), nastyString), { nil: undefined, freq: 2 }),
}).map(({ typeName, type, encoding }) => ({
  headers: { ...(type === undefined ? {} : { [typeName]: type }), ...(encoding === undefined ? {} : { 'Content-Encoding': encoding }) },
  gzip: encoding?.toLowerCase() === 'gzip',
}));

/** A body as the front hands it over when the client gzipped it: the compressed bytes read as UTF-8. */
export function gzippedAsText(text: string): string {
  return gzipSync(text).toString('utf8');
}

/** Query strings with odd keys and values (the front passes them on as queryStringParameters). */
export const queryStrings: fc.Arbitrary<URLSearchParams> = fc.array(fc.tuple(fc.oneof(nastyString, fc.constantFrom('dryRun', 'validate', '__proto__')), nastyString), { maxLength: 3 })
  .map((pairs) => new URLSearchParams(pairs));

/** `[[[ ... ]]]` `depth` deep around a value: deep nesting without recursion in the test itself. */
export function nestedText(depth: number, inner = '1', open = '[', close = ']'): string {
  return `${open.repeat(depth)}${inner}${close.repeat(depth)}`;
}
