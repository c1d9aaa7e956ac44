// new_collation_enabled from mysql.tidb (collation-setting.ts). Ground truth: the sample cluster's
// hand-written expected.json (mysql.tidb row new_collation_enabled = 'True'), plus newer MVCC
// versions written over a copy of its column families: a Put of 'False' (row v2 bytes written by
// hand below) and a Delete of the row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RocksDb } from '../../src/rocksdb/db.js';
import { LatestScanner } from '../../src/tikv/mvcc-scan.js';
import { Catalog } from '../../src/tidb/catalog.js';
import { detectNewCollation } from '../../src/tidb/collation-setting.js';
import { recordRange } from '../../src/tidb/record-key.js';
import { MemCfSource } from '../tikv/support/mem-source.js';
import { encodeWrite, tsKey } from '../tikv/support/mvcc-builder.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const sampleDir = join(root, 'fixtures', 'sample', 'node1');

/** The sample's default/write/lock CFs copied into memory, so newer versions can be added. */
function sampleCopy(): { src: MemCfSource; close: () => void; db: RocksDb } {
  const db = RocksDb.open(join(sampleDir, 'db'));
  const src = new MemCfSource();
  for (const cf of ['default', 'write', 'lock']) {
    const c = db.cursor(cf);
    for (c.seekToFirst(); c.valid(); c.next()) src.put(cf, c.userKey(), c.value(), c.kind());
  }
  return { src, db, close: () => db.close() };
}

/** Row format v2 (small): columns 1..3 = VARIABLE_NAME, VARIABLE_VALUE, COMMENT, none NULL. */
function rowV2(name: string, value: string, comment: string): Uint8Array {
  const parts = [name, value, comment].map((s) => Buffer.from(s, 'utf8'));
  const ends: number[] = [];
  let at = 0;
  for (const p of parts) ends.push((at += p.length));
  const head = [0x80, 0x00, 3, 0, 0, 0, 1, 2, 3];
  for (const e of ends) head.push(e & 0xff, e >> 8);
  return Uint8Array.from([...head, ...Buffer.concat(parts)]);
}

test('the sample cluster (expected.json: new_collation_enabled = True) is detected as new collation', () => {
  const exp = JSON.parse(readFileSync(join(sampleDir, 'expected.json'), 'utf8')) as {
    databases: { name: string; tables: { name: string; rows: (string | null)[][] }[] }[];
  };
  const row = exp.databases.find((d) => d.name === 'mysql')!.tables.find((t) => t.name === 'tidb')!.rows.find((r) => r[0] === 'new_collation_enabled');
  assert.equal(row?.[1], 'True');
  const db = RocksDb.open(join(sampleDir, 'db'));
  try {
    const setting = detectNewCollation(db, Catalog.load(db));
    assert.equal(setting.newCollation, true);
    assert.match(setting.source, /= True/);
  } finally {
    db.close();
  }
});

test("a newer committed 'False' wins; a newer Delete of the row means a pre-4.0 cluster (off)", () => {
  const { src, close } = sampleCopy();
  try {
    const catalog = Catalog.load(src);
    const tidb = catalog.table('mysql', 'tidb');
    // find the row's raw key (the only row whose value mentions the variable)
    let key: Uint8Array | undefined;
    const scan = new LatestScanner(src, recordRange(tidb.physicalIds[0]!));
    while (scan.next()) if (Buffer.from(scan.value()).includes('new_collation_enabled')) key = scan.rawKey();
    assert.ok(key !== undefined);
    const ts = 1n << 62n; // newer than anything in the fixture
    src.put('write', tsKey(key, ts + 1n), encodeWrite('put', ts, { shortValue: rowV2('new_collation_enabled', 'False', 'c') }));
    const off = detectNewCollation(src, catalog);
    assert.equal(off.newCollation, false);
    assert.match(off.source, /= False/);
    // the same at a read ts before that write still sees True
    assert.equal(detectNewCollation(src, catalog, { readTs: ts - 1n }).newCollation, true);
    src.put('write', tsKey(key, ts + 3n), encodeWrite('delete', ts + 2n));
    const gone = detectNewCollation(src, catalog);
    assert.equal(gone.newCollation, false);
    assert.match(gone.source, /no new_collation_enabled row/);
  } finally {
    close();
  }
});

test('no mysql.tidb table: undetermined, not guessed', () => {
  const db = RocksDb.open(join(root, 'fixtures', 'tidb', 'mvcc', 'data', 'db'));
  try {
    const setting = detectNewCollation(db, Catalog.load(db));
    assert.equal(setting.newCollation, undefined);
  } finally {
    db.close();
  }
});
