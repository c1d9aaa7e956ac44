// salvage-report.ts: lost-range bounds decoded to table id and handle; the row filter withholds
// exactly the rows whose MVCC key lies inside a write-CF lost range (bounds inclusive, ts
// stripped), counts and lists them; range-deletion losses are listed but do not withhold.
// Keys are built from the spec's encoders (record-key, memcomparable, mvcc-key).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeKey, SalvageTracker } from '../../src/export/salvage-report.js';
import { intRecordKey } from '../../src/tidb/record-key.js';
import { appendTs, encodeDataKey } from '../../src/tikv/mvcc-key.js';
import type { LostRange } from '../../src/rocksdb/loss-report.js';

const wkey = (h: bigint, ts: bigint): Uint8Array => appendTs(encodeDataKey(intRecordKey(202, h)), ts);
const rowKey = (h: bigint): Uint8Array => encodeDataKey(intRecordKey(202, h));
const range = (lo: bigint | undefined, hi: bigint | undefined, kind: LostRange['kind'] = 'data', cf = 'write'): LostRange => ({
  cf, file: '/x/000019.sst', fileNumber: 19, level: 6, kind, offset: 100, end: 200, blocks: 1,
  smallest: lo === undefined ? undefined : wkey(lo, 5n), largest: hi === undefined ? undefined : wkey(hi, 9n), reason: 'test',
});

test('describeKey: write-CF key -> table id and int handle; non-record keys keep their hex', () => {
  assert.deepEqual(describeKey('write', wkey(1255n, 77n)), { key: Buffer.from(wkey(1255n, 77n)).toString('hex'), tableId: 202, handle: '1255' });
  assert.deepEqual(describeKey('write', undefined), null);
  const meta = Uint8Array.of(0x7a, 0x6d, 0x44, 0x42);
  assert.deepEqual(describeKey('write', meta), { key: '7a6d4442' });
  assert.deepEqual(describeKey('raft', Uint8Array.of(1, 2, 3)), { key: '010203' });
});

test('row filter: rows inside [first, last] of a write-CF data range are withheld and listed; bounds inclusive', () => {
  const t = new SalvageTracker(false, []);
  const keep = t.startTable(202, [range(10n, 20n), range(40n, 50n, 'range-deletions')], []);
  const raw = (h: bigint) => () => intRecordKey(202, h);
  const kept = [5n, 9n, 10n, 15n, 20n, 21n, 45n].filter((h) => keep(rowKey(h), raw(h)));
  assert.deepEqual(kept, [5n, 9n, 21n, 45n]);
  const r = t.tableReport({ db: 'big', table: 'items', physicalIds: [202], rows: 4 });
  assert.equal(r.uncertainRows, 3);
  assert.deepEqual(r.uncertainKeys, [10n, 15n, 20n].map((h) => Buffer.from(intRecordKey(202, h)).toString('hex')));
  assert.equal(r.lostRanges.length, 2);
  assert.equal(t.partial([]), true);
});

test('--salvage-older-versions: the same rows are listed as uncertain but exported', () => {
  const t = new SalvageTracker(true, []);
  const keep = t.startTable(202, [range(undefined, 3n)], []);
  assert.deepEqual([1n, 3n, 4n].map((h) => keep(rowKey(h), () => intRecordKey(202, h))), [true, true, true]);
  assert.equal(t.tableReport({ db: 'd', table: 't', physicalIds: [202], rows: 3 }).uncertainRows, 2);
});

test('default-CF losses do not withhold rows (their values are counted missing by the scanner)', () => {
  const t = new SalvageTracker(false, []);
  const keep = t.startTable(202, [range(1n, 100n, 'data', 'default')], []);
  assert.equal(keep(rowKey(50n), () => intRecordKey(202, 50n)), true);
});
