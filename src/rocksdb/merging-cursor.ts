/**
 * The merged, visible view of one column family (what `ldb scan` prints), built from:
 *   - memtables (WAL replay),
 *   - each L0 file (they overlap) as its own input,
 *   - one concatenating input per level >= 1 (files do not overlap; opened lazily by key range).
 *
 * Semantics (facebook/rocksdb:db/db_iter.cc `DBIter::FindNextUserEntryInternal`,
 * db/range_del_aggregator.cc): for each user key the entry with the highest sequence wins;
 * Deletion / SingleDeletion hide the key; a range tombstone [start, end) at seq t hides every
 * entry of a key in the range with seq < t; Value and BlobIndex (0x11, Titan) are visible;
 * Merge and the other value types TiKV never writes are an 'unsupported' FormatError.
 *
 * Bounds [start, end): inputs whose [smallest, largest] key range lies outside are never opened.
 * A file's range tombstones are registered when the file is opened; that is always before any
 * key inside the file's range is emitted (every input is positioned at or after the heap top,
 * and an input at or after a key has opened the only file of its level that can contain it).
 */
import { FormatError, unsupported, hex } from '../errors.js';
import { compareBytes } from './internal-key.js';
import { ValueType, type InternalCursor, type KeyRange, type KvCursor, type RangeTombstone } from './types.js';

/** An input opened on demand: an SST, or anything else with a key range. */
export interface LazySource {
  /** Label for errors (file path, "memtable of 000012.log", ...). */
  name: string;
  smallestKey: Uint8Array;
  largestKey: Uint8Array;
  /** Key bounds unknown (fallback without MANIFEST): always treated as overlapping. */
  unbounded?: boolean;
  /**
   * Open the input: its entry cursor and its range tombstones. Called again after close() when
   * a seek comes back to the input (its tombstones are registered only the first time).
   */
  open(): { cursor: InternalCursor; tombstones: RangeTombstone[] };
  /** Release what open() holds (file descriptors); the cursor is not used afterwards. */
  close?(): void;
}

export interface MergeInputs {
  /** Inputs that may overlap each other (memtables, L0 files, fallback files): one heap entry each. */
  overlapping: LazySource[];
  /** Levels >= 1: each a list of non-overlapping files (any order; sorted here). */
  levels: LazySource[][];
  range?: KeyRange;
}

/**
 * Optional cursor capability: after next(), a lower bound of the length of the common prefix of
 * userKey() and the user key of the entry the cursor was on before (0 when unknown, e.g. at a block
 * or file change). Sorted keys share long prefixes (TiKV: 'z' + table prefix + most of the handle),
 * so a consumer that compares or copies the key can start there. Not defined after a seek.
 * SstCursor, the merge's level and lazy inputs, and MergingCursor have it.
 */
export interface KeySharing {
  keyShared(): number;
}

export function sharesKeys<T extends object>(c: T): c is T & KeySharing {
  return typeof (c as Partial<KeySharing>).keyShared === 'function';
}

const EMPTY = new Uint8Array(0);
const EMPTY_VIEW = new DataView(new ArrayBuffer(0));

/**
 * Length of the common prefix of `a` and `b` (DataViews over the same bytes), known to be at least
 * `from`: big-endian words from there, the tail byte by byte.
 */
function commonPrefix(a: Uint8Array, da: DataView, b: Uint8Array, db: DataView, from: number): number {
  const n = a.length < b.length ? a.length : b.length;
  // from the word holding byte `from` (the bytes before it are equal too): keys whose length is
  // a multiple of 4 (TiKV's write-CF keys are 36 bytes) then need no byte loop
  let i = from & ~3;
  for (; i + 4 <= n; i += 4) {
    const x = da.getUint32(i) ^ db.getUint32(i);
    if (x !== 0) return i + (Math.clz32(x) >>> 3);
  }
  if (i < n) {
    // the last 1-3 bytes: the word ending at n (its bytes before i are equal), bytes under 4
    if (n >= 4) {
      const x = da.getUint32(n - 4) ^ db.getUint32(n - 4);
      return x === 0 ? n : n - 4 + (Math.clz32(x) >>> 3);
    }
    for (; i < n; i++) if (a[i] !== b[i]) return i;
  }
  return n;
}

/**
 * Bytewise comparison (as compareBytes) of keys `a` and `b` given DataViews over the same bytes:
 * four bytes per step (big-endian words order like their bytes), the tail byte by byte.
 * Merged keys share long prefixes (TiKV: 'z' + table prefix), which this skips 4x faster.
 */
function compareWords(a: Uint8Array, da: DataView, b: Uint8Array, db: DataView): number {
  const la = a.length;
  const lb = b.length;
  const n = la < lb ? la : lb;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const x = da.getUint32(i);
    const y = db.getUint32(i);
    if (x !== y) return x < y ? -1 : 1;
  }
  if (i < n) {
    // the last 1-3 bytes: the word ending at n (its bytes before i are equal), bytes under 4
    if (n >= 4) {
      const x = da.getUint32(n - 4);
      const y = db.getUint32(n - 4);
      if (x !== y) return x < y ? -1 : 1;
    } else {
      for (; i < n; i++) {
        const d = a[i]! - b[i]!;
        if (d !== 0) return d;
      }
    }
  }
  return la - lb;
}

/**
 * Range tombstones for keys visited in ascending order (restarted by reset() on every seek).
 * Tombstones not yet reached wait in a min-heap by start key; reached ones whose end is still
 * ahead are "active", and the answer is the highest seq among them. Tombstones of files opened
 * mid-scan go straight into the heap (O(log n) each), so lazily opened files cost no re-sort.
 */
class TombstoneTracker {
  private readonly all: RangeTombstone[] = [];
  private pending: RangeTombstone[] = []; // min-heap by start
  private active: RangeTombstone[] = [];
  private minEnd: Uint8Array | null = null;
  private maxSeq = -1;
  private dirty = false;

  add(ts: RangeTombstone[]): void {
    for (const t of ts) {
      if (compareBytes(t.start, t.end) >= 0) continue; // empty range
      this.all.push(t);
      if (!this.dirty) this.push(t);
    }
  }

  /** Keys will restart from an arbitrary position (seek). */
  reset(): void {
    this.dirty = true;
  }

  private push(t: RangeTombstone): void {
    const h = this.pending;
    let i = h.length;
    h.push(t);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (compareBytes(h[parent]!.start, t.start) <= 0) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = t;
  }

  private pop(): RangeTombstone {
    const h = this.pending;
    const top = h[0]!;
    const last = h.pop()!;
    const n = h.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && compareBytes(h[c + 1]!.start, h[c]!.start) < 0) c++;
        if (compareBytes(h[c]!.start, last.start) >= 0) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }

  private recompute(): void {
    let maxSeq = -1;
    let minEnd: Uint8Array | null = null;
    for (const t of this.active) {
      if (t.seq > maxSeq) maxSeq = t.seq;
      if (minEnd === null || compareBytes(t.end, minEnd) < 0) minEnd = t.end;
    }
    this.maxSeq = maxSeq;
    this.minEnd = minEnd;
  }

  /** Highest seq of a tombstone covering `key`, or -1. `key` must not decrease between resets. */
  coveringSeq(key: Uint8Array): number {
    if (this.all.length === 0) return -1;
    let changed = false;
    if (this.dirty) {
      this.pending = [];
      for (const t of this.all) this.push(t);
      this.active = [];
      this.dirty = false;
      changed = true;
    }
    while (this.pending.length > 0 && compareBytes(this.pending[0]!.start, key) <= 0) {
      const t = this.pop();
      if (compareBytes(t.end, key) > 0) {
        this.active.push(t);
        changed = true;
      }
    }
    if (this.minEnd !== null && compareBytes(this.minEnd, key) <= 0) {
      this.active = this.active.filter((t) => compareBytes(t.end, key) > 0);
      changed = true;
    }
    if (changed) this.recompute();
    return this.maxSeq;
  }
}

/** Opens a LazySource on first use and registers its tombstones. */
class LazyCursor implements InternalCursor, KeySharing {
  private c: InternalCursor | null = null;
  /** c, when it has keyShared(). */
  private ks: KeySharing | null = null;
  private registered = false;
  constructor(
    readonly source: LazySource,
    private readonly tracker: TombstoneTracker,
  ) {}
  private get(): InternalCursor {
    if (this.c === null) {
      const o = this.source.open();
      if (!this.registered) {
        this.tracker.add(o.tombstones);
        this.registered = true;
      }
      this.c = o.cursor;
      this.ks = sharesKeys(o.cursor) ? o.cursor : null;
    }
    return this.c;
  }
  keyShared(): number {
    const k = this.ks;
    return k === null ? 0 : k.keyShared();
  }
  /** The opened input's cursor (null before open and after release). */
  inner(): InternalCursor | null {
    return this.c;
  }
  /** Close the input (an exhausted file need not hold a descriptor); reopened on the next seek. */
  release(): void {
    if (this.c !== null) {
      this.c = null;
      this.ks = null;
      this.source.close?.();
    }
  }
  seekToFirst(): void {
    this.get().seekToFirst();
  }
  seek(target: Uint8Array): void {
    this.get().seek(target);
  }
  valid(): boolean {
    return this.c !== null && this.c.valid();
  }
  next(): void {
    this.c!.next();
  }
  userKey(): Uint8Array {
    return this.c!.userKey();
  }
  seq(): number {
    return this.c!.seq();
  }
  kind(): number {
    return this.c!.kind();
  }
  value(): Uint8Array {
    return this.c!.value();
  }
  valueArray(): Uint8Array {
    return this.c!.valueArray();
  }
  valueOffset(): number {
    return this.c!.valueOffset();
  }
  valueEndOffset(): number {
    return this.c!.valueEndOffset();
  }
}

/** Concatenation of the non-overlapping files of one level; files opened when reached. */
class LevelCursor implements InternalCursor, KeySharing {
  private readonly files: LazyCursor[];
  private idx: number;
  /** The open cursor of files[idx] (hot path: one call instead of two per operation). */
  private cur: InternalCursor | null = null;
  /** cur, when it has keyShared(). */
  private curKs: KeySharing | null = null;
  /** The last next() moved to another file: no key shared with the previous entry. */
  private switched = false;
  constructor(
    sources: LazySource[],
    tracker: TombstoneTracker,
    private readonly end: Uint8Array | undefined,
  ) {
    const sorted = [...sources].sort((a, b) => compareBytes(a.smallestKey, b.smallestKey));
    this.files = sorted.map((s) => new LazyCursor(s, tracker));
    this.idx = this.files.length;
  }
  get name(): string {
    const f = this.files[this.idx];
    return f === undefined ? 'level' : f.source.name;
  }
  /** Close the file the cursor is in (at most one file of a level is open at a time). */
  release(): void {
    this.files[this.idx]?.release();
    this.setCur(null);
  }
  private setCur(c: InternalCursor | null): void {
    this.cur = c;
    this.curKs = c !== null && sharesKeys(c) ? c : null;
  }
  keyShared(): number {
    const k = this.curKs;
    return k === null || this.switched ? 0 : k.keyShared();
  }
  private settle(): void {
    // Move to following files while the current one is exhausted.
    while (this.idx < this.files.length && !this.files[this.idx]!.valid()) {
      this.files[this.idx]!.release();
      this.setCur(null);
      this.idx++;
      const f = this.files[this.idx];
      if (f === undefined) return;
      if (this.end !== undefined && compareBytes(f.source.smallestKey, this.end) >= 0) {
        this.idx = this.files.length;
        return;
      }
      f.seekToFirst();
      this.setCur(f.inner());
    }
  }
  seekToFirst(): void {
    this.release();
    this.idx = 0;
    const f = this.files[0];
    if (f === undefined) return;
    if (this.end !== undefined && compareBytes(f.source.smallestKey, this.end) >= 0) {
      this.idx = this.files.length;
      return;
    }
    f.seekToFirst();
    this.setCur(f.inner());
    this.settle();
  }
  seek(target: Uint8Array): void {
    // First file whose largest key >= target.
    let lo = 0;
    let hi = this.files.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareBytes(this.files[mid]!.source.largestKey, target) < 0) lo = mid + 1;
      else hi = mid;
    }
    if (lo !== this.idx) this.release();
    this.idx = lo;
    const f = this.files[lo];
    if (f === undefined) return;
    if (this.end !== undefined && compareBytes(f.source.smallestKey, this.end) >= 0) {
      this.release();
      this.idx = this.files.length;
      return;
    }
    f.seek(target);
    this.setCur(f.inner());
    this.settle();
  }
  valid(): boolean {
    const c = this.cur;
    return c !== null && c.valid();
  }
  next(): void {
    const c = this.cur!;
    c.next();
    this.switched = false;
    if (!c.valid()) {
      this.settle();
      this.switched = true;
    }
  }
  userKey(): Uint8Array {
    return this.cur!.userKey();
  }
  seq(): number {
    return this.cur!.seq();
  }
  kind(): number {
    return this.cur!.kind();
  }
  value(): Uint8Array {
    return this.cur!.value();
  }
  valueArray(): Uint8Array {
    return this.cur!.valueArray();
  }
  valueOffset(): number {
    return this.cur!.valueOffset();
  }
  valueEndOffset(): number {
    return this.cur!.valueEndOffset();
  }
}

/** True when the files' [smallest, largest] ranges are pairwise disjoint. */
function disjoint(files: LazySource[]): boolean {
  if (files.some((f) => f.unbounded === true)) return false;
  const sorted = [...files].sort((a, b) => compareBytes(a.smallestKey, b.smallestKey));
  for (let i = 1; i < sorted.length; i++) {
    if (compareBytes(sorted[i - 1]!.largestKey, sorted[i]!.smallestKey) >= 0) return false;
  }
  return true;
}

function overlaps(s: LazySource, range: KeyRange | undefined): boolean {
  if (range === undefined || s.unbounded === true) return true;
  if (range.start !== undefined && compareBytes(s.largestKey, range.start) < 0) return false;
  if (range.end !== undefined && compareBytes(s.smallestKey, range.end) >= 0) return false;
  return true;
}

/**
 * Merge the inputs into a KvCursor of visible entries. Uses a binary min-heap of child
 * indexes keyed by the children's cached (userKey, seq); no allocation per entry except when
 * the current key outgrows the reused key buffer.
 */
export class MergingCursor implements KvCursor, KeySharing {
  private readonly children: (LazyCursor | LevelCursor)[];
  private readonly names: string[];
  private readonly keys: Uint8Array[];
  /** DataViews over keys[i] (same bytes), for compareWords. */
  private readonly views: DataView[];
  private readonly heap: number[] = [];
  private readonly tracker = new TombstoneTracker();
  private readonly start: Uint8Array | undefined;
  private readonly end: Uint8Array | undefined;
  private readonly endView: DataView;
  // Current visible entry.
  private cur = -1; // child index, -1 = invalid
  private curKeyBuf = new Uint8Array(256);
  private curKeyBufView = new DataView(this.curKeyBuf.buffer);
  private curKeyLen = 0;
  private curKey: Uint8Array = EMPTY;
  private curKeyViewOf: Uint8Array | undefined;
  private curKind = 0;
  /** Heap position (1 or 2) of the smaller child of the top, or -1 when unknown. */
  private secondPos = -1;
  /** While secondPos >= 0: length of the common prefix of the top's and that child's keys. */
  private topDiff = 0;
  /**
   * After an advanceTop() that left the same child on top: its keyShared() (its key shares that
   * much with the key it had, the one the heap top had before); else -1.
   */
  private stepShared = -1;
  /**
   * Length of the common prefix of the end bound and the key the top child had before its last
   * step, when that step was the only one since (a lone child: see advanceTop); else -1.
   */
  private endDiff = -1;
  /** keyShared() of the current entry: curKeyBuf[0, curShared) did not change at the last move. */
  private curShared = 0;

  constructor(inputs: MergeInputs) {
    this.start = inputs.range?.start;
    this.end = inputs.range?.end;
    const e = this.end;
    this.endView = e === undefined ? EMPTY_VIEW : new DataView(e.buffer, e.byteOffset, e.byteLength);
    this.children = [];
    this.names = [];
    for (const s of inputs.overlapping) {
      if (!overlaps(s, inputs.range)) continue;
      this.children.push(this.single(s));
      this.names.push(s.name);
    }
    for (const level of inputs.levels) {
      const inRange = level.filter((s) => overlaps(s, inputs.range));
      if (inRange.length === 0) continue;
      if (!disjoint(inRange)) {
        // Not a proper level (files overlap): merge its files individually, which is always correct.
        for (const s of inRange) {
          this.children.push(this.single(s));
          this.names.push(s.name);
        }
        continue;
      }
      this.children.push(new LevelCursor(inRange, this.tracker, this.end));
      this.names.push('');
    }
    this.keys = this.children.map(() => EMPTY);
    this.views = this.children.map(() => EMPTY_VIEW);
  }

  /**
   * A child of one input (an L0 file, the memtable): a level of one file when its key bounds
   * are known, so that the children are all LevelCursors and the heap's calls (next, keyShared,
   * seq, release...) see one class. With L0 files as LazyCursors beside the levels, the first
   * release() of the other class, met mid-chunk after TurboFan had compiled advanceTop for
   * one, deoptimized it ('wrong map') and it was compiled again. An unbounded input (its
   * bounds unknown) cannot be a level: LevelCursor seeks by the files' bounds.
   */
  private single(s: LazySource): LazyCursor | LevelCursor {
    return s.unbounded === true ? new LazyCursor(s, this.tracker) : new LevelCursor([s], this.tracker, this.end);
  }

  private childName(i: number): string {
    const n = this.names[i]!;
    const c = this.children[i]!;
    return n === '' && c instanceof LevelCursor ? c.name : n;
  }

  private less(a: number, b: number): boolean {
    const c = compareWords(this.keys[a]!, this.views[a]!, this.keys[b]!, this.views[b]!);
    if (c !== 0) return c < 0;
    // Same user key (rare): the newer entry first. Seqs are read only here and for the output.
    return this.children[a]!.seq() > this.children[b]!.seq();
  }

  private siftUp(pos: number): void {
    const h = this.heap;
    const item = h[pos]!;
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      if (!this.less(item, h[parent]!)) break;
      h[pos] = h[parent]!;
      pos = parent;
    }
    h[pos] = item;
  }

  private siftDown(pos: number): void {
    const h = this.heap;
    const n = h.length;
    const item = h[pos]!;
    for (;;) {
      let child = 2 * pos + 1;
      if (child >= n) break;
      if (child + 1 < n && this.less(h[child + 1]!, h[child]!)) child++;
      if (!this.less(h[child]!, item)) break;
      h[pos] = h[child]!;
      pos = child;
    }
    h[pos] = item;
  }

  /** Cache the child's position; false when it is exhausted or past the end bound. */
  private load(i: number): boolean {
    return this.loadUnbounded(i) && this.belowEnd(i);
  }

  /** The loaded key of child i is below the end bound (words compared, like less()). */
  private belowEnd(i: number): boolean {
    return this.end === undefined || compareWords(this.keys[i]!, this.views[i]!, this.end, this.endView) < 0;
  }

  /** load() without the end bound check (the caller knows the key is below the end). */
  private loadUnbounded(i: number): boolean {
    const c = this.children[i]!;
    if (!c.valid()) return false;
    const k = c.userKey();
    if (k !== this.keys[i]) {
      // A new view (cursors reuse theirs while the key length stays): a DataView for less().
      this.keys[i] = k;
      this.views[i] = new DataView(k.buffer, k.byteOffset, k.byteLength);
    }
    return true;
  }

  private rebuildHeap(): void {
    this.heap.length = 0;
    this.secondPos = -1;
    this.endDiff = -1;
    this.stepShared = -1;
    // the next current key is copied whole, into a new view (keyShared() is 0 after a seek)
    this.curKeyLen = 0;
    this.curKeyViewOf = undefined;
    for (let i = 0; i < this.children.length; i++) {
      if (this.load(i)) {
        this.heap.push(i);
        this.siftUp(this.heap.length - 1);
      } else {
        this.children[i]!.release();
      }
    }
  }

  /** Advance the heap top child by one entry. */
  private advanceTop(): void {
    const h = this.heap;
    const i = h[0]!;
    const c = this.children[i]!;
    c.next();
    const n = h.length;
    const endDiff = this.endDiff;
    this.endDiff = -1;
    if (n > 1) {
      if (this.loadUnbounded(i)) {
        // While the top child stays below the smaller of its heap children, the heap is
        // unchanged: one comparison per entry instead of a sift (the common case: one level holds
        // a run). That child is below the end bound, so the top is too: no end check (the end
        // compare was 8% of a merge micro-benchmark's time). The comparison starts where the keys
        // can first differ: the new key shares keyShared() bytes with the old top key, which
        // shared topDiff bytes with the runner-up; sorted keys differ right there.
        const shared = c.keyShared();
        let s = this.secondPos;
        let from: number;
        if (s < 0) {
          s = n > 2 && this.less(h[2]!, h[1]!) ? 2 : 1;
          this.secondPos = s;
          from = 0;
        } else {
          from = shared < this.topDiff ? shared : this.topDiff;
        }
        const j = h[s]!;
        const a = this.keys[i]!;
        const b = this.keys[j]!;
        const p = commonPrefix(a, this.views[i]!, b, this.views[j]!, from);
        this.topDiff = p;
        // same order as less(i, j): bytes, then length, then the newer entry first
        const below = p < a.length && p < b.length ? a[p]! < b[p]! : a.length !== b.length ? a.length < b.length : c.seq() > this.children[j]!.seq();
        if (below) {
          this.stepShared = shared;
          return;
        }
        this.secondPos = -1;
        this.stepShared = -1;
        if (this.belowEnd(i)) {
          this.siftDown(0);
          return;
        }
      }
    } else if (this.loadUnbounded(i)) {
      // A lone child (e.g. one level): the end bound compared from where the key can first
      // differ from it, as the runner-up above.
      const shared = c.keyShared();
      const e = this.end;
      if (e === undefined) {
        this.stepShared = shared;
        return;
      }
      const a = this.keys[i]!;
      const p = commonPrefix(a, this.views[i]!, e, this.endView, endDiff < 0 ? 0 : shared < endDiff ? shared : endDiff);
      if (p < a.length && p < e.length ? a[p]! < e[p]! : a.length < e.length) {
        this.endDiff = p;
        this.stepShared = shared;
        return;
      }
    }
    // The child is exhausted or past the end bound.
    this.secondPos = -1;
    this.stepShared = -1;
    this.children[i]!.release();
    const last = h.pop()!;
    if (h.length > 0 && last !== i) {
      h[0] = last;
      this.siftDown(0);
    }
  }

  /**
   * Copy the heap top's key `k` into curKeyBuf. `from`: k[0, from) already equals
   * curKeyBuf[0, from) (the top child took one step from the current entry and kept that prefix).
   */
  private setCurKey(k: Uint8Array, kv: DataView, from: number): void {
    const n = k.length;
    if (n > this.curKeyBuf.length) {
      const nb = new Uint8Array(Math.max(n, this.curKeyBuf.length * 2));
      this.curKeyBuf = nb;
      this.curKeyBufView = new DataView(nb.buffer);
      from = 0;
    }
    if (from > this.curKeyLen) from = this.curKeyLen;
    if (from > n) from = n;
    this.curShared = from;
    const b = this.curKeyBuf;
    // Four bytes per step through DataViews: the native b.set(k) call was ~3.5x the samples of
    // this copy in an engine scan profile (keys of ~36 bytes).
    const bv = this.curKeyBufView;
    // from the word holding byte `from` (equal bytes rewritten): no byte loop when n % 4 == 0
    let i = from & ~3;
    for (; i + 4 <= n; i += 4) bv.setUint32(i, kv.getUint32(i, true), true);
    if (i < n) {
      // the last 1-3 bytes: the word ending at n (rewriting bytes just copied), bytes under 4
      if (n >= 4) bv.setUint32(n - 4, kv.getUint32(n - 4, true), true);
      else for (; i < n; i++) b[i] = k[i]!;
    }
    // The view is reused while the length and buffer stay the same (no allocation per entry).
    if (n !== this.curKeyLen || this.curKeyViewOf !== b) {
      this.curKey = b.subarray(0, n);
      this.curKeyViewOf = b;
    }
    this.curKeyLen = n;
  }

  /** Equality with the current key, compared from the end (sorted keys differ there first). */
  private sameAsCur(k: Uint8Array): boolean {
    let j = k.length;
    if (j !== this.curKeyLen) return false;
    const b = this.curKeyBuf;
    while (j > 0) {
      j--;
      if (k[j] !== b[j]) return false;
    }
    return true;
  }

  /** Skip every remaining entry of the current key (the current key is in curKeyBuf). */
  private skipCurrentKey(): void {
    // The heap top is the entry the current key was copied from (findVisible): no comparison.
    if (this.heap.length > 0) this.advanceTop();
    while (this.heap.length > 0 && this.sameAsCur(this.keys[this.heap[0]!]!)) {
      this.advanceTop();
      this.stepShared = -1; // more than one step from the current entry
    }
  }

  /** From the heap state, position on the next visible entry. */
  private findVisible(): void {
    for (;;) {
      if (this.heap.length === 0) {
        this.cur = -1;
        return;
      }
      const top = this.heap[0]!;
      const c = this.children[top]!;
      const kind = c.kind();
      const st = this.stepShared;
      this.setCurKey(this.keys[top]!, this.views[top]!, st < 0 ? 0 : st);
      const tSeq = this.tracker.coveringSeq(this.curKey);
      const covered = tSeq >= 0 && tSeq > c.seq();
      if (!covered) {
        if (kind === ValueType.Value || kind === ValueType.BlobIndex) {
          this.cur = top;
          this.curKind = kind;
          return;
        }
        if (kind !== ValueType.Deletion && kind !== ValueType.SingleDeletion) {
          throw this.badKind(top, kind);
        }
      }
      // Hidden: skip all versions of this key. (Older entries below a newest Merge would be
      // operands; we stop at the newest, so older kinds never matter here.)
      this.skipCurrentKey();
      this.stepShared = -1; // the next visible entry is more than one step from the current one
    }
  }

  private seqOf(i: number): string {
    try {
      return String(this.children[i]!.seq());
    } catch {
      return '?';
    }
  }

  private badKind(i: number, kind: number): FormatError {
    const name = this.childName(i);
    if (kind === ValueType.Merge) {
      return unsupported('merge operands are not supported (TiKV does not use merge)', {
        file: name,
        context: `key ${hex(this.curKey)} seq ${this.seqOf(i)}`,
      });
    }
    return unsupported('value type not supported', {
      file: name,
      context: `key ${hex(this.curKey)} seq ${this.seqOf(i)}`,
      found: `type 0x${kind.toString(16)}`,
    });
  }

  seekToFirst(): void {
    if (this.start !== undefined) {
      this.seek(this.start);
      return;
    }
    this.tracker.reset();
    for (const c of this.children) c.seekToFirst();
    this.rebuildHeap();
    this.findVisible();
  }

  seek(target: Uint8Array): void {
    const t = this.start !== undefined && compareBytes(target, this.start) < 0 ? this.start : target;
    this.tracker.reset();
    for (const c of this.children) c.seek(t);
    this.rebuildHeap();
    this.findVisible();
  }

  valid(): boolean {
    return this.cur >= 0;
  }

  next(): void {
    if (this.cur < 0) return;
    this.skipCurrentKey();
    this.findVisible();
  }

  userKey(): Uint8Array {
    return this.curKey;
  }

  /**
   * KeySharing: after next(), userKey()[0, keyShared()) equals the previous entry's user key there
   * (0 after a seek).
   */
  keyShared(): number {
    return this.curShared;
  }

  value(): Uint8Array {
    return this.children[this.cur]!.value();
  }

  /** value() as array + range (KvCursor's optional trio): no view per entry. */
  valueArray(): Uint8Array {
    return this.children[this.cur]!.valueArray();
  }

  valueOffset(): number {
    return this.children[this.cur]!.valueOffset();
  }

  valueEndOffset(): number {
    return this.children[this.cur]!.valueEndOffset();
  }

  seq(): number {
    // The winning child is still positioned on the entry (as for value()).
    return this.children[this.cur]!.seq();
  }

  kind(): number {
    return this.curKind;
  }

  /**
   * Release every input's resources (SST file descriptors). The cursor becomes invalid; a later
   * seek reopens what it needs. Call it when abandoning a cursor before its end.
   */
  close(): void {
    for (const c of this.children) c.release();
    this.heap.length = 0;
    this.cur = -1;
  }
}
