/**
 * Contracts of the storage layer (src/rocksdb). Everything above this layer sees RocksDB only
 * through these types. Keys are compared bytewise (leveldb.BytewiseComparator).
 *
 * Lifetimes: a Uint8Array returned by a cursor (userKey(), value()) may be a view into a
 * reused buffer. It stays valid only until the cursor moves (next/seek). Copy it
 * (`Uint8Array.prototype.slice`) to keep it.
 *
 * Sequence numbers are 56-bit in RocksDB; we keep them as JS numbers and raise an
 * 'overflow' FormatError above Number.MAX_SAFE_INTEGER (2^53-1), which no real TiKV reaches.
 */

/** RocksDB value types (facebook/rocksdb:db/dbformat.h) as they appear in SSTs and memtables. */
export const ValueType = {
  Deletion: 0x0,
  Value: 0x1,
  Merge: 0x2,
  SingleDeletion: 0x7,
  RangeDeletion: 0xf,
  BlobIndex: 0x11,
  DeletionWithTimestamp: 0x14,
  WideColumnEntity: 0x16,
  ValuePreferredSeqno: 0x18,
} as const;
export type ValueTypeCode = number;

/**
 * A cursor over internal entries (every version, tombstones included) in internal-key order:
 * user key ascending, then sequence descending. One SST, one memtable, or a merge of them.
 */
export interface InternalCursor {
  /** Position at the first entry. */
  seekToFirst(): void;
  /** Position at the first entry whose user key is >= target (newest version first). */
  seek(target: Uint8Array): void;
  valid(): boolean;
  next(): void;
  userKey(): Uint8Array;
  seq(): number;
  /** ValueType code of the entry. */
  kind(): ValueTypeCode;
  value(): Uint8Array;
  /**
   * value() is valueArray()[valueOffset(), valueEndOffset()), without making that view (for an
   * SST the array is the block, the same object for every entry of a block). Same validity as
   * value(): until the cursor moves.
   */
  valueArray(): Uint8Array;
  valueOffset(): number;
  valueEndOffset(): number;
}

/** A range tombstone [start, end) at sequence seq (from an SST's range-del block or the WAL). */
export interface RangeTombstone {
  start: Uint8Array;
  end: Uint8Array;
  seq: number;
}

/**
 * The merged, visible view of one column family: for each user key in ascending order, its
 * newest version, present only when that version is a Value or a BlobIndex not covered by a
 * newer range tombstone. This is what `ldb scan` prints.
 */
export interface KvCursor {
  seekToFirst(): void;
  seek(target: Uint8Array): void;
  valid(): boolean;
  next(): void;
  userKey(): Uint8Array;
  value(): Uint8Array;
  /** Optional, all three or none: as InternalCursor's (value() without a view). */
  valueArray?(): Uint8Array;
  valueOffset?(): number;
  valueEndOffset?(): number;
  seq(): number;
  /** ValueType.Value, or ValueType.BlobIndex for a Titan blob index (value = the index bytes). */
  kind(): ValueTypeCode;
}

export interface KeyRange {
  /** Inclusive lower bound (user key); undefined = from the first key. */
  start?: Uint8Array;
  /** Exclusive upper bound (user key); undefined = to the end. */
  end?: Uint8Array;
}

/** One live SST as the MANIFEST (or the properties fallback) describes it. */
export interface LiveFile {
  cf: string;
  cfId: number;
  /** LSM level; -1 when unknown (properties-based fallback without a MANIFEST). */
  level: number;
  fileNumber: number;
  path: string;
  size: number;
  smallestKey: Uint8Array; // user key
  largestKey: Uint8Array; // user key
  smallestSeq: number;
  largestSeq: number;
}

export interface WalFile {
  fileNumber: number;
  path: string;
  size: number;
}

/** Something odd that did not stop the read (fallback used, stale file ignored, ...). */
export interface Warning {
  code: string;
  message: string;
  file?: string;
}

export interface OpenOptions {
  /** Called for every warning; the CLI logs them and prints them in summaries. */
  onWarning?: (w: Warning) => void;
}
