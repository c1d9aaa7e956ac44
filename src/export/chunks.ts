/**
 * Chunk planner: splits a physical table's raw record range into chunks whose boundaries come
 * from the source itself, so a rerun over the same files makes exactly the same chunks.
 *
 * Boundaries are the first keys of data blocks of the write and default CFs' SSTs (every write
 * record of a row sits in the write CF, short values inline; values over 255 bytes sit in the
 * default CF, under the same 'z' + mc(raw key) prefix): for each live file overlapping the range, the
 * data blocks whose first key lies inside the range are walked in file order, adding up their
 * on-disk sizes; each time `targetBytes` is reached the next block's first key becomes a
 * candidate. A first key is `z` + mc(raw key) + ts, so it decodes exactly to a raw TiDB key: a
 * boundary never falls between two versions of one row. Candidates of all files (all levels)
 * are merged, sorted and de-duplicated, then thinned evenly to at most
 * ceil(total in-range bytes / targetBytes) - 1 boundaries.
 *
 * Cost per file: its index, two binary searches over the data blocks (each probe reads one
 * block; skipped at an end where the file's smallest/largest key from the MANIFEST is already
 * inside the range) plus one block read per candidate. Rows only in the WAL/memtable simply
 * fall into whichever chunk covers their key: chunks always partition the whole range, whatever
 * the boundaries.
 */
import { FormatError } from '../errors.js';
import { SstReader } from '../rocksdb/sst-reader.js';
import type { LiveFile } from '../rocksdb/types.js';
import { compareBytes } from '../tikv/memcomparable.js';
import { decodeDataKey, encodeDataKey, encodeRawRange, type RawRange } from '../tikv/mvcc-key.js';

/** Default chunk size: SST data-block bytes (write + default CF) per chunk. */
export const DEFAULT_CHUNK_BYTES = 16 * 1024 * 1024;

function overlaps(f: LiveFile, enc: { start: Uint8Array; end: Uint8Array }): boolean {
  return compareBytes(f.largestKey, enc.start) >= 0 && compareBytes(f.smallestKey, enc.end) < 0;
}

/**
 * The data blocks' offsets and sizes, from the index: two arrays of numbers rather than
 * `dataBlockHandles()`'s object per block (the 10 M-row benchmark's files have 40,000 blocks;
 * planning them as objects grew the main thread's young generation from 8 to 16 MiB for good).
 */
interface BlockTable {
  offsets: number[];
  sizes: number[];
}

function blockTable(reader: SstReader): BlockTable {
  const offsets: number[] = [];
  const sizes: number[] = [];
  reader.newIndexCursor().appendHandles(offsets, sizes);
  return { offsets, sizes };
}

/** First user key of data block `i` of `reader` (one block read). */
function firstKeyReader(reader: SstReader, blocks: BlockTable): (handleIndex: number) => Uint8Array | undefined {
  const cache = new Map<number, Uint8Array | undefined>();
  return (i) => {
    if (cache.has(i)) return cache.get(i);
    const c = reader.blocksCursor([{ offset: blocks.offsets[i]!, size: blocks.sizes[i]! }]);
    c.seekToFirst();
    const k = c.valid() ? c.userKey().slice() : undefined;
    cache.set(i, k);
    return k;
  };
}

/** Lowest index in [lo, hi) whose key is >= target (keys ascending; undefined keys count as +inf). */
function lowerBound(lo: number, hi: number, keyAt: (i: number) => Uint8Array | undefined, target: Uint8Array): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const k = keyAt(mid);
    if (k !== undefined && compareBytes(k, target) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface BoundaryPlan {
  /** Sorted, distinct raw keys strictly inside the range. */
  boundaries: Uint8Array[];
  /** Data-block bytes found inside the range. */
  bytes: number;
  /**
   * Estimated data-block bytes of each chunk (boundaries.length + 1 values, summing to `bytes`):
   * each file's run of blocks between two candidates counted in the chunk of its first key. Used
   * only to order the last chunks among the worker threads (worker-pool.ts), never to plan.
   */
  chunkBytes: number[];
}

/** A run of consecutive in-range blocks of one file: its first key (encoded) and its bytes. */
interface BlockRun {
  key: Uint8Array | undefined;
  bytes: number;
}

const planned = new WeakMap<readonly Uint8Array[], number[]>();

/**
 * The chunkBytes of the plan whose `boundaries` array this is (a DumpSource hands on only the
 * array), or undefined for an array planBoundaries did not return.
 */
export function plannedChunkBytes(boundaries: readonly Uint8Array[]): number[] | undefined {
  return planned.get(boundaries);
}

/**
 * Raw boundary keys for `range` (a physical table's record range) from the given write-CF and
 * default-CF files. `targetBytes` <= 0 means one chunk.
 */
export function planBoundaries(files: readonly LiveFile[], range: RawRange, targetBytes: number): BoundaryPlan {
  const enc = encodeRawRange(range);
  const cands: Uint8Array[] = [];
  const runs: BlockRun[] = [];
  let total = 0;
  const inRange = files.filter((f) => overlaps(f, enc)).sort((a, b) => a.fileNumber - b.fileNumber);
  for (const f of inRange) {
    const reader = SstReader.open(f.path);
    try {
      const blocks = blockTable(reader);
      const sizes = blocks.sizes;
      const n = sizes.length;
      const keyAt = firstKeyReader(reader, blocks);
      // A file wholly inside the range (the usual case: one table spans many files) needs no
      // binary search: every block's first key lies within [smallestKey, largestKey]. Each
      // probe would read and decompress a data block.
      const lo = compareBytes(f.smallestKey, enc.start) >= 0 ? 0 : lowerBound(0, n, keyAt, enc.start);
      const hi = f.largestKey.length > 0 && compareBytes(f.largestKey, enc.end) < 0 ? n : lowerBound(lo, n, keyAt, enc.end);
      let acc = 0;
      let run: BlockRun = { key: lo < hi ? (compareBytes(f.smallestKey, enc.start) >= 0 ? f.smallestKey : keyAt(lo)) : undefined, bytes: 0 };
      for (let i = lo; i < hi; i++) {
        const size = sizes[i]!;
        acc += size;
        total += size;
        run.bytes += size;
        if (targetBytes > 0 && acc >= targetBytes && i + 1 < hi) {
          const k = keyAt(i + 1);
          if (k !== undefined) {
            cands.push(k);
            runs.push(run);
            run = { key: k, bytes: 0 };
          }
          acc = 0;
        }
      }
      if (run.bytes > 0) runs.push(run);
    } finally {
      reader.close();
    }
  }
  const raws: Uint8Array[] = [];
  for (const k of cands) {
    let raw: Uint8Array;
    try {
      raw = decodeDataKey(k);
    } catch (e) {
      if (e instanceof FormatError) continue; // not a data key: not a usable boundary
      throw e;
    }
    if (compareBytes(raw, range.start) <= 0) continue;
    if (range.end.length > 0 && compareBytes(raw, range.end) >= 0) continue;
    raws.push(raw);
  }
  raws.sort(compareBytes);
  const distinct = raws.filter((k, i) => i === 0 || compareBytes(k, raws[i - 1]!) !== 0);
  const want = targetBytes > 0 ? Math.max(0, Math.ceil(total / targetBytes) - 1) : 0;
  const boundaries = thin(distinct, want);
  const chunkBytes = runBytesPerChunk(runs, boundaries);
  planned.set(boundaries, chunkBytes);
  return { boundaries, bytes: total, chunkBytes };
}

/**
 * Each run's bytes added to the chunk that holds its first key. Encoded keys compare like their
 * raw keys: `z` + mc(raw) + ts >= `z` + mc(boundary) exactly when raw >= boundary (the
 * memcomparable encoding is prefix-free, so the ts never decides).
 */
function runBytesPerChunk(runs: readonly BlockRun[], boundaries: readonly Uint8Array[]): number[] {
  const enc = boundaries.map(encodeDataKey);
  const out = new Array<number>(boundaries.length + 1).fill(0);
  for (const r of runs) {
    let j = 0;
    if (r.key !== undefined) {
      let lo = 0;
      let hi = enc.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (compareBytes(enc[mid]!, r.key) <= 0) lo = mid + 1;
        else hi = mid;
      }
      j = lo;
    }
    out[j]! += r.bytes;
  }
  return out;
}

/** At most `want` of the sorted keys, evenly spaced (deterministic). */
export function thin(keys: Uint8Array[], want: number): Uint8Array[] {
  if (keys.length <= want) return keys;
  if (want <= 0) return [];
  const out: Uint8Array[] = [];
  for (let j = 1; j <= want; j++) out.push(keys[Math.floor((j * keys.length) / (want + 1))]!);
  return out.filter((k, i) => i === 0 || compareBytes(k, out[i - 1]!) !== 0);
}

/** [start, b1), [b1, b2), ..., [bn, end): the chunks of one range (boundaries sorted, inside). */
export function splitRange(range: RawRange, boundaries: readonly Uint8Array[]): RawRange[] {
  const out: RawRange[] = [];
  let start = range.start;
  for (const b of boundaries) {
    out.push({ start, end: b });
    start = b;
  }
  out.push({ start, end: range.end });
  return out;
}

/** One piece of a chunk: a key range of one physical table (raw keys, hex; '' end = +inf). */
export interface ChunkSegment {
  physicalId: number;
  startHex: string;
  endHex: string;
}

/**
 * One unit of work: consecutive key ranges of a table, in dump order. Only planned boundaries
 * start a new chunk; a partition change does not (a small partitioned table stays one chunk, one
 * file, as before chunking).
 */
export interface ChunkSpec {
  /** Index within its table (0-based). */
  index: number;
  segments: ChunkSegment[];
}

const hex = (u: Uint8Array): string => Buffer.from(u.buffer, u.byteOffset, u.length).toString('hex');

/** `parts`: each physical id with its ranges split at its boundaries (splitRange). */
export function chunkSpecs(parts: readonly { physicalId: number; ranges: readonly RawRange[] }[]): ChunkSpec[] {
  const out: ChunkSpec[] = [];
  let cur: ChunkSpec | undefined;
  for (const p of parts) {
    p.ranges.forEach((r, i) => {
      if (cur === undefined || i > 0) {
        cur = { index: out.length, segments: [] };
        out.push(cur);
      }
      cur.segments.push({ physicalId: p.physicalId, startHex: hex(r.start), endHex: hex(r.end) });
    });
  }
  return out;
}

/**
 * Estimated bytes of each chunk chunkSpecs(parts) makes (same grouping: a partition's first
 * range joins the chunk before it), from the ranges' estimates; undefined where one is unknown.
 */
export function chunkEstimates(parts: readonly { ranges: readonly RawRange[]; bytes: readonly number[] | undefined }[]): (number | undefined)[] {
  const out: (number | undefined)[] = [];
  for (const p of parts) {
    p.ranges.forEach((_, i) => {
      const b = p.bytes !== undefined && p.bytes.length === p.ranges.length ? p.bytes[i] : undefined;
      if (out.length === 0 || i > 0) out.push(b);
      else {
        const prev = out[out.length - 1];
        out[out.length - 1] = prev === undefined || b === undefined ? undefined : prev + b;
      }
    });
  }
  return out;
}

export function segmentRange(c: ChunkSegment): RawRange {
  return { start: Uint8Array.from(Buffer.from(c.startHex, 'hex')), end: Uint8Array.from(Buffer.from(c.endHex, 'hex')) };
}
