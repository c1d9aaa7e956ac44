// Catalog over MVCC meta records encoded in the test from the spec (support/catalog-mvcc.ts):
// write-CF Put with short values, long JSON in the default CF at start_ts, Delete, Lock and
// Rollback records, a legacy hash-meta key, and broken JSON. Expected listings are written by
// hand from the scenario below.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Catalog } from '../../src/tidb/catalog.js';
import { UserError } from '../../src/errors.js';
import { TypeCode as T, Flag as F } from '../../src/tidb/table-info.js';
import { MetaMvcc, hashKey, hashMetaKey, mc, stringKey } from './support/catalog-mvcc.js';
import { dbJson, tableJson } from './support/catalog-json.js';

const J = (o: unknown): string => JSON.stringify(o);
const simple = (id: number, name: string, extra: Partial<Parameters<typeof tableJson>[0]> = {}): string =>
  J(tableJson({ id, name, pkIsHandle: true, cols: [{ name: 'id', tp: T.Long, flen: 11, flag: F.NotNull | F.PriKey }], ...extra }));

/**
 * Scenario (ts: start/commit):
 *  SchemaVersionKey = "42"
 *  DBs: DB:1 test, DB:10 d10, DB:11 d11, DB:100 d100, DB:2 mysql, DB:3 (DBInfo > 255 bytes, default CF),
 *       DB:4 state 2 (not public), DB:5 dropped, DB:6 broken JSON; hash-meta 'H' keys for DBs and DB:1.
 *  DB:1: Table:20 t1 (+ TID:20 = 29999), Table:21 dropped at 210, Table:22 truncated (deleted at 220)
 *        and Table:23 'trunc' (new id), Table:24 state 4, Table:25 broken JSON, Table:26 'locked'
 *        (Put@150, Rollback@250, Lock@300), Table:27 a view, Table:28 partitioned [30, 29],
 *        Table:31 JSON > 255 bytes from the default CF, TID:/IID:/SID: fields.
 *  DB:10: Table:40; DB:11: Table:41; DB:100: Table:42; DB:3: Table:50 'Mixed_Case'.
 */
function scenario(): MetaMvcc {
  const m = new MetaMvcc();
  m.put(stringKey('SchemaVersionKey'), '42', 90n, 91n);
  m.put(hashKey('DBs', 'DB:1'), J(dbJson(1, 'test')), 10n, 11n);
  m.put(hashKey('DBs', 'DB:10'), J(dbJson(10, 'd10')), 12n, 13n);
  m.put(hashKey('DBs', 'DB:11'), J(dbJson(11, 'd11')), 14n, 15n);
  m.put(hashKey('DBs', 'DB:100'), J(dbJson(100, 'd100')), 16n, 17n);
  m.put(hashKey('DBs', 'DB:2'), J(dbJson(2, 'mysql')), 3n, 4n);
  const bigDb = J(dbJson(3, 'Big_DB', { policy_ref_info: null, comment_padding: 'x'.repeat(300) }));
  assert.ok(bigDb.length > 255);
  m.put(hashKey('DBs', 'DB:3'), bigDb, 18n, 19n);
  m.put(hashKey('DBs', 'DB:4'), J(dbJson(4, 'creating', { state: 2 })), 20n, 21n);
  m.put(hashKey('DBs', 'DB:5'), J(dbJson(5, 'gone')), 22n, 23n);
  m.del(hashKey('DBs', 'DB:5'), 400n, 401n);
  m.put(hashKey('DBs', 'DB:6'), '{"id":6,"db_name":', 24n, 25n);
  // legacy hash meta (u64BE field count)
  m.rawPut(hashMetaKey('DBs'), [0, 0, 0, 0, 0, 0, 0, 9], 5n, 6n);
  m.rawPut(hashMetaKey('DB:1'), [0, 0, 0, 0, 0, 0, 0, 3], 5n, 6n);

  m.put(hashKey('DB:1', 'Table:20'), simple(20, 't1'), 30n, 31n);
  m.put(hashKey('DB:1', 'TID:20'), '29999', 32n, 33n);
  m.put(hashKey('DB:1', 'Table:21'), simple(21, 'dropped'), 34n, 35n);
  m.del(hashKey('DB:1', 'Table:21'), 209n, 210n);
  m.put(hashKey('DB:1', 'Table:22'), simple(22, 'trunc'), 36n, 37n);
  m.del(hashKey('DB:1', 'Table:22'), 219n, 220n);
  m.put(hashKey('DB:1', 'Table:23'), simple(23, 'trunc'), 219n, 220n);
  m.put(hashKey('DB:1', 'Table:24'), simple(24, 'adding', { state: 4 }), 38n, 39n);
  m.put(hashKey('DB:1', 'Table:25'), '{"id":25,"name":{"O":"bad"', 40n, 41n);
  m.put(hashKey('DB:1', 'Table:26'), simple(26, 'locked'), 149n, 150n);
  m.rollback(hashKey('DB:1', 'Table:26'), 250n);
  m.lockRecord(hashKey('DB:1', 'Table:26'), 299n, 300n);
  m.put(hashKey('DB:1', 'Table:27'), simple(27, 'v1', { view: { view_select: 'SELECT 1' } }), 42n, 43n);
  m.put(
    hashKey('DB:1', 'Table:28'),
    simple(28, 'parts', {
      partition: {
        type: 2,
        expr: '`id`',
        columns: null,
        enable: true,
        num: 2,
        definitions: [
          { id: 30, name: { O: 'p0', L: 'p0' } },
          { id: 29, name: { O: 'p1', L: 'p1' } },
        ],
      },
    }),
    44n,
    45n,
  );
  const longTable = simple(31, 'long_json', { comment: 'c'.repeat(400) });
  assert.ok(longTable.length > 255);
  m.put(hashKey('DB:1', 'Table:31'), longTable, 46n, 47n);
  m.put(hashKey('DB:1', 'IID:31'), '7', 48n, 49n);
  m.put(hashKey('DB:1', 'SID:99'), '5', 48n, 49n);

  m.put(hashKey('DB:10', 'Table:40'), simple(40, 'in10'), 50n, 51n);
  m.put(hashKey('DB:11', 'Table:41'), simple(41, 'in11'), 52n, 53n);
  m.put(hashKey('DB:100', 'Table:42'), simple(42, 'in100'), 54n, 55n);
  m.put(hashKey('DB:3', 'Table:50'), simple(50, 'Mixed_Case'), 56n, 57n);
  return m;
}

const ids = (xs: { id: number }[]): number[] => xs.map((x) => x.id);

test('databases: public ones by id, big DBInfo from the default CF, dropped/non-public/broken handled', () => {
  const cat = Catalog.load(scenario().src);
  assert.equal(cat.schemaVersion, 42);
  assert.deepEqual(ids(cat.databases()), [1, 2, 3, 10, 11, 100]);
  const big = cat.database('big_db');
  assert.equal(big.name, 'Big_DB');
  assert.equal((big.info['comment_padding'] as string).length, 300);
  assert.equal(cat.database('MYSQL').system, true);
  assert.equal(cat.database('test').system, false);
  assert.deepEqual(cat.skipped.filter((s) => s.what === 'database'), [{ what: 'database', id: 4, name: 'creating', state: 2 }]);
  const dbProblems = cat.problems.filter((p) => p.kind === 'db-json');
  assert.equal(dbProblems.length, 1);
  assert.equal(dbProblems[0]!.dbId, 6);
  assert.match(dbProblems[0]!.message, /DBs\/DB:6/);
  // the exact stored bytes are kept
  assert.equal(Buffer.from(big.json).toString(), J(dbJson(3, 'Big_DB', { policy_ref_info: null, comment_padding: 'x'.repeat(300) })));
});

test('tables: prefix-collision-free, drop/truncate/state/lock-rollback rules, views, partitions, long JSON', () => {
  const cat = Catalog.load(scenario().src);
  const t1 = cat.tables(1);
  assert.deepEqual(
    t1.map((t) => [t.id, t.name, t.kind]),
    [
      [20, 't1', 'table'],
      [23, 'trunc', 'table'],
      [26, 'locked', 'table'],
      [27, 'v1', 'view'],
      [28, 'parts', 'table'],
      [31, 'long_json', 'table'],
    ],
  );
  assert.deepEqual(ids(cat.tables(10)), [40]);
  assert.deepEqual(ids(cat.tables(11)), [41]);
  assert.deepEqual(ids(cat.tables(100)), [42]);
  assert.deepEqual(ids(cat.tables(2)), []);
  // truncated: listed once, under the new id
  assert.equal(cat.table('test', 'TRUNC').id, 23);
  // lock/rollback newest: the older Put's commit ts
  assert.equal(cat.table('test', 'locked').commitTs, 150n);
  assert.deepEqual(cat.table('test', 'parts').physicalIds, [30, 29]);
  assert.deepEqual(cat.table('test', 't1').physicalIds, [20]);
  assert.deepEqual(cat.table('test', 'v1').physicalIds, []);
  assert.equal(cat.table('test', 'long_json').info.comment, 'c'.repeat(400));
  assert.deepEqual(cat.skipped.filter((s) => s.what === 'table'), [{ what: 'table', id: 24, name: 'adding', state: 4, dbId: 1 }]);
  const tp = cat.problems.filter((p) => p.kind === 'table-json');
  assert.equal(tp.length, 1);
  assert.deepEqual([tp[0]!.dbId, tp[0]!.tableId], [1, 25]);
  assert.equal(cat.table('big_db', 'mixed_case').name, 'Mixed_Case');
  // only the two broken JSON values are problems; hash-meta keys, TID/IID/SID fields are not
  assert.deepEqual(cat.problems.map((p) => p.kind).sort(), ['db-json', 'table-json']);
});

test('auto-id bases and the AUTO_INCREMENT TiDB would show', () => {
  const cat = Catalog.load(scenario().src);
  assert.deepEqual(cat.autoIdBases(20), { rowId: 29999n });
  assert.deepEqual(cat.autoIdBases(31), { autoInc: 7n });
  assert.equal(cat.nextAutoIncrement(cat.table('test', 't1')), 30000n);
  assert.equal(cat.nextAutoIncrement(cat.table('test', 'long_json')), undefined); // auto_id_cache 0 -> TID, absent
  assert.deepEqual(cat.autoIdBases(40), {});
});

test('readTs: the catalog as of an older TSO still has the dropped table and database', () => {
  const cat = Catalog.load(scenario().src, { readTs: 200n });
  assert.deepEqual(ids(cat.databases()), [1, 2, 3, 5, 10, 11, 100]);
  const names = cat.tables(1).map((t) => `${t.id}:${t.name}`);
  // at 200: Table:21 not dropped yet, Table:22 not truncated yet (23 not created), 26 visible (Put@150)
  assert.deepEqual(names, ['20:t1', '21:dropped', '22:trunc', '26:locked', '27:v1', '28:parts', '31:long_json']);
  assert.equal(cat.schemaVersion, 42);
  const early = Catalog.load(scenario().src, { readTs: 50n });
  assert.equal(early.schemaVersion, null);
});

test('name lookups are case-insensitive and errors list what exists', () => {
  const cat = Catalog.load(scenario().src);
  assert.throws(
    () => cat.database('nope'),
    (e: unknown) => e instanceof UserError && /unknown database "nope"; databases: test, mysql, Big_DB, d10, d11, d100/.test(e.message),
  );
  assert.throws(
    () => cat.table('TEST', 'nope'),
    (e: unknown) => e instanceof UserError && /tables: t1, trunc, locked, v1 \(view\), parts, long_json/.test(e.message),
  );
});

test('missing default-CF value and pending meta locks are reported, not fatal', () => {
  const m = scenario();
  m.putMissingDefault(hashKey('DB:10', 'Table:43'), 60n, 61n);
  m.pendingLock(hashKey('DB:11', 'Table:44'), hashKey('DB:11', 'Table:44'), 70n, simple(44, 'pending'));
  const cat = Catalog.load(m.src);
  assert.deepEqual(ids(cat.tables(10)), [40]);
  assert.deepEqual(ids(cat.tables(11)), [41]); // uncommitted table not listed
  const missing = cat.problems.filter((p) => p.kind === 'missing-value');
  assert.equal(missing.length, 1);
  assert.equal(missing[0]!.dbId, 10);
  assert.equal(cat.metaLocks, 1);
});

test('malformed DB/Table fields are reported; other hash fields ignored', () => {
  const m = scenario();
  m.put(hashKey('DBs', 'DB:x1'), J(dbJson(7, 'x')), 64n, 65n);
  m.put(hashKey('DBs', 'Other:1'), 'whatever', 64n, 65n);
  m.put(hashKey('DB:10', 'Table:1a'), simple(46, 'x'), 66n, 67n);
  m.put(hashKey('DB:10', 'SequenceCycle:3'), '1', 66n, 67n);
  const cat = Catalog.load(m.src);
  assert.deepEqual(
    cat.problems.filter((p) => p.kind === 'meta-key').map((p) => p.message),
    ['malformed database field "DB:x1" in hash DBs', 'malformed table field "Table:1a" in hash DB:10'],
  );
  assert.deepEqual(ids(cat.databases()), [1, 2, 3, 10, 11, 100]);
  assert.deepEqual(ids(cat.tables(10)), [40]);
});

test('duplicate public table names are reported and the lookup refuses to guess', () => {
  const m = scenario();
  m.put(hashKey('DB:10', 'Table:45'), simple(45, 'IN10'), 62n, 63n);
  const cat = Catalog.load(m.src);
  assert.ok(cat.problems.some((p) => p.kind === 'duplicate-name' && p.dbId === 10 && /40, 45/.test(p.message)));
  assert.throws(() => cat.table('d10', 'in10'), (e: unknown) => e instanceof UserError && /ambiguous/.test(e.message));
});

test('real TPC-C TableInfo/DBInfo bytes round-trip through MVCC records (long ones via the default CF)', () => {
  const dir = new URL('../../fixtures/realdata/tableinfo/tidb-7.1-tpcc-backupmeta/', import.meta.url);
  const m = new MetaMvcc();
  const dbBytes = readFileSync(new URL('db-82-tpcc.json', dir));
  m.put(hashKey('DBs', 'DB:82'), dbBytes, 1n, 2n);
  const files: [number, string][] = [
    [123, 'customer'],
    [125, 'district'],
    [139, 'warehouse'],
  ];
  for (const [id, name] of files) m.put(hashKey('DB:82', `Table:${id}`), readFileSync(new URL(`table-${id}-${name}.json`, dir)), 3n, 4n);
  const cat = Catalog.load(m.src);
  assert.deepEqual(cat.problems, []);
  assert.deepEqual(cat.tables(82).map((t) => t.name), ['customer', 'district', 'warehouse']);
  assert.deepEqual(Buffer.from(cat.table('tpcc', 'warehouse').json), readFileSync(new URL('table-139-warehouse.json', dir)));
});

// Real RocksDB 7.8.3 data directories (fixtures/tidb/*, fixtures/sample/node1, written by the
// fixture writer) with hand-written expected.json: the catalog must list exactly the expected
// databases and tables (truncated/dropped ids absent), through the real storage reader.
interface ExpectedFixture {
  schemaVersion: number;
  dbDir: string;
  databases: { id: number; name: string; system: boolean; tables: { id: number; name: string; physicalIds: number[] }[] }[];
  droppedTables: { id: number; dbId: number }[];
}

for (const fx of ['tidb/types', 'tidb/mvcc', 'sample/node1']) {
  test(`catalog of the RocksDB fixture ${fx} equals its expected.json`, async () => {
    const { RocksDb } = await import('../../src/rocksdb/db.js');
    const { createTableSql } = await import('../../src/tidb/create-table.js');
    const base = new URL(`../../fixtures/${fx}/`, import.meta.url);
    const exp = JSON.parse(readFileSync(new URL('expected.json', base), 'utf8')) as ExpectedFixture;
    const db = RocksDb.open(new URL(exp.dbDir, base).pathname);
    try {
      const cat = Catalog.load(db);
      assert.deepEqual(cat.problems, []);
      assert.equal(cat.schemaVersion, exp.schemaVersion);
      assert.deepEqual(
        cat.databases().map((d) => ({ id: d.id, name: d.name, system: d.system })),
        exp.databases.map((d) => ({ id: d.id, name: d.name, system: d.system })).sort((a, b) => a.id - b.id),
      );
      for (const d of exp.databases) {
        const got = cat.tables(d.id).filter((t) => t.kind === 'table');
        assert.deepEqual(
          got.map((t) => ({ id: t.id, name: t.name, physicalIds: t.physicalIds })),
          d.tables.map((t) => ({ id: t.id, name: t.name, physicalIds: t.physicalIds })).sort((a, b) => a.id - b.id),
          `${fx} db ${d.name}`,
        );
        for (const t of got) assert.ok(createTableSql(t.info).startsWith('CREATE TABLE '));
      }
      for (const dt of exp.droppedTables) assert.ok(!cat.tables(dt.dbId).some((t) => t.id === dt.id), `dropped ${dt.id} listed`);
    } finally {
      db.close();
    }
  });
}

test('a meta key whose write record does not parse is skipped and reported (corrupt-write), the rest still loads', () => {
  const m = scenario();
  m.put(hashKey('DB:10', 'Table:47'), simple(47, 'older'), 60n, 61n);
  // newer record of the same key: type 'X' (not a write type): the key is skipped, the older table is NOT used
  const zKey = (raw: number[]): number[] => [0x7a, ...mc(raw)];
  const notTs = (ts: bigint): number[] => Array.from({ length: 8 }, (_, i) => Number(((~ts & 0xffffffffffffffffn) >> BigInt(56 - 8 * i)) & 0xffn));
  m.src.put('write', Uint8Array.from([...zKey(hashKey('DB:10', 'Table:47')), ...notTs(71n)]), Uint8Array.of(0x58, 0x01));
  const cat = Catalog.load(m.src);
  assert.deepEqual(ids(cat.tables(10)), [40]);
  const bad = cat.problems.filter((p) => p.kind === 'corrupt-write');
  assert.equal(bad.length, 1);
  assert.equal(bad[0]!.dbId, 10);
  assert.match(bad[0]!.message, /commit_ts 71/);
  assert.equal(bad[0]!.keyHex, Buffer.from(hashKey('DB:10', 'Table:47')).toString('hex'));
});
