// Catalog schemaFallback (issue #8, --salvage): the newest TableInfo of a table does not parse,
// or its default-CF value is lost -> the previous committed version is used and reported;
// without the option the table is left out (as before). MVCC records encoded from the spec
// (support/catalog-mvcc.ts); expectations written by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Catalog } from '../../src/tidb/catalog.js';
import { TypeCode as T, Flag as F } from '../../src/tidb/table-info.js';
import { MetaMvcc, hashKey, stringKey } from './support/catalog-mvcc.js';
import { dbJson, tableJson } from './support/catalog-json.js';

const J = (o: unknown): string => JSON.stringify(o);
const cols = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ name: i === 0 ? 'id' : `c${i}`, tp: T.Long, flen: 11, flag: i === 0 ? F.NotNull | F.PriKey : 0 }));
const table = (id: number, name: string, ncols: number, pad = 0): string =>
  J({ ...tableJson({ id, name, pkIsHandle: true, cols: cols(ncols) }), comment: 'p'.repeat(pad) });

function scenario(): MetaMvcc {
  const m = new MetaMvcc();
  m.put(stringKey('SchemaVersionKey'), '7', 1n, 2n);
  m.put(hashKey('DBs', 'DB:1'), J(dbJson(1, 'test')), 3n, 4n);
  // t20: v1 (2 columns) at 11, v2 (3 columns) at 21 is broken JSON
  m.put(hashKey('DB:1', 'Table:20'), table(20, 't20', 2), 10n, 11n);
  m.put(hashKey('DB:1', 'Table:20'), '{"id":20,"name":{"O":"t2', 20n, 21n);
  // t30: v1 (> 255 bytes, default CF) at 31, v2 at 41 whose default-CF value is gone
  m.put(hashKey('DB:1', 'Table:30'), table(30, 't30', 2, 300), 30n, 31n);
  m.putMissingDefault(hashKey('DB:1', 'Table:30'), 40n, 41n);
  // t50: only version broken -> nothing to fall back to
  m.put(hashKey('DB:1', 'Table:50'), '{"id":50', 50n, 51n);
  return m;
}

test('without schemaFallback: broken or lost newest TableInfo -> table left out, problem reported', () => {
  const cat = Catalog.load(scenario().src);
  assert.deepEqual(cat.tables(1).map((t) => t.id), []);
  assert.equal(cat.problems.filter((p) => p.kind === 'schema-fallback').length, 0);
  assert.equal(cat.problems.filter((p) => p.kind === 'table-json').length, 2);
});

test('schemaFallback: the previous committed TableInfo is used and said so', () => {
  const cat = Catalog.load(scenario().src, { schemaFallback: true });
  const ts = cat.tables(1);
  assert.deepEqual(ts.map((t) => t.id), [20, 30]);
  const t20 = ts.find((t) => t.id === 20)!;
  assert.equal(t20.info.cols.length, 2);
  assert.equal(t20.commitTs, 11n);
  const t30 = ts.find((t) => t.id === 30)!;
  assert.equal(t30.commitTs, 31n);
  const fb = cat.problems.filter((p) => p.kind === 'schema-fallback');
  assert.equal(fb.length, 2);
  assert.ok(fb.some((p) => p.tableId === 20 && /commit_ts 11/.test(p.message)));
  assert.ok(fb.some((p) => /Table:30 committed at 41 is missing/.test(p.message) && /commit_ts 31/.test(p.message)));
  // t50 has no older version: still only a table-json problem
  assert.ok(cat.problems.some((p) => p.kind === 'table-json' && p.tableId === 50));
});
