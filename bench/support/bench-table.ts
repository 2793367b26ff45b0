/**
 * The table `npm run bench` prints: each figure rounded, beside its goal when it has one, within 100
 * columns (a terminal's or a CI log's width); long case names wrap, and a row's note follows it on an
 * indented line. bench/results/latest.json keeps every value at full precision.
 */
import type { BenchRow } from '../bench-types.js';

export const TABLE_WIDTH = 100;
const CASE_WIDTH = 50;
const VALUE_WIDTH = 10;
const UNIT_WIDTH = 10;
const GOAL_WIDTH = 14;
const RATIO_WIDTH = 8;

/** A figure for people: whole numbers grouped by thousands, others to 3 significant digits. */
export function rounded(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) || Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return Number(value.toPrecision(3)).toString();
}

/** Splits text into lines of at most `width` characters, at spaces where it can. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    for (let rest = word; rest.length > 0;) {
      const room = line ? width - line.length - 1 : width;
      if (rest.length <= room) {
        line = line ? `${line} ${rest}` : rest;
        rest = '';
      } else if (line) {
        lines.push(line);
        line = '';
      } else {
        lines.push(rest.slice(0, width));
        rest = rest.slice(width);
      }
    }
  }
  if (line) lines.push(line);
  return lines.length > 0 ? lines : [''];
}

const cell = (text: string, width: number, align: 'left' | 'right' = 'left') =>
  (align === 'left' ? text.padEnd(width) : text.padStart(width)).slice(0, width);

export function formatTable(rows: BenchRow[]): string {
  const header = [cell('case', CASE_WIDTH), cell('value', VALUE_WIDTH, 'right'), cell('unit', UNIT_WIDTH), cell('goal', GOAL_WIDTH),
    cell('vs base', RATIO_WIDTH, 'right')].join(' ');
  const out = [header, '-'.repeat(Math.min(TABLE_WIDTH, header.length))];
  let suite: string | undefined;
  for (const row of rows) {
    if (row.suite !== suite) {
      suite = row.suite;
      out.push(`[${suite}]`);
    }
    const names = wrap(row.case, CASE_WIDTH);
    const ratio = row.ratioToBaseline === undefined ? '' : `${rounded(row.ratioToBaseline)}x`;
    out.push([cell(names[0]!, CASE_WIDTH), cell(rounded(row.value), VALUE_WIDTH, 'right'), cell(row.unit, UNIT_WIDTH), cell(row.goal ?? '', GOAL_WIDTH),
      cell(ratio, RATIO_WIDTH, 'right')].join(' ').trimEnd());
    for (const more of names.slice(1)) out.push(more);
    if (row.note) for (const line of wrap(row.note, TABLE_WIDTH - 4)) out.push(`    ${line}`);
  }
  return out.join('\n');
}
