import { describe, expect, it } from 'vitest';
import { formatTable, rounded, TABLE_WIDTH } from '../../bench/support/bench-table.js';

describe('the table npm run bench prints', () => {
  const rows = [
    { suite: 'delivery', case: '1 steady: findings/s per account vs the quota (1,000/s), lowest / mean', value: 0.58912345, unit: 'x', goal: '>= 0.95',
      note: 'mean 0.592; 5 accounts' },
    { suite: 'delivery', case: '1 steady: broker CPU per finding delivered', value: 258.89712, unit: 'us', goal: '<= 50',
      note: `emulated AWS services: 177.7 us/finding, in their own process ${'and a long note '.repeat(10)}` },
    { suite: 'cold-start', case: 'cold init: deliver', value: 211.075, unit: 'ms', ratioToBaseline: 28.848678418, goal: '<= 150' },
    { suite: 'ledger', case: 'rescan of 10000 findings: first scan, import calls / billed events', value: 10000, unit: 'calls' },
  ];

  it('fits 100 columns, however long a case name or note', () => {
    for (const line of formatTable(rows).split('\n')) expect(line.length).toBeLessThanOrEqual(TABLE_WIDTH);
  });

  it('prints each figure rounded and beside its goal, with the ratio to its baseline', () => {
    const table = formatTable(rows);
    expect(table).toMatch(/0\.589 +x +>= 0\.95/);
    expect(table).toMatch(/259 +us +<= 50/);
    expect(table).toMatch(/211 +ms +<= 150 +28\.8x/);
    expect(table).toContain('10,000');
    expect(table).not.toContain('258.897');
  });

  it('rounds to 3 significant digits and groups thousands', () => {
    expect([rounded(0.58912), rounded(258.897), rounded(1155.29), rounded(20000), rounded(0.0103)]).toEqual(['0.589', '259', '1,155', '20,000', '0.0103']);
  });
});
