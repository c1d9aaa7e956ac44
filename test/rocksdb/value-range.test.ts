// Cursors' value() without a view: valueArray()[valueOffset(), valueEndOffset()) must be the
// same bytes as value() on every entry of every fixture written by real RocksDB: merged cursors
// over every column family of fixtures/rocksdb (SSTs of all levels, memtables from the WAL,
// tombstones) and plain SST cursors over fixtures/rocksdb-sst (every format version and
// compression), whose values are themselves checked against sst_dump in sst-reader.test.ts.
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

function check(c: KvCursor | InternalCursor, what: string): number {
  let n = 0;
  for (c.seekToFirst(); c.valid(); c.next()) {
    const arr = c.valueArray!();
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
});
