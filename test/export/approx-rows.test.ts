// approx-rows.ts: which SSTs count toward a table's row estimate (hand-made file ranges).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { approxRowsFromFiles, approxRowsText } from '../../src/export/approx-rows.js';
import type { LiveFile } from '../../src/rocksdb/types.js';

const k = (s: string): Uint8Array => Buffer.from(s, 'latin1');
function file(n: number, lo: string, hi: string): LiveFile {
  return { cf: 'write', cfId: 2, level: 1, fileNumber: n, path: `/x/${n}.sst`, size: 1, smallestKey: k(lo), largestKey: k(hi), smallestSeq: 0, largestSeq: 0 };
}
const entries = new Map([[1, 10], [2, 20], [3, 40], [4, 80]]);
const of = (f: LiveFile): number | undefined => entries.get(f.fileNumber);
const range = { start: k('t1'), end: k('t2') };

test('every overlapping file inside the range: ~sum of their entries', () => {
  const a = approxRowsFromFiles([file(1, 't1a', 't1b'), file(2, 't1c', 't1z'), file(3, 't3', 't4')], [range], of);
  assert.deepEqual(a, { entries: 30, coverage: 'exact-files', basis: 'rocksdb.num.entries' });
  assert.equal(approxRowsText(a), '~30');
});

test('a file that only overlaps is not counted and makes it a lower bound; only overlapping files: no estimate', () => {
  const a = approxRowsFromFiles([file(1, 't1a', 't1b'), file(4, 't0', 't1c')], [range], of);
  assert.deepEqual(a, { entries: 10, coverage: 'partial', basis: 'rocksdb.num.entries' });
  assert.equal(approxRowsText(a), '>=10');
  assert.equal(approxRowsFromFiles([file(4, 't0', 't3')], [range], of), undefined);
  assert.equal(approxRowsText(undefined), '-');
});

test('no file overlaps: no estimate (rows may still be in the WAL); unreadable properties: partial', () => {
  assert.equal(approxRowsFromFiles([file(3, 't3', 't4')], [range], of), undefined);
  const a = approxRowsFromFiles([file(1, 't1a', 't1b'), file(9, 't1c', 't1d')], [range], of);
  assert.deepEqual(a, { entries: 10, coverage: 'partial', basis: 'rocksdb.num.entries' });
});
