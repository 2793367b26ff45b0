/** One line of the benchmark table: a measured value with its unit, and its ratio to a baseline. */
export interface BenchRow {
  suite: string;
  case: string;
  value: number;
  unit: string;
  /** value / baseline value measured in the same run; omitted for the baseline row itself. */
  ratioToBaseline?: number;
  /** The goal this figure is read against (the or README's Performance section), shown beside it. */
  goal?: string;
  note?: string;
}

export interface BenchSuite {
  name: string;
  run(): Promise<BenchRow[]>;
}
