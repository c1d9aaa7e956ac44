// Region filtering (tikv-tidb-encoding.md §10): only Normal/Merging regions with a non-witness
// peer on this store are read; their raw ranges are merged and intersected with a table range.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { intersectRanges, isLiveRegion, liveRanges } from '../../src/export/session.js';
import type { RegionInfo } from '../../src/tikv/raft-state.js';

const b = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const s = (u: Uint8Array): string => Buffer.from(u).toString('latin1');
const E = new Uint8Array(0);

function region(id: number, start: string, end: string, state: RegionInfo['state'] = 'Normal', peers: [number, boolean][] = [[1, false]]): RegionInfo {
  return {
    regionId: BigInt(id),
    state,
    startKey: b(start),
    endKey: b(end),
    startKeyEncoded: E,
    endKeyEncoded: E,
    dataRange: { start: E, end: E },
    epoch: { confVer: 1n, version: 1n },
    peers: peers.map(([store, witness], i) => ({ id: BigInt(100 + i), storeId: BigInt(store), role: 'Voter', isWitness: witness })),
    appliedIndex: undefined,
    isInFlashback: false,
  };
}

test('isLiveRegion: state and this store\'s non-witness peer', () => {
  assert.equal(isLiveRegion(region(1, '', ''), 1n), true);
  assert.equal(isLiveRegion(region(1, '', '', 'Merging'), 1n), true);
  assert.equal(isLiveRegion(region(1, '', '', 'Tombstone'), 1n), false);
  assert.equal(isLiveRegion(region(1, '', '', 'Applying'), 1n), false);
  assert.equal(isLiveRegion(region(1, '', '', 'Normal', [[2, false]]), 1n), false);
  assert.equal(isLiveRegion(region(1, '', '', 'Normal', [[1, true]]), 1n), false);
});

test('liveRanges merges adjacent/overlapping regions; empty end is +inf', () => {
  const r = liveRanges([region(3, 'm', ''), region(1, 'a', 'c'), region(2, 'c', 'f'), region(4, 'x', 'z')]);
  assert.deepEqual(r.map((x) => [s(x.start), s(x.end)]), [['a', 'f'], ['m', '']]);
});

test('intersectRanges clips a table range to the live ranges, in order', () => {
  const live = liveRanges([region(1, 'a', 'c'), region(2, 'e', 'g'), region(3, 'k', '')]);
  const cut = (st: string, en: string) => intersectRanges({ start: b(st), end: b(en) }, live).map((x) => [s(x.start), s(x.end)]);
  assert.deepEqual(cut('b', 'f'), [['b', 'c'], ['e', 'f']]);
  assert.deepEqual(cut('c', 'e'), []);
  assert.deepEqual(cut('h', 'z'), [['k', 'z']]);
  assert.deepEqual(cut('a', 'c'), [['a', 'c']]);
  assert.deepEqual(intersectRanges({ start: b('b'), end: b('f') }, undefined).map((x) => [s(x.start), s(x.end)]), [['b', 'f']]);
  assert.deepEqual(intersectRanges({ start: b('j'), end: E }, live).map((x) => [s(x.start), s(x.end)]), [['k', '']]);
});
