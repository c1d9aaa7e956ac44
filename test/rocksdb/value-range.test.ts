// Cursors' value() without a view: valueArray()[valueOffset(), valueEndOffset()) must be the
// same bytes as value() on every entry of every fixture written by real RocksDB: merged cursors
// over every column family of fixtures/rocksdb (SSTs of all levels, memtables from the WAL,
// tombstones) and plain SST cursors over fixtures/rocksdb-sst (every format version and
// compression), whose values are themselves checked against sst_dump in sst-reader.test.ts.
// Also the other half of the contract: a value array is never refilled in place -- while a cursor
// returns the same array object its bytes stay the same (a reused buffer comes back as a new
// view; the CSV writer keeps one copy of a block for all its rows).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RocksDb } from '../../src/rocksdb/db.js';
import { SstReader } from '../../src/rocksdb/sst-reader.js';
import type { InternalCursor, KvCursor } from '../../src/rocksdb/types.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const H = (u: Uint8Array): string => Buffer.from(u.buffer, u.byteOffset, u.length).toString('hex');

/** Arrays seen (whole content at first sight), and how often a buffer came back as a new view. */
const seen = new Map<Uint8Array, string>();
const reuse = { views: 0 };
const byPlace = new Map<string, Uint8Array>();

function stable(arr: Uint8Array, what: string): void {
  const now = H(arr);
  const before = seen.get(arr);
  if (before !== undefined) {
    assert.equal(now, before, `${what}: a value array was refilled in place`);
    return;
  }
  seen.set(arr, now);
  const place = `${arr.byteOffset}`;
  const other = byPlace.get(place);
  if (other !== undefined && other.buffer === arr.buffer && seen.get(other) !== now) reuse.views++;
  byPlace.set(place, arr);
}

function check(c: KvCursor | InternalCursor, what: string): number {
  let n = 0;
  seen.clear();
  byPlace.clear();
  for (c.seekToFirst(); c.valid(); c.next()) {
    const arr = c.valueArray!();
    stable(arr, what);
    const s = c.valueOffset!();
    const e = c.valueEndOffset!();
    assert.ok(s >= 0 && s <= e && e <= arr.length, `${what}: range ${s}..${e} of ${arr.length}`);
    assert.equal(H(arr.subarray(s, e)), H(c.value()), `${what}: entry ${n}`);
    n++;
  }
  return n;
}

test('merged cursors: the value range equals value() on every entry of every fixtures/rocksdb case', () => {
  let total = 0;
  const cases = readdirSync(join(root, 'fixtures', 'rocksdb')).filter((d) => existsSync(join(root, 'fixtures', 'rocksdb', d, 'db')));
  assert.ok(cases.length >= 8, cases.join(' '));
  for (const name of cases) {
    const db = RocksDb.open(join(root, 'fixtures', 'rocksdb', name, 'db'));
    try {
      for (const cf of db.columnFamilies()) {
        const c = db.cursor(cf.name);
        try {
          total += check(c, `${name}/${cf.name}`);
        } finally {
          c.close();
        }
      }
    } finally {
      db.close();
    }
  }
  assert.ok(total > 1000, `${total} entries`);
});

test('SST cursors: the value range equals value() on every entry of every fixtures/rocksdb-sst file', () => {
  const dir = join(root, 'fixtures', 'rocksdb-sst');
  const files = readdirSync(dir).filter((f) => f.endsWith('.sst') && !f.includes('reversecmp')); // refused on open (another comparator)
  assert.ok(files.length >= 20);
  let total = 0;
  for (const f of files) {
    const r = SstReader.open(join(dir, f));
    try {
      total += check(r.cursor(), f);
    } finally {
      r.close();
    }
  }
  assert.ok(total > 1000, `${total} entries`);
  // the property was exercised: some buffer did come back, with new bytes, as a new view
  assert.ok(reuse.views > 0, 'no buffer reused across blocks in these fixtures');
});
