/**
 * A cheap row-count estimate for `tables`, from SST properties only (no data block is read).
 *
 * TiKV's own `tikv.num_rows` (mvcc-properties collector) is not exposed by our properties reader
 * yet; what every RocksDB SST has is `rocksdb.num.entries`. For the write-CF files that lie fully
 * inside a table's record range, their entries minus deletions are write records of that table:
 * one per committed version (Put/Delete/Lock/Rollback), so the sum is an upper-ish estimate of
 * rows (= rows when each row has one version). Files that only partly overlap the range are not
 * counted (their share is unknown): then the estimate is a lower bound of those files' records.
 * Writes still only in the WAL are never counted.
 */
import { compareBytes } from '../tikv/mvcc-key.js';
import type { LiveFile } from '../rocksdb/types.js';

export interface ApproxRows {
  /** Write-CF entries (minus deletions) of the files fully inside the range. */
  entries: number;
  /** 'exact-files': every overlapping write-CF file is fully inside; 'partial': some only overlap (not counted). */
  coverage: 'exact-files' | 'partial';
  basis: 'rocksdb.num.entries';
}

export function approxRowsFromFiles(
  files: readonly LiveFile[],
  ranges: readonly { start: Uint8Array; end: Uint8Array }[],
  entriesOf: (f: LiveFile) => number | undefined,
): ApproxRows | undefined {
  let entries = 0;
  let overlapping = 0;
  let partial = false;
  for (const enc of ranges) {
    for (const f of files) {
      if (compareBytes(f.largestKey, enc.start) < 0 || compareBytes(f.smallestKey, enc.end) >= 0) continue;
      overlapping++;
      const inside = compareBytes(f.smallestKey, enc.start) >= 0 && compareBytes(f.largestKey, enc.end) < 0;
      const n = inside ? entriesOf(f) : undefined;
      if (n === undefined) partial = true;
      else entries += n;
    }
  }
  if (overlapping === 0 || (partial && entries === 0)) return undefined;
  return { entries, coverage: partial ? 'partial' : 'exact-files', basis: 'rocksdb.num.entries' };
}

/** The `tables` column: "~N" (all files counted), ">=N" (some files only overlap), "-" (no estimate). */
export function approxRowsText(a: ApproxRows | undefined): string {
  if (a === undefined) return '-';
  return `${a.coverage === 'exact-files' ? '~' : '>=' }${a.entries}`;
}
