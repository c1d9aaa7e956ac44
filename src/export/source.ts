/**
 * What the export layer needs from the layers below, as small interfaces. `real-source.ts`
 * implements them with RocksDb + LatestScanner + Catalog + RowDecoder; tests use fakes.
 * (An extension of the DEVELOPING.md contracts that lives only in src/export.)
 */
import type { CollationSetting } from '../tidb/collation-setting.js';
import type { DbInfo, TableInfo } from '../tidb/table-info.js';
import type { CellKind } from './csv.js';
import type { SalvageSource } from './salvage-report.js';
import type { MissingValues } from './missing-values.js';
import type { CorruptWrites } from './corrupt-writes.js';

/** Latest committed rows of one physical table, ascending by key (LatestScanner's shape). */
export interface RowScan {
  next(): boolean;
  /** mc-decoded TiDB record key (`t{id}_r...`). */
  rawKey(): Uint8Array;
  value(): Uint8Array;
  commitTs(): bigint;
  /** Optional: rawKey() decoded into a reused buffer (a view valid until next()). */
  rawKeyView?(): Uint8Array;
  /** Optional: commit_ts as 8 big-endian bytes (a view valid until next()), no bigint per row. */
  commitTsBytes?(): Uint8Array;
  /**
   * Optional, all three or none: value() is valueBuffer()[valueStart(), valueEnd()) (valid until
   * next()), readable without making that view (no allocation per row; LatestScanner's short
   * values sit inside the write record). The array is never refilled in place: while the scan
   * keeps returning the same array object, its bytes do not change (a reused buffer comes back
   * as a new view), so a caller may keep a copy of a whole array for the rows that follow.
   */
  valueBuffer?(): Uint8Array;
  valueStart?(): number;
  valueEnd?(): number;
  /** Counters so far: keys whose newest committed record is a Delete; Puts whose value is missing. */
  counters(): ScanCounters;
  /**
   * Optional: stop before the end and release what the scan holds open (SST files, buffers); a
   * scan run to its end has released them. next() is false after.
   */
  close?(): void;
}

export interface ScanCounters {
  /** Keys whose newest visible record is a Delete, or hidden by a gc_fence. */
  deleted: number;
  /** Committed Puts whose value cannot be read (default-CF entry missing, or in Titan). */
  valuesMissing: number;
  /** Keys skipped because their write-CF record does not parse (reported as rejects; corrupt-writes.ts). */
  corruptWrites?: CorruptWrites;
  /** The keys behind valuesMissing: count and the first samples (missing-values.ts). */
  missingValues?: MissingValues;
}

export interface OutputColumnLike {
  name: string;
  kind: CellKind;
}

export interface TableDecoder {
  readonly columns: readonly OutputColumnLike[];
  decode(rawKey: Uint8Array, value: Uint8Array): (Uint8Array | null)[];
}

export interface DumpSource {
  /** --salvage: loss bookkeeping; dump.ts writes salvage-report.json from it. */
  salvage?: SalvageSource;
  /** `within` (raw TiDB keys, empty end = +inf) limits the scan to one chunk of the table. */
  scanRows(physicalId: number, within?: { start: Uint8Array; end: Uint8Array }): RowScan;
  /** Chunk boundaries (raw keys, sorted, inside the record range) from the source's SSTs (chunks.ts). */
  chunkBoundaries?(physicalId: number, targetBytes: number): Uint8Array[];
  /** Live SST and WAL files (name, size) of the source, for the resume fingerprint. */
  sourceFiles?(): { name: string; size: number }[];
  /** Number of pending (uncommitted) locks in the table's record range. */
  pendingLocks(physicalId: number): number;
  /** The first pending locks of a physical table (key, primary, start_ts), for the report. */
  lockDetails?(physicalId: number): LockDetail[];
  /**
   * `collation`: the setting to decode with instead of this source's own (a chunk worker's
   * session reads no schema and is given the run's: worker-thread.ts).
   */
  decoder(table: TableInfo, collation?: CollationSetting): TableDecoder;
  /** Whole `{db}.{table}-schema.sql` content (SET NAMES ... CREATE TABLE ...;). */
  tableSchemaFile(table: TableInfo, db: DbInfo): string;
  /** Whole `{db}-schema-create.sql` content. */
  databaseSchemaFile(db: DbInfo): string;
  /** Bytes of SST/WAL read so far, for progress (optional). */
  bytesRead?(): number;
  /** Rough total bytes a physical table's scan will read, for an ETA (optional). */
  estimateBytes?(physicalId: number): number;
}

/** pino-compatible subset. */
export interface Log {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const silentLog: Log = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** One pending lock, printable: an uncommitted transaction's key whose data was not exported. */
export interface LockDetail {
  /** Raw TiDB key, hex. */
  key: string;
  /** The transaction's primary key, hex. */
  primary: string;
  startTs: string;
  type: string;
  /**
   * The transaction's status from its primary (scanLocks, src/tikv/mvcc-scan.ts): committed /
   * rolled-back / pending / async-commit. committed: the row's exported value may be older than
   * the committed one (committed-but-locked values are not resolved).
   */
  status?: string;
  /** commit_ts of the primary's commit, when status is committed. */
  commitTs?: string;
}
