/**
 * Whether the cluster runs TiDB's new collation framework. TiDB records it once, at bootstrap,
 * as a row of `mysql.tidb`: VARIABLE_NAME 'new_collation_enabled', VARIABLE_VALUE 'True' or
 * 'False' (pingcap/tidb:pkg/session/bootstrap.go, `writeNewCollationParameter`; it "cannot be
 * changed after the cluster is created"). Clusters bootstrapped before TiDB 4.0 have no such row
 * and run without it.
 *
 * It matters for clustered (common-handle) tables: with new collation on, a string primary-key
 * column's key datum is a collation sort key, not the text (tikv-tidb-encoding.md §8), so it may
 * only be printed from the row value; with it off the key holds the text itself.
 */
import type { CfSource } from '../tikv/mvcc-scan.js';
import { LatestScanner } from '../tikv/mvcc-scan.js';
import type { Catalog } from './catalog.js';
import { recordRange } from './record-key.js';
import { RowDecoder } from './row-decoder.js';

export interface CollationSetting {
  /** undefined = could not be determined (no mysql.tidb table, or its rows unreadable). */
  newCollation: boolean | undefined;
  /** Where the answer came from, for `metadata` and the log. */
  source: string;
}

const VAR_NAME = 'new_collation_enabled';

/** Reads `mysql.tidb`'s new_collation_enabled row through the normal MVCC and row decoding. */
export function detectNewCollation(source: CfSource, catalog: Catalog, opts: { readTs?: bigint } = {}): CollationSetting {
  let table;
  try {
    table = catalog.table('mysql', 'tidb');
  } catch {
    return { newCollation: undefined, source: 'no mysql.tidb table in the catalog' };
  }
  // Decode with newCollation: false so that a clustered VARIABLE_NAME could be read from the key
  // too; the row value wins whenever it holds the column.
  const decoder = new RowDecoder(table.info, { newCollation: false });
  const nameIdx = decoder.columns.findIndex((c) => c.name.toUpperCase() === 'VARIABLE_NAME');
  const valueIdx = decoder.columns.findIndex((c) => c.name.toUpperCase() === 'VARIABLE_VALUE');
  if (nameIdx < 0 || valueIdx < 0) return { newCollation: undefined, source: 'mysql.tidb has no VARIABLE_NAME/VARIABLE_VALUE columns' };
  const text = new TextDecoder();
  for (const pid of table.physicalIds) {
    const scan = new LatestScanner(source, recordRange(pid), opts.readTs === undefined ? {} : { readTs: opts.readTs });
    while (scan.next()) {
      let cells;
      try {
        cells = decoder.decode(scan.rawKey(), scan.value());
      } catch {
        continue; // an unreadable row of mysql.tidb is not this variable's business
      }
      const name = cells[nameIdx];
      if (name == null || text.decode(name) !== VAR_NAME) continue;
      const value = cells[valueIdx];
      const v = value == null ? '' : text.decode(value).trim().toLowerCase();
      if (v === 'true') return { newCollation: true, source: 'mysql.tidb new_collation_enabled = True' };
      if (v === 'false') return { newCollation: false, source: 'mysql.tidb new_collation_enabled = False' };
      return { newCollation: undefined, source: `mysql.tidb new_collation_enabled has an unexpected value "${v}"` };
    }
  }
  return { newCollation: false, source: 'mysql.tidb has no new_collation_enabled row (cluster bootstrapped before TiDB 4.0)' };
}
