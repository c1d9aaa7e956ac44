// Protobuf bytes below are encoded by hand per the protobuf wire rules (tag = field << 3 | wire
// type; varint LEB128; length-delimited = tag, length, bytes) from the kvproto field numbers in
// tikv-tidb-encoding.md §10 — not with the library the decoder uses.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FormatError } from '../../src/errors.js';
import {
  decodeRaftApplyState,
  decodeRegionLocalState,
  decodeStoreIdent,
  readRegions,
  readStoreIdent,
} from '../../src/tikv/raft-state.js';
import { MemCfSource } from './support/mem-source.js';
import { fromHex, mc, te, toHex, uvarint } from './support/mvcc-builder.js';
import { VECTORS } from './support/vectors.js';

const vec = (prefix: string): Uint8Array => {
  const v = VECTORS.find((x) => x.description.startsWith(prefix));
  assert.ok(v, prefix);
  return fromHex(v.hex);
};

/** varint field */
const vf = (no: number, v: bigint): number[] => [...uvarint(BigInt(no << 3)), ...uvarint(v)];
/** length-delimited field */
const ld = (no: number, body: number[] | Uint8Array): number[] => [...uvarint(BigInt((no << 3) | 2)), ...uvarint(BigInt(body.length)), ...body];

// StoreIdent{cluster_id=7000000000000000001, store_id=4, api_version=V2(2)}
const STORE_IDENT = Uint8Array.from([...vf(1, 7000000000000000001n), ...vf(2, 4n), ...vf(3, 2n)]);

function peer(id: bigint, store: bigint, role = 0n, witness = false): number[] {
  return [...vf(1, id), ...vf(2, store), ...(role ? vf(3, role) : []), ...(witness ? vf(4, 1n) : [])];
}

function region(id: bigint, start: Uint8Array, end: Uint8Array, peers: number[][], extra: number[] = []): number[] {
  return [
    ...vf(1, id),
    ...(start.length ? ld(2, start) : []),
    ...(end.length ? ld(3, end) : []),
    ...ld(4, [...vf(1, 5n), ...vf(2, 12n)]),
    ...peers.flatMap((p) => ld(5, p)),
    ...extra,
  ];
}

describe('hand-encoded protobuf decoding', () => {
  it('StoreIdent', () => {
    assert.equal(toHex(STORE_IDENT).slice(0, 2), '08'); // field 1 varint
    assert.deepEqual(decodeStoreIdent(STORE_IDENT), { clusterId: 7000000000000000001n, storeId: 4n, apiVersion: 2 });
  });
  it('StoreIdent: explicit bytes 08 01 10 02 18 00', () => {
    assert.deepEqual(decodeStoreIdent(fromHex('080110021800')), { clusterId: 1n, storeId: 2n, apiVersion: 0 });
  });
  it('RegionLocalState with region, epoch, peers (learner, witness) and an unknown field skipped', () => {
    const start = mc(te('t\x80'));
    const r = region(8n, start, new Uint8Array(0), [peer(9n, 4n), peer(10n, 5n, 1n), peer(11n, 6n, 0n, true)], [...vf(8, 99n)]);
    const bytes = Uint8Array.from([...vf(1, 0n), ...ld(2, r), ...ld(3, [0x08, 0x01]) /* merge_state: skipped */, ...vf(4, 3n), ...ld(99, [1, 2, 3])]);
    const s = decodeRegionLocalState(bytes);
    assert.equal(s.state, 'Normal');
    assert.equal(s.tabletIndex, 3n);
    assert.ok(s.region);
    assert.equal(s.region.id, 8n);
    assert.equal(toHex(s.region.startKey), toHex(start));
    assert.equal(s.region.endKey.length, 0);
    assert.deepEqual(s.region.epoch, { confVer: 5n, version: 12n });
    assert.deepEqual(s.region.peers, [
      { id: 9n, storeId: 4n, role: 'Voter', isWitness: false },
      { id: 10n, storeId: 5n, role: 'Learner', isWitness: false },
      { id: 11n, storeId: 6n, role: 'Voter', isWitness: true },
    ]);
    assert.equal(s.region.flashbackStartTs, 99n);
  });
  it('PeerState values', () => {
    const names = [0n, 1n, 2n, 3n, 4n, 9n].map((v) => decodeRegionLocalState(Uint8Array.from(vf(1, v))).state);
    assert.deepEqual(names, ['Normal', 'Applying', 'Tombstone', 'Merging', 'Unavailable', 'Unknown(9)']);
  });
  it('RaftApplyState', () => {
    const bytes = Uint8Array.from([...vf(1, 1234n), ...ld(2, [...vf(1, 1200n), ...vf(2, 6n)]), ...vf(3, 1234n), ...vf(4, 1235n), ...vf(5, 7n)]);
    assert.deepEqual(decodeRaftApplyState(bytes), {
      appliedIndex: 1234n,
      truncatedState: { index: 1200n, term: 6n },
      lastCommitIndex: 1234n,
      commitIndex: 1235n,
      commitTerm: 7n,
    });
  });
  it('malformed: truncated varint, truncated bytes, wrong wire type, field 0', () => {
    const bad: [string, (b: Uint8Array) => unknown, string][] = [
      ['0880', decodeStoreIdent, 'truncated'],
      ['1205aa', decodeRegionLocalState, 'truncated'],
      ['0a0101', decodeStoreIdent, 'corruption'], // cluster_id as length-delimited
      ['0001', decodeStoreIdent, 'corruption'],
    ];
    for (const [h, f, code] of bad) {
      assert.throws(() => f(fromHex(h)), (e: unknown) => e instanceof FormatError && e.code === code, h);
    }
  });
});

describe('readStoreIdent / readRegions over column families', () => {
  function node(): MemCfSource {
    const src = new MemCfSource();
    src.put('default', vec('STORE_IDENT_KEY'), STORE_IDENT);
    // a data key in the default CF must not confuse it
    src.put('default', Uint8Array.from([0x7a, ...mc(te('t')), 0, 0, 0, 0, 0, 0, 0, 1]), te('x'));
    const r1 = mc(te('t\x80\x00\x00\x00\x00\x00\x00\x05'));
    const regionKey = (id: number) => fromHex('0103' + id.toString(16).padStart(16, '0') + '01');
    const applyKey = (id: number) => fromHex('0102' + id.toString(16).padStart(16, '0') + '03');
    // region 1 = the spec vector key; region 1: [-inf, r1), region 2: [r1, +inf) tombstone
    assert.equal(toHex(regionKey(1)), toHex(vec('region_state_key(1)')));
    assert.equal(toHex(applyKey(1)), toHex(vec('apply_state_key(1)')));
    src.put('raft', regionKey(1), Uint8Array.from([...ld(2, region(1n, new Uint8Array(0), r1, [peer(2n, 4n)]))]));
    src.put('raft', applyKey(1), Uint8Array.from(vf(1, 77n)));
    src.put('raft', regionKey(2), Uint8Array.from([...vf(1, 2n), ...ld(2, region(2n, r1, new Uint8Array(0), [peer(3n, 4n)]))]));
    // raft state key of region 1 (01 02 .. 02) and the recover-state key: ignored
    src.put('raft', fromHex('0102000000000000000102'), Uint8Array.from(vf(1, 1n)));
    src.put('raft', fromHex('0103'), Uint8Array.from([1]));
    return src;
  }
  it('readStoreIdent reads 01 01 from the default CF', () => {
    assert.deepEqual(readStoreIdent(node()), { clusterId: 7000000000000000001n, storeId: 4n, apiVersion: 2 });
  });
  it('readStoreIdent: absent -> undefined', () => {
    const src = new MemCfSource();
    src.put('default', fromHex('010100'), STORE_IDENT); // a different key right after it
    assert.equal(readStoreIdent(src), undefined);
  });
  it('readRegions joins region state and apply state, decodes the keys', () => {
    const regions = readRegions(node());
    assert.equal(regions.length, 2);
    const [a, b] = regions as [NonNullable<(typeof regions)[0]>, NonNullable<(typeof regions)[1]>];
    assert.equal(a.regionId, 1n);
    assert.equal(a.state, 'Normal');
    assert.equal(toHex(a.startKey!), '');
    assert.equal(toHex(a.endKey!), toHex(te('t\x80\x00\x00\x00\x00\x00\x00\x05')));
    assert.equal(toHex(a.dataRange.start), '7a');
    assert.equal(toHex(a.dataRange.end), '7a' + toHex(mc(te('t\x80\x00\x00\x00\x00\x00\x00\x05'))));
    assert.deepEqual(a.epoch, { confVer: 5n, version: 12n });
    assert.deepEqual(a.peers.map((p) => p.storeId), [4n]);
    assert.equal(a.appliedIndex, 77n);
    assert.equal(b.regionId, 2n);
    assert.equal(b.state, 'Tombstone');
    assert.equal(toHex(b.dataRange.end), '7b');
    assert.equal(b.endKey!.length, 0);
    assert.equal(b.appliedIndex, undefined);
  });
  it('a region state whose id differs from its key is corruption', () => {
    const src = new MemCfSource();
    src.put('raft', fromHex('0103000000000000000501'), Uint8Array.from(ld(2, region(6n, new Uint8Array(0), new Uint8Array(0), []))));
    assert.throws(() => readRegions(src), (e: unknown) => e instanceof FormatError && e.code === 'corruption');
  });
  it('region keys that are not memcomparable (e.g. API v1 RawKV) are kept encoded, decoded key undefined', () => {
    const src = new MemCfSource();
    src.put('raft', fromHex('0103000000000000000501'), Uint8Array.from(ld(2, region(5n, te('abc'), new Uint8Array(0), []))));
    const [r] = readRegions(src);
    assert.equal(r!.startKey, undefined);
    assert.equal(toHex(r!.startKeyEncoded), '616263');
  });
});

describe('decoder errors name the raft-CF key, the region and the decoder, once', () => {
  const count = (s: string, sub: string): number => s.split(sub).length - 1;
  it('a truncated RegionLocalState: one code prefix, region id, key, innermost decoder', () => {
    const src = new MemCfSource();
    const r = region(7n, new Uint8Array(0), new Uint8Array(0), [peer(2n, 4n)]);
    const full = Uint8Array.from(ld(2, r));
    // cut inside the nested metapb.Region: the outer length prefix promises more bytes than remain
    src.put('raft', fromHex('0103000000000000000701'), full.subarray(0, full.length - 3));
    assert.throws(
      () => readRegions(src),
      (e: unknown) => {
        assert.ok(e instanceof FormatError);
        assert.equal(e.code, 'truncated');
        assert.equal(count(e.message, 'truncated'), 1, e.message);
        assert.equal(count(e.message, 'RegionLocalState'), 1, e.message);
        assert.match(e.message, /^truncated: RegionLocalState of region 7 does not decode: /, e.message);
        assert.match(e.message, /raft CF key 0103000000000000000701/, e.message);
        assert.match(e.message, /value offset \d+/, e.message);
        return true;
      },
    );
  });
  it('a bad nested message names the nested decoder (metapb.Region) once', () => {
    const src = new MemCfSource();
    // region field 1 (id) sent as length-delimited: wrong wire type inside metapb.Region
    src.put('raft', fromHex('0103000000000000000901'), Uint8Array.from(ld(2, ld(1, [1, 2]))));
    assert.throws(
      () => readRegions(src),
      (e: unknown) => {
        assert.ok(e instanceof FormatError);
        assert.equal(e.code, 'corruption');
        assert.equal(count(e.message, 'corruption'), 1, e.message);
        assert.equal(count(e.message, 'metapb.Region'), 1, e.message);
        assert.match(e.message, /^corruption: RegionLocalState of region 9 does not decode: metapb.Region: field 1 has wire type 2/, e.message);
        assert.match(e.message, /raft CF key 0103000000000000000901/, e.message);
        return true;
      },
    );
  });
  it('a bad RaftApplyState names its region and key', () => {
    const src = new MemCfSource();
    src.put('raft', fromHex('0103000000000000000501'), Uint8Array.from(ld(2, region(5n, new Uint8Array(0), new Uint8Array(0), [peer(2n, 4n)]))));
    src.put('raft', fromHex('0102000000000000000503'), Uint8Array.from([0x08])); // varint tag, no value
    assert.throws(
      () => readRegions(src),
      (e: unknown) => {
        assert.ok(e instanceof FormatError);
        assert.equal(count(e.message, 'RaftApplyState'), 1, e.message);
        assert.equal(count(e.message, `${e.code}:`), 1, e.message);
        assert.match(e.message, /RaftApplyState of region 5 does not decode/, e.message);
        assert.match(e.message, /raft CF key 0102000000000000000503/, e.message);
        return true;
      },
    );
  });
  it('a bad StoreIdent names the default-CF key once', () => {
    const src = new MemCfSource();
    src.put('default', vec('STORE_IDENT_KEY'), Uint8Array.from([0x08]));
    assert.throws(
      () => readStoreIdent(src),
      (e: unknown) => {
        assert.ok(e instanceof FormatError);
        assert.equal(count(e.message, 'StoreIdent'), 1, e.message);
        assert.equal(count(e.message, `${e.code}:`), 1, e.message);
        assert.match(e.message, /default CF key 0101/, e.message);
        return true;
      },
    );
  });
});
