import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RocksDb } from '../../src/rocksdb/db.js';
import { ValueType, type KeyRange, type KvCursor, type ValueTypeCode } from '../../src/rocksdb/types.js';
import { compareBytes } from '../../src/tikv/memcomparable.js';
import { MultiSource } from '../../src/tikv/multi-source.js';
import type { CfSource } from '../../src/tikv/mvcc-scan.js';
import { readRegions, readStoreIdent } from '../../src/tikv/raft-state.js';
import { computeAuthority, type DataRange } from '../../src/tikv/region-authority.js';
import { parseLdbScanHex } from '../support/ldb-output.js';

const b = (s: string): Uint8Array => new TextEncoder().encode(s);
const s = (u: Uint8Array): string => Buffer.from(u).toString('latin1');
const hex = (u: Uint8Array): string => Buffer.from(u).toString('hex');

/** A sorted in-memory CF (one per node); values tag their node so the chosen holder shows. */
class ArraySource implements CfSource {
  closed = 0;
  constructor(private readonly entries: [string, string][]) {}
  cursor(_cf: string, _range?: KeyRange): KvCursor & { close(): void } {
    const es = [...this.entries].sort((x, y) => compareBytes(b(x[0]), b(y[0])));
    let i = es.length;
    return {
      seekToFirst: () => void (i = 0),
      seek: (t: Uint8Array) => void (i = es.findIndex((e) => compareBytes(b(e[0]), t) >= 0) < 0 ? es.length : es.findIndex((e) => compareBytes(b(e[0]), t) >= 0)),
      valid: () => i < es.length,
      next: () => void i++,
      userKey: () => b(es[i]![0]),
      value: () => b(es[i]![1]),
      seq: () => 0,
      kind: (): ValueTypeCode => ValueType.Value,
      close: () => void this.closed++,
    };
  }
}

const all = (ranges: DataRange[] = [{ start: b('z'), end: b('{') }]): DataRange[] => ranges;

function drain(c: KvCursor): string[] {
  const out: string[] = [];
  for (c.seekToFirst(); c.valid(); c.next()) out.push(`${s(c.userKey())}=${s(c.value())}`);
  return out;
}

test('merge by key; the identical key on several nodes comes out once, from the first authoritative holder', () => {
  const n0 = new ArraySource([['za1', 'n0'], ['zc', 'n0'], ['ze', 'n0']]);
  const n1 = new ArraySource([['za1', 'n1'], ['zb', 'n1'], ['ze', 'n1']]);
  const n2 = new ArraySource([['zd', 'n2'], ['ze', 'n2']]);
  // n0 is authoritative only below 'zd': for 'ze' the first authoritative holder is n1
  const src = new MultiSource(
    [
      { source: n0, ranges: [{ start: b('z'), end: b('zd') }] },
      { source: n1, ranges: all() },
      { source: n2, ranges: all() },
    ],
    true,
  );
  const c = src.cursor('write');
  assert.deepEqual(drain(c), ['za1=n0', 'zb=n1', 'zc=n0', 'zd=n2', 'ze=n1']);
  c.seek(b('ze'));
  assert.deepEqual(c.holders(), [0, 1, 2]);
  c.value();
  assert.equal(c.lastNode, 1);
  assert.equal(c.lastOrphanOnly, false);
  src.closeCursors();
  assert.deepEqual([n0.closed, n1.closed, n2.closed], [1, 1, 1]);
});

test('clipped: each node contributes only inside its authoritative ranges; seek lands inside the next range', () => {
  const n0 = new ArraySource([['za', 'n0'], ['zb', 'n0'], ['zm', 'n0'], ['zq', 'n0'], ['zy', 'n0']]);
  const n1 = new ArraySource([['za', 'n1'], ['zk', 'n1'], ['zq', 'n1']]);
  const src = new MultiSource(
    [
      { source: n0, ranges: [{ start: b('za'), end: b('zc') }, { start: b('zp'), end: b('zr') }] },
      { source: n1, ranges: [{ start: b('zc'), end: b('zp') }] },
    ],
    false,
  );
  const c = src.cursor('write');
  assert.deepEqual(drain(c), ['za=n0', 'zb=n0', 'zk=n1', 'zq=n0']);
  c.seek(b('zc'));
  assert.equal(s(c.userKey()), 'zk');
  c.seek(b('zl'));
  assert.equal(s(c.userKey()), 'zq'); // n0's 'zm' lies outside its ranges
  c.value();
  assert.equal(c.lastNode, 0);
  c.seek(b('zs'));
  assert.equal(c.valid(), false);
});

test('unclipped: an entry only orphaned data holds is flagged', () => {
  const n0 = new ArraySource([['za', 'n0'], ['zx', 'n0']]);
  const n1 = new ArraySource([['zx', 'n1'], ['zy', 'n1']]);
  const src = new MultiSource(
    [
      { source: n0, ranges: [{ start: b('za'), end: b('zb') }] },
      { source: n1, ranges: [] },
    ],
    true,
  );
  const c = src.cursor('write');
  const seen: string[] = [];
  for (c.seekToFirst(); c.valid(); c.next()) {
    c.value();
    seen.push(`${s(c.userKey())}:${c.lastNode}:${c.lastOrphanOnly}`);
  }
  assert.deepEqual(seen, ['za:0:false', 'zx:0:true', 'zy:1:true']);
});

// ---------------------------------------------------------------- real images vs ldb

const NODES = [1, 2, 3].map((n) => join('fixtures', 'multinode', `node${n}`));

function ldbEntries(node: string, cf: string): { key: string; value: string }[] {
  return parseLdbScanHex(readFileSync(join(node, 'expected', `${cf}.scan.txt`), 'utf8')).map((e) => ({ key: hex(e.key), value: hex(e.value) }));
}

for (const cf of ['write', 'default', 'lock']) {
  test(`fixtures/multinode ${cf} CF: the unclipped merge equals the deduplicated union of the three ldb scans; clipped = the union cut to each node's authority`, () => {
    const dbs = NODES.map((n) => RocksDb.open(join(n, 'db')));
    try {
      const auth = computeAuthority(dbs.map((db) => ({ storeId: readStoreIdent(db)?.storeId, regions: readRegions(db) })));
      const run = (includeOrphans: boolean): { key: string; value: string; node: number }[] => {
        const src = new MultiSource(dbs.map((db, i) => ({ source: db, ranges: auth.byNode[i]! })), includeOrphans);
        const c = src.cursor(cf, { start: Uint8Array.of(0x7a), end: Uint8Array.of(0x7b) });
        const out: { key: string; value: string; node: number }[] = [];
        for (c.seek(Uint8Array.of(0x7a)); c.valid(); c.next()) out.push({ key: hex(c.userKey()), value: hex(c.value()), node: c.lastNode });
        src.closeCursors();
        return out;
      };
      // ground truth: RocksDB's own view of each node (ldb), data keys only
      const per = NODES.map((n) => ldbEntries(n, cf).filter((e) => e.key.startsWith('7a')));
      const union = new Map<string, string>();
      per.forEach((es) => es.forEach((e) => {
        const v = union.get(e.key);
        if (v !== undefined) assert.equal(v, e.value, `identical version ${e.key} differs between nodes`);
        union.set(e.key, e.value);
      }));
      const want = [...union.entries()].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
      assert.deepEqual(run(true).map((e) => [e.key, e.value]), want);

      const inAuth = (node: number, key: string): boolean => auth.byNode[node]!.some((r) => key >= hex(r.start) && key < hex(r.end));
      const clipped = new Map<string, number>();
      per.forEach((es, node) => es.forEach((e) => {
        if (inAuth(node, e.key) && !clipped.has(e.key)) clipped.set(e.key, node);
      }));
      const wantClipped = [...clipped.entries()].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
      assert.deepEqual(run(false).map((e) => [e.key, e.node]), wantClipped);
      if (cf === 'write') assert.ok(want.length > wantClipped.length, 'orphaned data exists in the fixture');
    } finally {
      for (const db of dbs) db.close();
    }
  });
}

// ---------------------------------------------------------------- random model check

/** xorshift32: deterministic seeds, no timing. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

test('random nodes, ranges and seeks: merged cursor = model (sorted union, clipped or annotated)', () => {
  for (let seed = 1; seed <= 150; seed++) {
    const r = rng(seed);
    const key = (): string => `z${'abcd'[Math.floor(r() * 4)]}${'abcd'[Math.floor(r() * 4)]}${r() < 0.5 ? 'x' : ''}`;
    const k = 1 + Math.floor(r() * 4);
    const nodes = Array.from({ length: k }, (_, i) => {
      const keys = [...new Set(Array.from({ length: Math.floor(r() * 12) }, key))];
      const cuts = [...new Set(Array.from({ length: Math.floor(r() * 5) }, key))].sort();
      const ranges: DataRange[] = [];
      for (let c = 0; c + 1 < cuts.length; c += 2) ranges.push({ start: b(cuts[c]!), end: b(cuts[c + 1]!) });
      return { keys, ranges, src: new ArraySource(keys.map((x) => [x, `n${i}`])) };
    });
    const inR = (i: number, x: string): boolean => nodes[i]!.ranges.some((g) => x >= s(g.start) && x < s(g.end));
    for (const orphans of [false, true]) {
      const model = new Map<string, { node: number; orphan: boolean }>();
      const allKeys = [...new Set(nodes.flatMap((n) => n.keys))].sort();
      for (const x of allKeys) {
        const holders = nodes.map((n, i) => (n.keys.includes(x) && (orphans || inR(i, x)) ? i : -1)).filter((i) => i >= 0);
        if (holders.length === 0) continue;
        const auth = holders.find((i) => inR(i, x));
        model.set(x, { node: auth ?? holders[0]!, orphan: auth === undefined });
      }
      const src = new MultiSource(nodes.map((n) => ({ source: n.src, ranges: n.ranges })), orphans);
      const c = src.cursor('write');
      const got: string[] = [];
      for (c.seekToFirst(); c.valid(); c.next()) {
        c.value();
        got.push(`${s(c.userKey())}@${c.lastNode}${c.lastOrphanOnly ? '!' : ''}`);
      }
      const want = [...model.entries()].map(([x, m]) => `${x}@${m.node}${m.orphan ? '!' : ''}`);
      assert.deepEqual(got, want, `seed ${seed} orphans ${orphans}`);
      for (let q = 0; q < 5; q++) {
        const t = key();
        c.seek(b(t));
        const first = [...model.keys()].find((x) => x >= t);
        assert.equal(c.valid() ? s(c.userKey()) : undefined, first, `seed ${seed} seek ${t}`);
      }
      src.closeCursors();
    }
  }
});
