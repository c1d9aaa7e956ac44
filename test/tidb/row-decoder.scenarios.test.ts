/**
 * Cross-check with the fixture builder's scenarios (test/support/tidb-builder): every row put
 * there carries, per column, the text TiDB prints for it, written by hand by another engineer
 * from the spec. Their keys/values come from their own encoders (independent of src/), so this
 * compares two implementations against hand-written expectations. Only the row codec is under
 * test here (no RocksDB / MVCC).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RowDecoder } from '../../src/tidb/row-decoder.js';
import type { TableInfo } from '../../src/tidb/table-info.js';
import { rowKey, rowValue, type Scenario } from '../support/tidb-builder/scenario.js';
import { allScenarios } from '../support/tidb-builder/scenarios/index.js';

function expectedBytes(e: string | null | { hex: string }): string | null {
  if (e === null) return null;
  return typeof e === 'string' ? Buffer.from(e, 'utf8').toString('hex') : e.hex;
}

describe('RowDecoder vs the fixture builder scenarios (hand-written cell texts)', () => {
  for (const { scenario } of allScenarios as { scenario: Scenario }[]) {
    it(scenario.name, () => {
      let checked = 0;
      for (const entry of scenario.timeline) {
        if (!('ops' in entry)) continue;
        for (const op of entry.ops) {
          if (op.op !== 'put') continue;
          const t = op.ref.table;
          const dec = new RowDecoder(JSON.parse(t.json(0n)) as TableInfo);
          const cells = dec.decode(rowKey(op.ref, op.values), rowValue(t, op.values));
          dec.columns.forEach((c, i) => {
            const cell = op.values[c.name];
            if (cell === undefined) return;
            const got = cells[i] === null ? null : Buffer.from(cells[i]!).toString('hex');
            assert.equal(got, expectedBytes(cell[1]), `${t.name} ${op.label} column ${c.name}`);
            checked++;
          });
        }
      }
      assert.ok(checked > 0, 'scenario has cells to check');
    });
  }
});
