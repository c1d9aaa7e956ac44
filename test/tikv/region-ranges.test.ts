import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clipRawRange, liveRegions, type Peer, type RegionInfo } from '../../src/tikv/raft-state.js';
import { te } from './support/mvcc-builder.js';

const E = new Uint8Array(0);
function region(id: number, start: string | undefined, end: string | undefined, state: RegionInfo['state'], peers: Partial<Peer>[]): RegionInfo {
  const s = start === undefined ? undefined : te(start);
  const e = end === undefined ? undefined : te(end);
  return {
    regionId: BigInt(id),
    state,
    startKey: s,
    endKey: e,
    startKeyEncoded: E,
    endKeyEncoded: E,
    dataRange: { start: E, end: E },
    epoch: { confVer: 1n, version: 1n },
    peers: peers.map((p, i) => ({ id: BigInt(100 + i), storeId: p.storeId ?? 1n, role: p.role ?? 'Voter', isWitness: p.isWitness ?? false })),
    appliedIndex: 1n,
    isInFlashback: false,
  };
}

const text = (rs: { start: Uint8Array; end: Uint8Array }[]) => rs.map((r) => `${new TextDecoder().decode(r.start)}..${new TextDecoder().decode(r.end)}`);

describe('liveRegions (spec §10)', () => {
  it('keeps Normal/Merging regions with a non-witness peer on this store; reports the rest', () => {
    const regions = [
      region(1, '', 'b', 'Normal', [{ storeId: 1n }, { storeId: 2n }]),
      region(2, 'b', 'd', 'Tombstone', [{ storeId: 1n }]),
      region(3, 'd', 'f', 'Merging', [{ storeId: 1n, role: 'Learner' }]),
      region(4, 'f', 'h', 'Applying', [{ storeId: 1n }]),
      region(5, 'h', 'j', 'Normal', [{ storeId: 2n }]),
      region(6, 'j', 'l', 'Normal', [{ storeId: 1n, isWitness: true }]),
      region(7, undefined, '', 'Normal', [{ storeId: 1n }]),
    ];
    const r = liveRegions(regions, 1n);
    assert.deepEqual(r.live.map((x) => x.regionId), [1n, 3n]);
    assert.deepEqual(
      r.skipped.map((x) => [x.regionId, x.reason]),
      [
        [2n, 'state Tombstone'],
        [4n, 'state Applying'],
        [5n, 'no peer on store 1'],
        [6n, 'witness peer (holds no data)'],
        [7n, 'region boundary keys are not memcomparable-encoded'],
      ],
    );
  });
});

describe('clipRawRange', () => {
  const regions = [region(2, 'm', 't', 'Normal', [{}]), region(1, '', 'c', 'Normal', [{}]), region(3, 't', '', 'Normal', [{}]), region(4, 'd', 'f', 'Normal', [{}])];
  it('intersects and merges adjacent pieces; empty end = +inf', () => {
    assert.deepEqual(text(clipRawRange({ start: E, end: E }, regions)), ['..c', 'd..f', 'm..']);
    assert.deepEqual(text(clipRawRange({ start: te('b'), end: te('e') }, regions)), ['b..c', 'd..e']);
    assert.deepEqual(text(clipRawRange({ start: te('n'), end: te('u') }, regions)), ['n..u']);
    assert.deepEqual(text(clipRawRange({ start: te('g'), end: te('k') }, regions)), []);
    assert.deepEqual(text(clipRawRange({ start: te('x'), end: E }, regions)), ['x..']);
  });
  it('no regions -> nothing to scan', () => {
    assert.deepEqual(clipRawRange({ start: E, end: E }, []), []);
  });
});
