/**
 * How deep a JSON value nests (a scalar is 0) and its longest array, measured without recursion;
 * stops once the depth passes `depthLimit`.
 */
export function shapeOf(value: unknown, depthLimit: number): { depth: number; longestArray: number } {
  let deepest = 0;
  let longestArray = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    const inner = depth + 1;
    if (inner > deepest) deepest = inner;
    if (deepest > depthLimit) break;
    if (Array.isArray(node) && node.length > longestArray) longestArray = node.length;
    for (const child of Object.values(node as Record<string, unknown>)) stack.push([child, inner]);
  }
  return { depth: deepest, longestArray };
}
