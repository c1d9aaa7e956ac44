/**
 * In-memory CfSource for tests: per column family, a sorted array of (key, value, kind) exposed
 * as KvCursor. Counts cursor creations, seeks and nexts so tests can check access patterns.
 */
import type { KeyRange, KvCursor } from '../../../src/rocksdb/types.js';
import { ValueType } from '../../../src/rocksdb/types.js';
import type { CfSource } from '../../../src/tikv/mvcc-scan.js';

export interface MemEntry {
  key: Uint8Array;
  value: Uint8Array;
  kind: number;
}

export function cmp(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

export interface CfCounters {
  cursors: number;
  seeks: number;
  nexts: number;
}

class MemCursor implements KvCursor {
  private i: number;
  private keyBuf = new Uint8Array(256);
  private valBuf = new Uint8Array(256);
  private keyView: Uint8Array | undefined;
  private keyViewOf: Uint8Array | undefined;
  constructor(
    private readonly entries: MemEntry[],
    private readonly range: KeyRange,
    private readonly counters: CfCounters,
    /** false: ignore range.end (a CfSource may return keys past it; the scanner must stop itself). */
    private readonly clampEnd = true,
    /** true: userKey() hands out the same view while the key length stays (as MergingCursor does). */
    private readonly reuseKeyView = false,
  ) {
    this.i = entries.length;
  }
  /** Common prefix with the entry before, after a next() (KeySharing; -1 after a seek). */
  private shared = -1;
  /**
   * KeySharing, on cursors of a source made with keySharing: the exact length of the common prefix
   * of userKey() and the previous entry's key after next(), 0 after a seek.
   */
  keyShared(): number {
    return this.shared < 0 ? 0 : this.shared;
  }
  private clamp(): void {
    const e = this.entries[this.i];
    if (this.clampEnd && e !== undefined && this.range.end !== undefined && cmp(e.key, this.range.end) >= 0) this.i = this.entries.length;
  }
  seekToFirst(): void {
    this.seek(this.range.start ?? new Uint8Array(0));
  }
  /** Views handed out before a move become garbage, as with a real block cursor. */
  private scribble(): void {
    this.keyBuf.fill(0xee);
    this.valBuf.fill(0xee);
  }
  seek(target: Uint8Array): void {
    this.counters.seeks++;
    this.scribble();
    let t = target;
    if (this.range.start !== undefined && cmp(t, this.range.start) < 0) t = this.range.start;
    // binary search for the first key >= t
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(this.entries[mid]!.key, t) < 0) lo = mid + 1;
      else hi = mid;
    }
    this.i = lo;
    this.shared = -1;
    this.clamp();
  }
  valid(): boolean {
    return this.i < this.entries.length;
  }
  next(): void {
    this.counters.nexts++;
    this.scribble();
    if (this.i < this.entries.length) this.i++;
    const a = this.entries[this.i - 1];
    const b = this.entries[this.i];
    let p = 0;
    if (a !== undefined && b !== undefined) while (p < a.key.length && p < b.key.length && a.key[p] === b.key[p]) p++;
    this.shared = p;
    this.clamp();
  }
  private cur(): MemEntry {
    const e = this.entries[this.i];
    if (e === undefined) throw new Error('cursor not valid');
    return e;
  }
  // Hand out copies into a reused buffer to mimic the "valid until next" contract: callers
  // that keep a view past next() see garbage and fail.
  userKey(): Uint8Array {
    const k = this.cur().key;
    if (this.keyBuf.length < k.length) this.keyBuf = new Uint8Array(k.length * 2);
    this.keyBuf.fill(0xee);
    this.keyBuf.set(k);
    if (this.reuseKeyView) {
      if (this.keyView?.length !== k.length || this.keyViewOf !== this.keyBuf) {
        this.keyView = this.keyBuf.subarray(0, k.length);
        this.keyViewOf = this.keyBuf;
      }
      return this.keyView;
    }
    return this.keyBuf.subarray(0, k.length);
  }
  value(): Uint8Array {
    const v = this.cur().value;
    if (this.valBuf.length < v.length) this.valBuf = new Uint8Array(v.length * 2);
    this.valBuf.fill(0xee);
    this.valBuf.set(v);
    return this.valBuf.subarray(0, v.length);
  }
  seq(): number {
    return 0;
  }
  kind(): number {
    return this.cur().kind;
  }
}

export class MemCfSource implements CfSource {
  private readonly cfs = new Map<string, MemEntry[]>();
  readonly counters = new Map<string, CfCounters>();
  private sorted = true;
  /** clampEnd false: cursors ignore the range end (see MemCursor). */
  /** keySharing: cursors have keyShared() (as the RocksDB cursors do). */
  constructor(private readonly opts: { clampEnd?: boolean; reuseKeyView?: boolean; keySharing?: boolean } = {}) {}

  put(cf: string, key: Uint8Array, value: Uint8Array, kind: number = ValueType.Value): this {
    let list = this.cfs.get(cf);
    if (list === undefined) {
      list = [];
      this.cfs.set(cf, list);
    }
    const existing = list.findIndex((e) => cmp(e.key, key) === 0);
    if (existing >= 0) throw new Error(`duplicate key in ${cf}`);
    list.push({ key: Uint8Array.from(key), value: Uint8Array.from(value), kind });
    this.sorted = false;
    return this;
  }

  counter(cf: string): CfCounters {
    let c = this.counters.get(cf);
    if (c === undefined) {
      c = { cursors: 0, seeks: 0, nexts: 0 };
      this.counters.set(cf, c);
    }
    return c;
  }

  cursor(cf: string, range: KeyRange = {}): KvCursor {
    if (!this.sorted) {
      for (const l of this.cfs.values()) l.sort((a, b) => cmp(a.key, b.key));
      this.sorted = true;
    }
    const c = this.counter(cf);
    c.cursors++;
    const m = new MemCursor(this.cfs.get(cf) ?? [], range, c, this.opts.clampEnd ?? true, this.opts.reuseKeyView ?? false);
    if (this.opts.keySharing === true) return m;
    // without keySharing the cursor must not look like one that has it (sharesKeys)
    return {
      seekToFirst: () => m.seekToFirst(),
      seek: (t) => m.seek(t),
      valid: () => m.valid(),
      next: () => m.next(),
      userKey: () => m.userKey(),
      value: () => m.value(),
      seq: () => m.seq(),
      kind: () => m.kind(),
    };
  }
}
