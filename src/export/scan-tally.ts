/**
 * What a row scan made of several LatestScanners (one per key range, one after the other) has
 * counted so far: rows skipped as deleted, values missing, corrupt write records, with samples.
 * Shared by the single-node and the multi-node sessions.
 */
import type { MvccStats } from '../tikv/mvcc-scan.js';
import { addCorruptWrites, emptyCorruptWrites } from './corrupt-writes.js';
import { addMissingValues, emptyMissingValues } from './missing-values.js';
import type { ScanCounters } from './source.js';

export class ScanTally {
  private deleted = 0;
  private valuesMissing = 0;
  private corrupt = emptyCorruptWrites();
  private missing = emptyMissingValues();

  /** Folds in the stats of a scanner that has finished its range. */
  add(st: MvccStats): void {
    this.deleted += st.deletedRows + st.gcFenced;
    this.valuesMissing += st.missingDefault + st.blobIndex;
    this.corrupt = addCorruptWrites(this.corrupt, st);
    this.missing = addMissingValues(this.missing, st);
  }

  /** The totals so far, including the scanner still running (`st`, if any). */
  counters(st: MvccStats | undefined): ScanCounters {
    return {
      deleted: this.deleted + (st === undefined ? 0 : st.deletedRows + st.gcFenced),
      valuesMissing: this.valuesMissing + (st === undefined ? 0 : st.missingDefault + st.blobIndex),
      corruptWrites: addCorruptWrites(this.corrupt, st),
      missingValues: addMissingValues(this.missing, st),
    };
  }
}
