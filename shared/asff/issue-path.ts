/**
 * JSON pointers (Ajv's instancePath) to the partner-facing `Findings[3].Resources[0].Type` form.
 */

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `Findings[<index>]` followed by the pointer's segments; array positions as `[n]`, odd keys as `["k"]`. */
export function findingPath(index: number, pointer: string, finding: unknown): string {
  let path = `Findings[${index}]`;
  if (pointer === '') return path;
  let node: unknown = finding;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node) && /^\d+$/.test(segment)) {
      path += `[${segment}]`;
      node = node[Number(segment)];
    } else {
      path += childKey(segment);
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
    }
  }
  return path;
}

/** `.Key` or `["odd key"]`. */
export function childKey(key: string): string {
  return IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** A value for a message: strings quoted and cut at 80 characters. */
export function shown(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** JSON type name of a value, as a partner would say it. */
export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}
