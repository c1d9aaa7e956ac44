import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { RocksDb } from '../../src/rocksdb/db.js';
import { encodeBytes } from '../../src/tikv/memcomparable.js';
import { readRegions, readStoreIdent, type RegionInfo } from '../../src/tikv/raft-state.js';
import { computeAuthority, intersectDataRanges, type DataRange } from '../../src/tikv/region-authority.js';

const Z = 0x7a;
const hex = (u: Uint8Array): string => Buffer.from(u).toString('hex');
/** 'z' + mc(raw ascii) — a data key as the raft CF bounds give it. */
const dk = (raw: string): Uint8Array => Uint8Array.of(Z, ...encodeBytes(new TextEncoder().encode(raw)));
const MIN = Uint8Array.of(Z);
const MAX = Uint8Array.of(Z + 1);

function region(id: number, start: string | null, end: string | null, o: { state?: RegionInfo['state']; version?: number; confVer?: number; applied?: number; stores?: number[] } = {}): RegionInfo {
  const sRaw = start === null ? new Uint8Array(0) : new TextEncoder().encode(start);
  const eRaw = end === null ? new Uint8Array(0) : new TextEncoder().encode(end);
  return {
    regionId: BigInt(id),
    state: o.state ?? 'Normal',
    startKey: sRaw,
    endKey: eRaw,
    startKeyEncoded: start === null ? sRaw : encodeBytes(sRaw),
    endKeyEncoded: end === null ? eRaw : encodeBytes(eRaw),
    dataRange: { start: start === null ? MIN : dk(start), end: end === null ? MAX : dk(end) },
    epoch: { version: BigInt(o.version ?? 1), confVer: BigInt(o.confVer ?? 1) },
    peers: (o.stores ?? [1, 2, 3]).map((s, i) => ({ id: BigInt(100 + i), storeId: BigInt(s), role: 'Voter' as const, isWitness: false })),
    appliedIndex: o.applied === undefined ? undefined : BigInt(o.applied),
    isInFlashback: false,
  };
}

const show = (rs: readonly (DataRange & { node?: number })[]): string[] =>
  rs.map((r) => `${hex(r.start)}..${hex(r.end)}${r.node === undefined ? '' : `@${r.node}`}`);

test('same region on two nodes: higher applied index wins; equal epoch and index: the node given first', () => {
  const a = computeAuthority([
    { storeId: 1n, regions: [region(1, null, 'm', { applied: 10 })] },
    { storeId: 2n, regions: [region(1, null, 'm', { applied: 20 })] },
  ]);
  assert.deepEqual(show(a.pieces), show([{ start: MIN, end: dk('m'), node: 1 }]));
  assert.deepEqual(show(a.holes), show([{ start: dk('m'), end: MAX }]));
  assert.deepEqual(a.byNode[0], []);

  const tie = computeAuthority([
    { storeId: 1n, regions: [region(1, null, null, { applied: 5 })] },
    { storeId: 2n, regions: [region(1, null, null, { applied: 5 })] },
  ]);
  assert.deepEqual(show(tie.pieces), show([{ start: MIN, end: MAX, node: 0 }]));
  assert.equal(tie.holes.length, 0);
});

test('epoch version beats conf_ver beats applied index', () => {
  const v = computeAuthority([
    { storeId: 1n, regions: [region(1, 'a', 'z', { version: 1, confVer: 9, applied: 999 })] },
    { storeId: 2n, regions: [region(1, 'a', 'z', { version: 2, confVer: 1, applied: 1 })] },
  ]);
  assert.deepEqual(show(v.pieces), show([{ start: dk('a'), end: dk('z'), node: 1 }]));
  const c = computeAuthority([
    { storeId: 1n, regions: [region(1, 'a', 'z', { confVer: 3, applied: 1 })] },
    { storeId: 2n, regions: [region(1, 'a', 'z', { confVer: 2, applied: 999 })] },
  ]);
  assert.deepEqual(show(c.pieces), show([{ start: dk('a'), end: dk('z'), node: 0 }]));
});

test('a stale pre-split region keeps only the part its newer children do not cover', () => {
  // node0: old region [c, x) v1; node1: split children [c, k) v2 and [p, x) v2 -> [k, p) still node0
  const a = computeAuthority([
    { storeId: 1n, regions: [region(7, 'c', 'x', { version: 1, applied: 500 })] },
    { storeId: 2n, regions: [region(7, 'c', 'k', { version: 2, applied: 1 }), region(8, 'p', 'x', { version: 2, applied: 1 })] },
  ]);
  assert.deepEqual(
    show(a.pieces),
    show([
      { start: dk('c'), end: dk('k'), node: 1 },
      { start: dk('k'), end: dk('p'), node: 0 },
      { start: dk('p'), end: dk('x'), node: 1 },
    ]),
  );
  assert.deepEqual(show(a.byNode[1]!), show([{ start: dk('c'), end: dk('k') }, { start: dk('p'), end: dk('x') }]));
  assert.deepEqual(show(a.holes), show([{ start: MIN, end: dk('c') }, { start: dk('x'), end: MAX }]));
});

test('Tombstone/Applying regions, regions without a peer on the store and witness peers hold no data', () => {
  const w = region(4, 'p', 'q');
  w.peers = [{ id: 1n, storeId: 1n, role: 'Voter', isWitness: true }];
  const a = computeAuthority([
    {
      storeId: 1n,
      regions: [region(1, 'a', 'b', { state: 'Tombstone', version: 9 }), region(2, 'b', 'c', { state: 'Applying' }), region(3, 'c', 'd', { stores: [2, 3] }), w, region(5, 'd', 'e', { state: 'Merging' })],
    },
  ]);
  assert.deepEqual(show(a.pieces), show([{ start: dk('d'), end: dk('e'), node: 0 }]));
});

test('a node without any region fills the holes only', () => {
  const a = computeAuthority([
    { storeId: 1n, regions: [region(1, 'c', 'f')] },
    { storeId: undefined, regions: [] },
  ]);
  assert.deepEqual(a.nodesWithoutRegions, [1]);
  assert.deepEqual(
    show(a.pieces),
    show([
      { start: MIN, end: dk('c'), node: 1 },
      { start: dk('c'), end: dk('f'), node: 0 },
      { start: dk('f'), end: MAX, node: 1 },
    ]),
  );
  assert.equal(a.holes.length, 0);
});

test('intersectDataRanges clips to a table range', () => {
  const got = intersectDataRanges({ start: dk('b'), end: dk('n') }, [{ start: dk('a'), end: dk('c') }, { start: dk('m'), end: MAX }]);
  assert.deepEqual(show(got), show([{ start: dk('b'), end: dk('c') }, { start: dk('m'), end: dk('n') }]));
});

test('fixtures/multinode: authority from the three real raft CFs is the one written by hand in the scenario', () => {
  const nodes = [1, 2, 3].map((n) => {
    const db = RocksDb.open(join('fixtures', 'multinode', `node${n}`, 'db'));
    try {
      return { storeId: readStoreIdent(db)?.storeId, regions: readRegions(db) };
    } finally {
      db.close();
    }
  });
  assert.deepEqual(nodes.map((n) => n.storeId), [1n, 2n, 3n]);
  const a = computeAuthority(nodes);
  // t{id} = 't' + EncodeInt(id) (8 bytes, sign bit flipped); bounds are 'z' + mc(t{id})
  const t = (id: number): Uint8Array => {
    const raw = new Uint8Array(9);
    raw[0] = 0x74;
    new DataView(raw.buffer).setBigUint64(1, BigInt(id) ^ (1n << 63n));
    return Uint8Array.of(Z, ...encodeBytes(raw));
  };
  assert.deepEqual(
    a.pieces.map((p) => ({ ...p, start: hex(p.start), end: hex(p.end), regionId: p.regionId?.toString() })),
    [
      { start: hex(MIN), end: hex(t(200)), node: 0, regionId: '1' }, // R1: node1 applied 1500 > 1200 > 1100
      { start: hex(t(200)), end: hex(t(300)), node: 1, regionId: '2' }, // R2: node2 applied 900 > node1 800; node3 Tombstone
      { start: hex(t(300)), end: hex(t(400)), node: 0, regionId: '3' }, // R3 v2 (node1) beats R3 v1 (node3)
      { start: hex(t(400)), end: hex(t(500)), node: 1, regionId: '4' }, // R4 v2 (node2) beats R3 v1 (node3)
    ],
  );
  assert.deepEqual(a.byNode[2], []);
  assert.deepEqual(show(a.holes), show([{ start: t(500), end: MAX }]));
});
