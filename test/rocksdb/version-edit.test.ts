/**
 * VersionEdit decoding of tags the fixtures do not contain, on edits assembled by hand from the
 * tag table in facebook/rocksdb:db/version_edit.h / version_edit.cc (rocksdb-format.md §6).
 * The real-file cases are in manifest.test.ts (against ldb manifest_dump).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseVersionEdit } from '../../src/rocksdb/version-edit.js';
import { applyVersionEdit, emptyManifestState } from '../../src/rocksdb/manifest.js';
import { encodeVarint } from '../../src/rocksdb/varint.js';
import { FormatError } from '../../src/errors.js';

type Part = number[] | Uint8Array;
const v = (n: number): number[] => [...encodeVarint(n)];
const bytes = (s: string): number[] => [...Buffer.from(s, 'latin1')];
const lp = (b: number[]): number[] => [...v(b.length), ...b];
/** Internal key: user key + trailer (seq << 8 | type), little-endian. */
const ikey = (user: string, seq: number, type: number): number[] => {
  const t: number[] = [type];
  let s = seq;
  for (let i = 0; i < 7; i++) {
    t.push(s % 256);
    s = Math.floor(s / 256);
  }
  return lp([...bytes(user), ...t]);
};
const edit = (...parts: Part[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => [...p]));

/** tag 103: level, number, size, smallest, largest, smallest seq, largest seq, custom..., 1 */
const newFile4 = (level: number, num: number, custom: number[] = []): number[] => [
  ...v(103),
  ...v(level),
  ...v(num),
  ...v(1234),
  ...ikey('a', 5, 1),
  ...ikey('m', 9, 1),
  ...v(5),
  ...v(9),
  ...custom,
  ...v(1),
];

test('basic tags: comparator, log number, next file, last seq, prev log, min log to keep', () => {
  const e = parseVersionEdit(
    edit(
      v(1),
      lp(bytes('leveldb.BytewiseComparator')),
      v(2),
      v(17),
      v(3),
      v(300),
      v(4),
      v(123456789),
      v(9),
      v(0),
      v(10),
      v(15),
      v(203),
      v(3),
    ),
  );
  assert.equal(e.comparator, 'leveldb.BytewiseComparator');
  assert.equal(e.logNumber, 17);
  assert.equal(e.nextFileNumber, 300);
  assert.equal(e.lastSequence, 123456789);
  assert.equal(e.prevLogNumber, 0);
  assert.equal(e.minLogNumberToKeep, 15);
  assert.equal(e.maxColumnFamily, 3);
  assert.equal(e.columnFamily, 0);
});

test('new file 4 with custom fields (times, checksum, unique id, epoch) and path id 65', () => {
  const custom = [
    ...v(2), ...lp([1]), // need compaction
    ...v(5), ...lp(v(1700000000)), // oldest ancester time
    ...v(6), ...lp(v(1700000001)), // file creation time
    ...v(7), ...lp(bytes('\x01\x02\x03\x04')), // file checksum
    ...v(8), ...lp(bytes('Unknown')),
    ...v(12), ...lp(new Array<number>(16).fill(7)), // unique id
    ...v(13), ...lp(v(42)), // epoch number
    ...v(15), ...lp(v(99)), // tail size
    ...v(60), ...lp([1, 2, 3]), // unknown but safe (bit 6 clear)
    ...v(65), ...lp([0]), // path id 0
  ];
  const e = parseVersionEdit(edit(newFile4(3, 77, custom)));
  assert.equal(e.newFiles.length, 1);
  const f = e.newFiles[0]!;
  assert.equal(f.level, 3);
  assert.equal(f.fileNumber, 77);
  assert.equal(f.size, 1234);
  assert.equal(Buffer.from(f.smallestKey).toString(), 'a');
  assert.equal(Buffer.from(f.largestKey).toString(), 'm');
  assert.equal(f.smallestSeq, 5);
  assert.equal(f.largestSeq, 9);
  assert.equal(f.pathId, 0);
  assert.equal(f.epochNumber, 42);
});

test('new file 4: an unknown custom tag with the must-understand bit (64) is unsupported', () => {
  assert.throws(
    () => parseVersionEdit(edit(newFile4(0, 8, [...v(66), ...lp([1])])), 'MANIFEST-1', 100),
    (e: unknown) => e instanceof FormatError && e.code === 'unsupported' && e.file === 'MANIFEST-1' && /custom tag 66/.test(e.message),
  );
});

test('new file (7), new file 2 (100) and new file 3 (102, with path id)', () => {
  const e = parseVersionEdit(
    edit(
      v(7), v(1), v(10), v(100), ikey('b', 1, 1), ikey('c', 2, 1),
      v(100), v(2), v(11), v(200), ikey('d', 3, 1), ikey('e', 4, 0), v(3), v(4),
      v(102), v(4), v(12), v(1), v(300), ikey('f', 5, 1), ikey('g', 6, 0xf), v(5), v(6),
    ),
  );
  assert.deepEqual(
    e.newFiles.map((f) => [f.level, f.fileNumber, f.pathId, f.size, f.smallestSeq, f.largestSeq, f.largestType]),
    [
      [1, 10, 0, 100, 0, 0, 1],
      [2, 11, 0, 200, 3, 4, 0],
      [4, 12, 1, 300, 5, 6, 0xf],
    ],
  );
});

test('a largest key with seq kMaxSequenceNumber (range tombstone bound) is accepted', () => {
  // 2^56-1 does not fit a JS safe integer; the trailer seq is not needed.
  const largest = lp([...bytes('z'), 0x0f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
  const e = parseVersionEdit(edit(v(103), v(0), v(9), v(10), ikey('a', 1, 0xf), largest, v(1), v(1), v(1)));
  assert.equal(e.newFiles[0]!.largestType, 0xf);
  assert.equal(Buffer.from(e.newFiles[0]!.largestKey).toString(), 'z');
});

test('safe-to-ignore tags (>= 8192) are skipped by their length; 8196/8197 have no length prefix', () => {
  const e = parseVersionEdit(
    edit(
      v(8193), lp(bytes('db-id-1234')), // db id
      v(8198), lp([1, 2, 3, 4, 5, 6, 7, 8]), // full history ts low
      v(8199), lp([9, 9, 9]), // WAL addition 2
      v(8196), v(15), v(2), v(4096), v(1), // WAL addition: number 15, synced size 4096, terminate
      v(8197), v(14), // WAL deletion 14
      v(9000), lp([0xff]), // unknown future safe tag
      v(2), v(15),
    ),
  );
  assert.deepEqual(e.walAdditions, [{ logNumber: 15, syncedSize: 4096 }]);
  assert.deepEqual(e.walDeletions, [14]);
  assert.equal(e.logNumber, 15);
});

test('an unknown tag below 8192 is corruption ("VersionEdit: unknown tag")', () => {
  assert.throws(
    () => parseVersionEdit(edit(v(2), v(1), v(8)), 'M', 7),
    (e: unknown) => e instanceof FormatError && e.code === 'corruption' && e.file === 'M' && e.offset === 7 && /unknown tag/.test(e.message),
  );
});

test('a field running past the end of the edit is corruption with the record location', () => {
  assert.throws(
    () => parseVersionEdit(edit(v(1), [20], bytes('short')), 'M', 99),
    (e: unknown) => e instanceof FormatError && e.code === 'corruption' && e.file === 'M' && e.offset === 99,
  );
});

test('blob file addition (400) and garbage (401) are skipped over', () => {
  const e = parseVersionEdit(
    edit(
      v(400), v(31), v(10), v(1000), lp(bytes('crc32c')), lp([1, 2, 3, 4]), v(0),
      v(401), v(31), v(2), v(200), v(0),
      v(3), v(40),
    ),
  );
  assert.deepEqual(e.blobFileAdditions, [31]);
  assert.equal(e.nextFileNumber, 40);
});

test('column family add / drop and deleted files rebuild the state', () => {
  const st = emptyManifestState();
  applyVersionEdit(st, parseVersionEdit(edit(v(1), lp(bytes('leveldb.BytewiseComparator')), newFile4(0, 5))));
  applyVersionEdit(st, parseVersionEdit(edit(v(1), lp(bytes('leveldb.BytewiseComparator')), v(200), v(1), v(201), lp(bytes('write')))));
  applyVersionEdit(st, parseVersionEdit(edit(v(2), v(6), v(200), v(1), newFile4(0, 7), newFile4(0, 8))));
  applyVersionEdit(st, parseVersionEdit(edit(v(200), v(1), v(6), v(0), v(7), newFile4(1, 9))));
  applyVersionEdit(st, parseVersionEdit(edit(v(200), v(2), v(201), lp(bytes('tmp')))));
  applyVersionEdit(st, parseVersionEdit(edit(v(200), v(2), newFile4(0, 10))));
  applyVersionEdit(st, parseVersionEdit(edit(v(200), v(2), v(202))));
  assert.deepEqual([...st.cfs.get(0)!.files.keys()], [5]);
  const w = st.cfs.get(1)!;
  assert.equal(w.name, 'write');
  assert.equal(w.logNumber, 6);
  assert.deepEqual([...w.files.values()].map((f) => [f.level, f.fileNumber]).sort(), [[0, 8], [1, 9]]);
  const tmp = st.cfs.get(2)!;
  assert.equal(tmp.dropped, true);
  assert.equal(tmp.files.size, 0);
});

test('an edit for a column family that was never added is corruption', () => {
  const st = emptyManifestState();
  assert.throws(() => applyVersionEdit(st, parseVersionEdit(edit(v(200), v(5), newFile4(0, 1)))), FormatError);
});

test('a non-bytewise comparator is unsupported', () => {
  const st = emptyManifestState();
  assert.throws(
    () => applyVersionEdit(st, parseVersionEdit(edit(v(1), lp(bytes('rocksdb.ReverseBytewiseComparator'))))),
    (e: unknown) => e instanceof FormatError && e.code === 'unsupported',
  );
});
