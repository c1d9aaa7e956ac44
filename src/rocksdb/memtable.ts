/**
 * An in-memory table rebuilt from WAL records of one column family: every point entry sorted
 * in internal-key order (user key ascending, sequence descending), range tombstones kept apart.
 * This mirrors what RocksDB's read-only open rebuilds in its memtable
 * (facebook/rocksdb:db/memtable.cc, db/db_impl/db_impl_open.cc `RecoverLogFiles`).
 *
 * Keys and values are kept as views into the WAL buffers (no copy); the WAL buffers therefore
 * live as long as the memtable.
 */
import { compareBytes } from './internal-key.js';
import type { InternalCursor, RangeTombstone } from './types.js';

interface Entry {
  key: Uint8Array;
  seq: number;
  kind: number;
  value: Uint8Array;
}

function compareEntries(a: Entry, b: Entry): number {
  const c = compareBytes(a.key, b.key);
  if (c !== 0) return c;
  return b.seq - a.seq; // newest first
}

export class Memtable {
  private readonly entries: Entry[] = [];
  private readonly tombstones: RangeTombstone[] = [];
  private sorted = true;

  /** Add a point entry (Value, Deletion, SingleDeletion, BlobIndex, Merge, ...). */
  add(key: Uint8Array, seq: number, kind: number, value: Uint8Array): void {
    const e: Entry = { key, seq, kind, value };
    const n = this.entries.length;
    if (this.sorted && n > 0 && compareEntries(this.entries[n - 1]!, e) > 0) this.sorted = false;
    this.entries.push(e);
  }

  addRangeTombstone(start: Uint8Array, end: Uint8Array, seq: number): void {
    this.tombstones.push({ start, end, seq });
  }

  get size(): number {
    return this.entries.length;
  }

  rangeTombstones(): RangeTombstone[] {
    return this.tombstones;
  }

  /** Smallest and largest user key over points and tombstones, or null when empty. */
  keyBounds(): { smallest: Uint8Array; largest: Uint8Array } | null {
    this.sort();
    let smallest: Uint8Array | null = null;
    let largest: Uint8Array | null = null;
    if (this.entries.length > 0) {
      smallest = this.entries[0]!.key;
      largest = this.entries[this.entries.length - 1]!.key;
    }
    for (const t of this.tombstones) {
      if (smallest === null || compareBytes(t.start, smallest) < 0) smallest = t.start;
      if (largest === null || compareBytes(t.end, largest) > 0) largest = t.end;
    }
    return smallest === null || largest === null ? null : { smallest, largest };
  }

  private sort(): void {
    if (this.sorted) return;
    // Decorate with latin1 strings: JS string comparison is bytewise on latin1 (one char per
    // byte, code points 0..255) and runs natively, about twice as fast as a byte loop here.
    const n = this.entries.length;
    const dec: { s: string; e: Entry }[] = new Array<{ s: string; e: Entry }>(n);
    for (let i = 0; i < n; i++) {
      const e = this.entries[i]!;
      dec[i] = { s: Buffer.from(e.key.buffer, e.key.byteOffset, e.key.byteLength).toString('latin1'), e };
    }
    dec.sort((a, b) => (a.s < b.s ? -1 : a.s > b.s ? 1 : b.e.seq - a.e.seq));
    for (let i = 0; i < n; i++) this.entries[i] = dec[i]!.e;
    this.sorted = true;
  }

  cursor(): InternalCursor {
    this.sort();
    return new MemtableCursor(this.entries);
  }
}

class MemtableCursor implements InternalCursor {
  private i: number;
  constructor(private readonly entries: Entry[]) {
    this.i = entries.length;
  }
  seekToFirst(): void {
    this.i = 0;
  }
  seek(target: Uint8Array): void {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareBytes(this.entries[mid]!.key, target) < 0) lo = mid + 1;
      else hi = mid;
    }
    this.i = lo;
  }
  valid(): boolean {
    return this.i < this.entries.length;
  }
  next(): void {
    this.i++;
  }
  userKey(): Uint8Array {
    return this.entries[this.i]!.key;
  }
  seq(): number {
    return this.entries[this.i]!.seq;
  }
  kind(): number {
    return this.entries[this.i]!.kind;
  }
  value(): Uint8Array {
    return this.entries[this.i]!.value;
  }
  valueArray(): Uint8Array {
    return this.entries[this.i]!.value;
  }
  valueOffset(): number {
    return 0;
  }
  valueEndOffset(): number {
    return this.entries[this.i]!.value.length;
  }
}
