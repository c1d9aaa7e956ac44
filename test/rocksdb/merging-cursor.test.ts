/**
 * MergingCursor against a brute-force model of RocksDB's read semantics written from
 * rocksdb-format.md §3 (newest seq per user key wins; Deletion/SingleDeletion hide; a range
 * tombstone [s, e) at seq t hides entries with seq < t; Value/BlobIndex visible), on random
 * inputs split across overlapping inputs and non-overlapping levels (fast-check), plus
 * hand-written cases. Real-file agreement with ldb is in db.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MergingCursor, type KeySharing, type LazySource } from '../../src/rocksdb/merging-cursor.js';
import { Memtable } from '../../src/rocksdb/memtable.js';
import { compareBytes } from '../../src/rocksdb/internal-key.js';
import { ValueType, type InternalCursor, type RangeTombstone, type KeyRange } from '../../src/rocksdb/types.js';
import { rng } from '../support/rng.js';
import { FormatError } from '../../src/errors.js';

interface E {
  key: Uint8Array;
  seq: number;
  kind: number;
  value: Uint8Array;
}

const b = (s: string): Uint8Array => Buffer.from(s);
const str = (u: Uint8Array): string => Buffer.from(u).toString();

/** Common prefix length of two keys. */
function common(a: Uint8Array, b: Uint8Array): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/**
 * An input with keyShared() (as SstCursor has): after next(), a random lower bound of the prefix
 * the key shares with the previous one (0 up to the exact length); after a seek, a value that
 * would be wrong to use.
 */
class SharingCursor implements InternalCursor, KeySharing {
  private shared = 1000;
  constructor(
    private readonly c: InternalCursor,
    private readonly rand: () => number,
  ) {}
  keyShared(): number {
    return this.shared;
  }
  seekToFirst(): void {
    this.c.seekToFirst();
    this.shared = 1000;
  }
  seek(t: Uint8Array): void {
    this.c.seek(t);
    this.shared = 1000;
  }
  valid(): boolean {
    return this.c.valid();
  }
  next(): void {
    const prev = this.c.userKey().slice();
    this.c.next();
    this.shared = this.c.valid() ? Math.floor(this.rand() * (common(prev, this.c.userKey()) + 1)) : 1000;
  }
  userKey(): Uint8Array {
    return this.c.userKey();
  }
  seq(): number {
    return this.c.seq();
  }
  kind(): number {
    return this.c.kind();
  }
  value(): Uint8Array {
    return this.c.value();
  }
  valueArray(): Uint8Array {
    return this.c.valueArray();
  }
  valueOffset(): number {
    return this.c.valueOffset();
  }
  valueEndOffset(): number {
    return this.c.valueEndOffset();
  }
}

function source(name: string, entries: E[], tombstones: RangeTombstone[], opened?: string[], rand?: () => number): LazySource {
  const mt = new Memtable();
  for (const e of entries) mt.add(e.key, e.seq, e.kind, e.value);
  for (const t of tombstones) mt.addRangeTombstone(t.start, t.end, t.seq);
  const bounds = mt.keyBounds() ?? { smallest: new Uint8Array(0), largest: new Uint8Array(0) };
  return {
    name,
    smallestKey: bounds.smallest,
    largestKey: bounds.largest,
    open: () => {
      opened?.push(name);
      const cursor = rand === undefined ? mt.cursor() : new SharingCursor(mt.cursor(), rand);
      return { cursor, tombstones: mt.rangeTombstones() };
    },
  };
}

function model(entries: E[], tombstones: RangeTombstone[], range?: KeyRange): [string, string, number, number][] {
  const byKey = new Map<string, E>();
  for (const e of entries) {
    const k = Buffer.from(e.key).toString('latin1');
    const cur = byKey.get(k);
    if (cur === undefined || e.seq > cur.seq) byKey.set(k, e);
  }
  const out: [string, string, number, number][] = [];
  for (const e of byKey.values()) {
    if (range?.start !== undefined && compareBytes(e.key, range.start) < 0) continue;
    if (range?.end !== undefined && compareBytes(e.key, range.end) >= 0) continue;
    if (e.kind !== ValueType.Value && e.kind !== ValueType.BlobIndex) continue;
    const covered = tombstones.some(
      (t) => compareBytes(t.start, e.key) <= 0 && compareBytes(e.key, t.end) < 0 && t.seq > e.seq,
    );
    if (!covered) out.push([Buffer.from(e.key).toString('latin1'), str(e.value), e.kind, e.seq]);
  }
  return out.sort((x, y) => compareBytes(Buffer.from(x[0], 'latin1'), Buffer.from(y[0], 'latin1')));
}

function scan(c: MergingCursor, first: () => void = () => c.seekToFirst()): [string, string, number, number][] {
  const out: [string, string, number, number][] = [];
  let prev: Uint8Array | undefined;
  for (first(); c.valid(); c.next()) {
    const k = c.userKey();
    // keyShared(): a lower bound of the prefix shared with the previous entry, 0 after a seek
    if (prev === undefined) assert.equal(c.keyShared(), 0);
    else assert.ok(c.keyShared() <= common(prev, k), `keyShared ${c.keyShared()} of ${Buffer.from(k).toString('hex')} after ${Buffer.from(prev).toString('hex')}`);
    prev = k.slice();
    out.push([Buffer.from(k).toString('latin1'), str(c.value()), c.kind(), c.seq()]);
  }
  return out;
}

const keyArb = fc.uint8Array({ minLength: 0, maxLength: 3, max: 4 });
/** Longer keys with long shared prefixes (a few bytes of alphabet 0..2 after 0..9 zero bytes). */
const longKeyArb = fc
  .tuple(fc.nat(9), fc.uint8Array({ minLength: 0, maxLength: 4, max: 2 }))
  .map(([z, tail]) => Uint8Array.from([...new Uint8Array(z), ...tail]));
const kindArb = fc.constantFrom(ValueType.Value, ValueType.Value, ValueType.Deletion, ValueType.SingleDeletion, ValueType.BlobIndex);

test('random inputs: merged view equals the model (full scan, bounded scans, seeks)', () => {
  mergeProperty(keyArb, undefined, 60);
});

test('random inputs with long shared prefixes, inputs with keyShared(): merged view equals the model', () => {
  // the merge starts its comparisons and its key copy at the inputs' keyShared() (any lower bound)
  mergeProperty(longKeyArb, rng(7), 300);
});

function mergeProperty(keyArb: fc.Arbitrary<Uint8Array>, rand: (() => number) | undefined, maxEntries: number): void {
  fc.assert(
    fc.property(
      fc.array(fc.record({ key: keyArb, kind: kindArb, where: fc.nat(5) }), { maxLength: maxEntries }),
      fc.array(fc.record({ a: keyArb, b: keyArb, where: fc.nat(5), t: fc.nat(60) }), { maxLength: 5 }),
      keyArb,
      keyArb,
      (raw, rawTs, r1, r2) => {
        // Unique increasing seqs in arbitrary order of arrival.
        // Entries get even seqs, tombstones odd ones (RocksDB never reuses a seq).
        const entries: E[] = raw.map((r, i) => ({ key: r.key, seq: 2 * (i + 1), kind: r.kind, value: b(`v${i}`) }));
        // Tombstones with where 0..2 go to the overlapping inputs; 3..5 to the level file of
        // their first key byte (only if both ends share it, so the files stay disjoint).
        const tsAll = rawTs.map((t) => ({
          ts: {
            start: compareBytes(t.a, t.b) <= 0 ? t.a : t.b,
            end: compareBytes(t.a, t.b) <= 0 ? t.b : t.a,
            seq: 2 * t.t + 1,
          } as RangeTombstone,
          where: t.where,
        })).filter((x) => x.where < 3 || (x.ts.start.length > 0 && x.ts.end[0] === x.ts.start[0]));
        const tss = tsAll.map((x) => x.ts);
        // Sources 0..2 overlap (memtable/L0); 3..5 become one level split into disjoint files by key.
        const overlapping: LazySource[] = [];
        for (let s = 0; s < 3; s++) {
          overlapping.push(source(`o${s}`, entries.filter((_, i) => raw[i]!.where % 6 === s), tsAll.filter((x) => x.where === s).map((x) => x.ts), undefined, rand));
        }
        const levelEntries = entries.filter((_, i) => raw[i]!.where % 6 >= 3);
        // Split the level by first key byte into non-overlapping files.
        const files: LazySource[] = [];
        for (let first = 0; first <= 4; first++) {
          const es = levelEntries.filter((e) => (e.key[0] ?? -1) === first || (first === 0 && e.key.length === 0));
          const lts = tsAll.filter((x) => x.where >= 3 && x.ts.start[0] === first).map((x) => x.ts);
          if (es.length > 0 || lts.length > 0) files.push(source(`l${first}`, es, lts, undefined, rand));
        }
        const all = entries;
        const c = new MergingCursor({ overlapping, levels: [files] });
        assert.deepEqual(scan(c), model(all, tss));
        const start = compareBytes(r1, r2) <= 0 ? r1 : r2;
        const end = compareBytes(r1, r2) <= 0 ? r2 : r1;
        const range = { start, end };
        const bc = new MergingCursor({ overlapping, levels: [files], range });
        assert.deepEqual(scan(bc), model(all, tss, range));
        // seek(target) on the unbounded cursor = model restricted to >= target.
        assert.deepEqual(scan(c, () => c.seek(r1)), model(all, tss, { start: r1 }));
      },
    ),
    { numRuns: 300 },
  );
}

test('newest version wins across inputs; tombstones hide only older entries', () => {
  const mk = (k: string, seq: number, kind: number, v = ''): E => ({ key: b(k), seq, kind, value: b(v) });
  const o1 = source('o1', [mk('a', 1, ValueType.Value, 'a1'), mk('b', 5, ValueType.Value, 'b5'), mk('d', 2, ValueType.Value, 'd2')], []);
  const o2 = source('o2', [mk('a', 3, ValueType.Value, 'a3'), mk('b', 4, ValueType.Deletion), mk('c', 6, ValueType.SingleDeletion)], [
    { start: b('c'), end: b('e'), seq: 3 },
  ]);
  const lvl = [source('l', [mk('c', 1, ValueType.Value, 'c1'), mk('d', 7, ValueType.BlobIndex, 'idx'), mk('e', 1, ValueType.Value, 'e1')], [])];
  const c = new MergingCursor({ overlapping: [o1, o2], levels: [lvl] });
  assert.deepEqual(scan(c), [
    ['a', 'a3', ValueType.Value, 3],
    ['b', 'b5', ValueType.Value, 5],
    ['d', 'idx', ValueType.BlobIndex, 7], // seq 7 > tombstone 3
    ['e', 'e1', ValueType.Value, 1], // tombstone end is exclusive
  ]);
  c.seek(b('b'));
  assert.equal(c.seq(), 5);
});

test('inputs whose key range is outside the bounds are never opened', () => {
  const opened: string[] = [];
  const mk = (k: string): E => ({ key: b(k), seq: 1, kind: ValueType.Value, value: b('v') });
  const l0a = source('l0a', [mk('a'), mk('c')], [], opened);
  const l0b = source('l0b', [mk('x'), mk('z')], [], opened);
  const level = [source('f1', [mk('a'), mk('b')], [], opened), source('f2', [mk('m'), mk('n')], [], opened), source('f3', [mk('y'), mk('yy')], [], opened)];
  const c = new MergingCursor({ overlapping: [l0a, l0b], levels: [level], range: { start: b('m'), end: b('n') } });
  assert.deepEqual(scan(c).map((x) => x[0]), ['m']);
  assert.deepEqual(opened.sort(), ['f2']);
});

test('a merge entry as newest version is an unsupported error naming the input', () => {
  const s = source('000123.sst', [{ key: b('k'), seq: 9, kind: ValueType.Merge, value: b('op') }], []);
  const c = new MergingCursor({ overlapping: [s], levels: [] });
  assert.throws(
    () => c.seekToFirst(),
    (e: unknown) => e instanceof FormatError && e.code === 'unsupported' && e.file === '000123.sst',
  );
});

test('a merge hidden by a newer delete or tombstone does not matter', () => {
  const s = source('s', [
    { key: b('k'), seq: 9, kind: ValueType.Deletion, value: b('') },
    { key: b('k'), seq: 8, kind: ValueType.Merge, value: b('op') },
  ], []);
  const c = new MergingCursor({ overlapping: [s], levels: [] });
  assert.deepEqual(scan(c), []);
});

test('a "level" whose files overlap (damaged MANIFEST) is still merged correctly', () => {
  const mk = (k: string, seq: number, v: string): E => ({ key: b(k), seq, kind: ValueType.Value, value: b(v) });
  const level = [source('f1', [mk('a', 1, 'a1'), mk('m', 1, 'm1')], []), source('f2', [mk('c', 2, 'c2'), mk('m', 3, 'm3'), mk('z', 2, 'z2')], [])];
  const c = new MergingCursor({ overlapping: [], levels: [level] });
  assert.deepEqual(scan(c).map((x) => `${x[0]}=${x[1]}`), ['a=a1', 'c=c2', 'm=m3', 'z=z2']);
});
