/**
 * README.md's shell blocks, as a reader meets them. A block runs against `npm start` unless the comment
 * just above it says why it cannot: `<!-- not run by the README test: <reason> -->` (test/docs/readme.test.ts).
 */
export interface ReadmeBlock {
  /** 1-based line of the opening fence. */
  line: number;
  /** The heading the block stands under. */
  section: string;
  code: string;
  /** Why the README test does not run it, when it does not. */
  skipped?: string;
}

const SKIP = /^<!-- not run by the README test: (.+?) -->$/;

export function readmeBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split('\n');
  const blocks: ReadmeBlock[] = [];
  let section = '';
  let skip: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('#')) section = line.replace(/^#+\s*/, '');
    const marker = SKIP.exec(line.trim());
    if (marker) {
      skip = marker[1];
      continue;
    }
    const fence = /^(\s*)```(\S*)/.exec(line);
    if (!fence) {
      if (line.trim() !== '') skip = undefined;
      continue;
    }
    const indent = fence[1]!.length;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !/^\s*```\s*$/.test(lines[j]!)) body.push(lines[j++]!.slice(indent));
    if (fence[2] === 'sh') blocks.push({ line: i + 1, section, code: body.join('\n'), ...(skip ? { skipped: skip } : {}) });
    skip = undefined;
    i = j;
  }
  return blocks;
}
