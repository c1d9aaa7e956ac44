/**
 * Model-based property test (issue #3): LatestScanner (src/tikv/mvcc-scan.ts) against a naive
 * oracle written here straight from the spec (tikv-tidb-encoding.md §2.2, TiKV point_getter.rs
 * `load_data`):
 *
 *   per raw key, ascending; its write-CF versions with commit_ts <= readTs, newest first:
 *     - a non-zero gc_fence <= readTs on a visited record  -> key absent
 *     - Lock / Rollback (protected or not)                 -> next older version
 *     - Delete                                             -> key absent
 *     - Put with a short value                             -> that value
 *     - Put without                                        -> default CF at start_ts; missing ->
 *                                                             not emitted, counted in missingDefault
 *
 * Histories are random: short and long Puts (long ones in the default CF at start_ts), Deletes,
 * Lock records, Rollbacks (protected or not, keyed at start_ts), gc_fence on any record (0,
 * small, u64::MAX), overlapped-rollback flags, Puts whose default value is missing, orphan
 * default-CF values (rolled-back prewrites), lock-CF entries, and pessimistic commits whose
 * start_ts order differs from commit order. Every timestamp is offset by a random base so the
 * 2^32 / 2^63 boundaries are crossed. The records are encoded with the fixture builder's
 * encoders (test/support/tidb-builder/mvcc.ts, written from the spec) into MemCfSource.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { LatestScanner } from '../../src/tikv/mvcc-scan.js';
import { dataKey, encodeLock, encodeWrite, mvccKey, type WriteRecord } from '../support/tidb-builder/mvcc.js';
import { MemCfSource } from './support/mem-source.js';

const U64_MAX = (1n << 64n) - 1n;
const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const cmp = (a: Uint8Array, b: Uint8Array): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

type Kind = 'putShort' | 'putLong' | 'putMissing' | 'delete' | 'lock' | 'rollback' | 'protectedRollback';

/** One write-CF record of a key, timestamps relative to the history's base. */
interface Version {
  kind: Kind;
  /** Write-CF key ts (commit_ts; start_ts for rollbacks). */
  ts: number;
  /** For commits: commit_ts - start_ts (>= 1). */
  lag: number;
  value: Uint8Array;
  fence: 'none' | 'zero' | 'max' | number;
  overlapped: boolean;
}

interface KeyHistory {
  raw: Uint8Array;
  versions: Version[];
  /** Orphan default-CF values at these (relative) start timestamps. */
  orphans: number[];
  locked: boolean;
}

interface Case {
  base: bigint;
  keys: KeyHistory[];
  /** Relative read ts, or 'latest'. */
  reads: (number | 'latest')[];
  range: { start: number | null; end: number | null };
}

const MAX_TS = 40;

const versionArb: fc.Arbitrary<Omit<Version, 'ts'>> = fc.record({
  kind: fc.constantFrom<Kind>('putShort', 'putShort', 'putLong', 'putLong', 'putMissing', 'delete', 'lock', 'rollback', 'protectedRollback'),
  lag: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: MAX_TS })),
  value: fc.uint8Array({ maxLength: 8 }),
  fence: fc.oneof(
    { weight: 6, arbitrary: fc.constant<'none'>('none') },
    { weight: 1, arbitrary: fc.constantFrom<'zero' | 'max'>('zero', 'max') },
    { weight: 2, arbitrary: fc.integer({ min: 1, max: MAX_TS + 5 }) },
  ),
  overlapped: fc.boolean(),
});

const rawKeyArb = fc.uint8Array({ maxLength: 12 }).map((a) => a.map((b) => [0x00, 0x74, 0xff][b % 3]!));

const keyArb: fc.Arbitrary<KeyHistory> = fc
  .tuple(
    rawKeyArb,
    // distinct write-CF timestamps per key (one record per (key, ts))
    fc.uniqueArray(fc.integer({ min: 1, max: MAX_TS }), { maxLength: 14 }),
    fc.array(versionArb, { minLength: 14, maxLength: 14 }),
    fc.array(fc.integer({ min: 0, max: MAX_TS }), { maxLength: 3 }),
    fc.boolean(),
  )
  .map(([raw, tss, vs, orphans, locked]) => ({
    raw,
    versions: tss.map((ts, i) => ({ ...vs[i]!, ts })),
    orphans,
    locked,
  }));

const caseArb: fc.Arbitrary<Case> = fc.record({
  base: fc.constantFrom(0n, 0n, (1n << 32n) - 20n, (1n << 63n) - 20n, U64_MAX - 100n),
  keys: fc.uniqueArray(keyArb, { maxLength: 5, selector: (k) => hexOf(k.raw) }),
  reads: fc.array(fc.oneof(fc.integer({ min: 0, max: MAX_TS + 2 }), fc.constant<'latest'>('latest')), { minLength: 1, maxLength: 4 }),
  range: fc.record({ start: fc.option(fc.nat(), { nil: null }), end: fc.option(fc.nat(), { nil: null }) }),
});

/** A long value: > 255 bytes most of the time, but any length must work from the default CF. */
function longValue(v: Version, key: number): Uint8Array {
  const n = v.value.length === 0 ? 0 : 250 + v.value[0]! * 2;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (v.value[i % v.value.length]! + i + key + v.ts) & 0xff;
  return out;
}

interface Built {
  src: MemCfSource;
  /** What the oracle reads: per key, write records by commit ts, default values by start ts. */
  model: { raw: Uint8Array; writes: { commitTs: bigint; rec: WriteRecord }[]; deflt: Map<bigint, Uint8Array> }[];
}

function fenceValue(f: Version['fence'], base: bigint): bigint | undefined {
  if (f === 'none') return undefined;
  if (f === 'zero') return 0n;
  if (f === 'max') return U64_MAX;
  return base + BigInt(f);
}

function build(c: Case): Built {
  const src = new MemCfSource();
  const model: Built['model'] = [];
  c.keys.forEach((k, ki) => {
    const writes: { commitTs: bigint; rec: WriteRecord }[] = [];
    const deflt = new Map<bigint, Uint8Array>();
    const defaultTaken = new Set<number>();
    for (const v of k.versions) {
      const ts = c.base + BigInt(v.ts);
      const fence = fenceValue(v.fence, c.base);
      const extra: Partial<WriteRecord> = {};
      if (fence !== undefined) extra.gcFence = fence;
      if (v.overlapped) extra.overlappedRollback = true;
      let rec: WriteRecord;
      switch (v.kind) {
        case 'rollback':
          rec = { type: 'Rollback', startTs: ts, ...extra };
          break;
        case 'protectedRollback':
          rec = { type: 'Rollback', startTs: ts, shortValue: Uint8Array.of(0x70), ...extra };
          break;
        default: {
          // commit: start_ts = commit_ts - lag (pessimistic txns commit out of start_ts order)
          const startRel = Math.max(0, v.ts - v.lag);
          const startTs = c.base + BigInt(startRel);
          if (v.kind === 'putShort') rec = { type: 'Put', startTs, shortValue: v.value, ...extra };
          else if (v.kind === 'delete') rec = { type: 'Delete', startTs, ...extra };
          else if (v.kind === 'lock') rec = { type: 'Lock', startTs, ...extra };
          else {
            // putLong / putMissing: no short value, the value lives in the default CF at start_ts
            rec = { type: 'Put', startTs, ...extra };
            if (v.kind === 'putLong' && !defaultTaken.has(startRel)) {
              const val = longValue(v, ki);
              src.put('default', mvccKey(k.raw, startTs), val);
              deflt.set(startTs, val);
              defaultTaken.add(startRel);
            }
          }
        }
      }
      src.put('write', mvccKey(k.raw, ts), encodeWrite(rec));
      writes.push({ commitTs: ts, rec });
    }
    // Orphan default values (a rolled-back or unfinished prewrite): only where nothing references
    // that start_ts, else they would be the referenced value.
    const referenced = new Set(writes.filter((w) => w.rec.type === 'Put').map((w) => BigInt(w.rec.startTs)));
    for (const o of k.orphans) {
      const st = c.base + BigInt(o);
      if (defaultTaken.has(o) || referenced.has(st)) continue;
      defaultTaken.add(o);
      src.put('default', mvccKey(k.raw, st), Uint8Array.of(0xde, 0xad, o));
    }
    if (k.locked) src.put('lock', dataKey(k.raw), encodeLock({ type: 'Put', primary: k.raw, startTs: c.base + 1n, ttl: 3000, shortValue: Uint8Array.of(0xbe) }));
    model.push({ raw: k.raw, writes, deflt });
  });
  return { src, model };
}

interface Row {
  key: string;
  value: string;
  /** commit_ts as the scanner's commitTsBytes() give it (the bytes the CSV writer uses). */
  commitTs: bigint;
}
interface Outcome {
  rows: Row[];
  missingDefault: number;
  deletedRows: number;
  gcFenced: number;
}
/** Per emitted row: what the bigint accessors commitTs() / startTs() return. */
interface TsPair {
  commitTs: bigint;
  startTs: bigint;
}

/** The spec's rules, key by key, with no cleverness. */
function oracle(model: Built['model'], readTs: bigint, range: { start: Uint8Array; end: Uint8Array }): Outcome & { ts: TsPair[] } {
  const out: Outcome & { ts: TsPair[] } = { rows: [], missingDefault: 0, deletedRows: 0, gcFenced: 0, ts: [] };
  const keys = [...model].sort((a, b) => cmp(a.raw, b.raw));
  for (const k of keys) {
    if (cmp(k.raw, range.start) < 0) continue;
    if (range.end.length > 0 && cmp(k.raw, range.end) >= 0) continue;
    const visible = k.writes.filter((w) => w.commitTs <= readTs).sort((a, b) => (a.commitTs > b.commitTs ? -1 : a.commitTs < b.commitTs ? 1 : 0));
    for (const w of visible) {
      const r = w.rec;
      if (r.gcFence !== undefined && BigInt(r.gcFence) !== 0n && BigInt(r.gcFence) <= readTs) {
        out.gcFenced++;
        break;
      }
      if (r.type === 'Lock' || r.type === 'Rollback') continue;
      if (r.type === 'Delete') {
        out.deletedRows++;
        break;
      }
      // Put
      let value: Uint8Array | undefined = r.shortValue;
      if (value === undefined) value = k.deflt.get(BigInt(r.startTs));
      if (value === undefined) {
        out.missingDefault++;
      } else {
        out.rows.push({ key: hexOf(k.raw), value: hexOf(value), commitTs: w.commitTs });
        out.ts.push({ commitTs: w.commitTs, startTs: BigInt(r.startTs) });
      }
      break;
    }
  }
  return out;
}

function scan(src: MemCfSource, readTs: bigint | undefined, range: { start: Uint8Array; end: Uint8Array }): Outcome & { ts: TsPair[] } {
  const s = new LatestScanner(src, range, readTs === undefined ? {} : { readTs });
  const rows: Row[] = [];
  const ts: TsPair[] = [];
  while (s.next()) {
    // the value read through valueBuffer/valueStart/valueEnd (no view) before value() makes its view
    const ranged = hexOf(s.valueBuffer().subarray(s.valueStart(), s.valueEnd()));
    assert.equal(hexOf(s.value()), ranged, 'value() vs valueBuffer()[valueStart, valueEnd)');
    rows.push({ key: hexOf(s.rawKey()), value: ranged, commitTs: Buffer.from(s.commitTsBytes()).readBigUInt64BE(0) });
    ts.push({ commitTs: s.commitTs(), startTs: s.startTs() });
  }
  assert.equal(s.next(), false, 'stays exhausted');
  assert.equal(s.stats.rows, rows.length, 'stats.rows');
  return { rows, missingDefault: s.stats.missingDefault, deletedRows: s.stats.deletedRows, gcFenced: s.stats.gcFenced, ts };
}

/** Everything but the bigint accessors (see the todo test at the end for those). */
function withoutAccessors(o: Outcome & { ts: TsPair[] }): Outcome {
  return { rows: o.rows, missingDefault: o.missingDefault, deletedRows: o.deletedRows, gcFenced: o.gcFenced };
}

function rangeOf(c: Case): { start: Uint8Array; end: Uint8Array } {
  const raws = c.keys.map((k) => k.raw).sort(cmp);
  const pick = (i: number | null): Uint8Array => (i === null || raws.length === 0 ? new Uint8Array(0) : raws[i % raws.length]!);
  return { start: pick(c.range.start), end: pick(c.range.end) };
}

describe('LatestScanner vs a spec oracle on random MVCC histories', () => {
  it('emits the same keys, values, commit ts and stats at every read ts (full range)', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { src, model } = build(c);
        const all = { start: new Uint8Array(0), end: new Uint8Array(0) };
        for (const r of c.reads) {
          const readTs = r === 'latest' ? U64_MAX : c.base + BigInt(r);
          const got = scan(src, r === 'latest' ? undefined : readTs, all);
          assert.deepEqual(withoutAccessors(got), withoutAccessors(oracle(model, readTs, all)), `readTs ${r === 'latest' ? 'latest' : `base+${r}`}`);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('the same inside a raw sub-range [start, end)', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { src, model } = build(c);
        const range = rangeOf(c);
        for (const r of c.reads) {
          const readTs = r === 'latest' ? U64_MAX : c.base + BigInt(r);
          assert.deepEqual(withoutAccessors(scan(src, r === 'latest' ? undefined : readTs, range)), withoutAccessors(oracle(model, readTs, range)));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('an explicit readTs of u64::MAX is the same as "latest"', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { src } = build(c);
        const all = { start: new Uint8Array(0), end: new Uint8Array(0) };
        assert.deepEqual(scan(src, U64_MAX, all), scan(src, undefined, all));
      }),
      { numRuns: 50 },
    );
  });
});

/*
 * Regression (found by this model, fixed in mvcc-scan.ts): LatestScanner caches the
 * bigints of commitTs() / startTs() in curCommitTs / curStartTs and clears the cache only at the
 * top of next(). A Put whose default value is missing (or is a Titan blob index) makes
 * loadDefault() call this.startTs() / this.commitTs() for its sample — filling the cache with
 * THAT Put's timestamps — and next() then goes on, inside the same call, to the following key
 * and emits it with the stale cache: commitTs() / startTs() of the emitted row return the
 * skipped Put's timestamps (commitTsBytes() is right). Every commitTs() user is affected
 * (catalog.ts, session/multi-session commitTs, reject-file commit_ts in dump.ts/worker-chunk.ts).
 */
describe('LatestScanner commitTs()/startTs() after a skipped Put (regression)', () => {
  it(
    'minimal case: key "" Put@1 (start 0) with no default value, then key 00 Put@2 short -> commitTs() is 2',
    () => {
      const src = new MemCfSource();
      src.put('write', mvccKey(new Uint8Array(0), 1n), encodeWrite({ type: 'Put', startTs: 0n }));
      src.put('write', mvccKey(Uint8Array.of(0), 2n), encodeWrite({ type: 'Put', startTs: 1n, shortValue: Uint8Array.of(7) }));
      const s = new LatestScanner(src, { start: new Uint8Array(0), end: new Uint8Array(0) });
      assert.equal(s.next(), true);
      assert.equal(hexOf(s.rawKey()), '00');
      assert.equal(Buffer.from(s.commitTsBytes()).readBigUInt64BE(0), 2n); // right
      assert.equal(s.stats.missingDefault, 1);
      assert.equal(s.commitTs(), 2n); // was 1n before the fix
      assert.equal(s.startTs(), 1n); // was 0n before the fix
    },
  );

  it(
    'property: commitTs()/startTs() of every emitted row match the oracle',
    () => {
      fc.assert(
        fc.property(caseArb, (c) => {
          const { src, model } = build(c);
          const all = { start: new Uint8Array(0), end: new Uint8Array(0) };
          for (const r of c.reads) {
            const readTs = r === 'latest' ? U64_MAX : c.base + BigInt(r);
            assert.deepEqual(scan(src, r === 'latest' ? undefined : readTs, all).ts, oracle(model, readTs, all).ts);
          }
        }),
        { numRuns: 100 },
      );
    },
  );
});
