// Schema JSON parsing: every real TableInfo/DBInfo under fixtures/realdata/tableinfo/ (TiDB 7.1
// bytes), plus hand-written JSON for the tolerance and rejection rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { isSequence, isView, parseDbInfo, parseTableInfo, physicalTableIds, rawJsonOf } from '../../src/tidb/table-info-parse.js';
import { DataError } from '../../src/errors.js';
import { tableJson } from './support/catalog-json.js';
import { TypeCode as T } from '../../src/tidb/table-info.js';

const root = new URL('../../fixtures/realdata/tableinfo/', import.meta.url);

test('every real TableInfo and DBInfo parses; raw bytes kept', () => {
  let tables = 0;
  let dbs = 0;
  for (const dir of readdirSync(root, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const f of readdirSync(new URL(`${dir.name}/`, root))) {
      const bytes = readFileSync(new URL(`${dir.name}/${f}`, root));
      const m = /^(table|db)-(\d+)-(.+)\.json$/.exec(f);
      assert.ok(m, f);
      if (m[1] === 'table') {
        const t = parseTableInfo(bytes);
        assert.equal(t.id, Number(m[2]), f);
        assert.equal(t.name.O, m[3], f);
        assert.equal(t.state, 5);
        assert.deepEqual(rawJsonOf(t), new Uint8Array(bytes));
        tables++;
      } else {
        const d = parseDbInfo(bytes);
        assert.equal(d.id, Number(m[2]));
        assert.equal(d.db_name.O, m[3]);
        assert.deepEqual(rawJsonOf(d), new Uint8Array(bytes));
        dbs++;
      }
    }
  }
  assert.equal(tables, 11);
  assert.equal(dbs, 2);
});

test('TPC-C values as stored (warehouse, customer)', () => {
  const w = parseTableInfo(readFileSync(new URL('tidb-7.1-tpcc-backupmeta/table-139-warehouse.json', root)));
  assert.equal(w.pk_is_handle, true);
  assert.equal(w.cols.length, 9);
  const tax = w.cols[7]!;
  assert.deepEqual([tax.name.O, tax.id, tax.type.Tp, tax.type.Flen, tax.type.Decimal], ['w_tax', 8, 246, 4, 4]);
  assert.deepEqual(w.index_info, []);
  assert.equal(w.partition, null);
  assert.equal(w['max_col_id'], 9); // unknown-to-the-contract fields are kept
  const c = parseTableInfo(readFileSync(new URL('tidb-7.1-tpcc-backupmeta/table-123-customer.json', root)).toString('utf8'));
  assert.deepEqual(
    c.index_info?.map((i) => [i.idx_name.O, i.is_primary, i.idx_cols.map((x) => x.offset)]),
    [
      ['PRIMARY', true, [2, 1, 0]],
      ['idx_customer', false, [2, 1, 5, 3]],
    ],
  );
  assert.deepEqual(physicalTableIds(c), [123]);
  assert.equal(isView(c) || isSequence(c), false);
});

test('tolerates Flen -1, null index_info, missing optional and unknown fields, CIStr without L', () => {
  const t = parseTableInfo(
    J({
      id: 5,
      name: { O: 'MiXed' },
      state: 5,
      cols: [{ id: 1, name: { O: 'j', L: 'j' }, offset: 0, state: 5, type: { Tp: T.JSON, Flag: 128, Flen: -1, Decimal: -1, Charset: 'binary', Collate: 'binary', Elems: null } }],
      index_info: null,
      partition: null,
      some_future_field: { nested: [1, 2] },
    }),
  );
  assert.equal(t.name.L, 'mixed');
  assert.equal(t.cols[0]!.type.Flen, -1);
  assert.deepEqual(t.index_info, []);
  assert.equal(t.charset, '');
  assert.equal(t.comment, '');
  assert.equal(t.pk_is_handle, false);
  assert.equal(t.cols[0]!.hidden, false);
  assert.equal(t.cols[0]!.origin_default, null);
  assert.deepEqual(t['some_future_field'], { nested: [1, 2] });
  // FieldType without Flen/Decimal: unspecified
  const u = parseTableInfo(J({ id: 6, name: { O: 'u', L: 'u' }, state: 5, cols: [{ id: 1, name: { O: 'a', L: 'a' }, offset: 0, state: 5, type: { Tp: 3 } }] }));
  assert.deepEqual([u.cols[0]!.type.Flen, u.cols[0]!.type.Decimal, u.cols[0]!.type.Flag, u.cols[0]!.type.Elems], [-1, -1, 0, null]);
});

const J = (o: unknown): string => JSON.stringify(o);
const base = (): Record<string, unknown> => tableJson({ id: 7, name: 't', cols: [{ name: 'a', tp: T.Long, flen: 11 }], indexes: [{ name: 'k', cols: [['a', -1]] }] });

function rejects(mut: (o: Record<string, unknown>) => void, pattern: RegExp): void {
  const o = base();
  mut(o);
  assert.throws(() => parseTableInfo(J(o), 'TableInfo DB:1/Table:7'), (e: unknown) => e instanceof DataError && pattern.test(e.message), pattern.source);
}

test('rejects what the reader relies on, naming the JSON path', () => {
  rejects((o) => delete o['id'], /TableInfo DB:1\/Table:7: id: expected an integer, found nothing/);
  rejects((o) => (o['id'] = '7'), /id: expected an integer, found "7"/);
  rejects((o) => (o['name'] = 'x'), /name: expected a \{"O","L"\} name/);
  rejects((o) => (o['cols'] = null), /cols: expected an array/);
  rejects((o) => ((o['cols'] as { type: Record<string, unknown> }[])[0]!.type['Tp'] = 'int'), /cols\[0\]\.type\.Tp: expected an integer/);
  rejects((o) => ((o['cols'] as { id: unknown }[])[0]!.id = 1.5), /cols\[0\]\.id: expected an integer, found 1\.5/);
  rejects((o) => ((o['index_info'] as { idx_cols: { offset: number }[] }[])[0]!.idx_cols[0]!.offset = 3), /index_info\[0\]\.idx_cols\[0\]\.offset: expected 0\.\.0, found 3/);
  rejects((o) => (o['partition'] = { type: 1, definitions: [{ id: 'x', name: { O: 'p', L: 'p' } }] }), /partition\.definitions\[0\]\.id: expected an integer/);
  rejects((o) => delete o['state'], /state: expected an integer/);
});

test('ids beyond 2^53 are rejected explicitly, not rounded', () => {
  const text = J(base()).replace('"id":7,', '"id":9007199254740993,');
  assert.ok(text.includes('9007199254740993'));
  assert.throws(() => parseTableInfo(text), (e: unknown) => e instanceof DataError && /id: expected an integer within ±\(2\^53-1\)/.test(e.message));
  const ok = parseTableInfo(J(base()).replace('"id":7,', '"id":9007199254740991,'));
  assert.equal(ok.id, Number.MAX_SAFE_INTEGER);
});

test('not JSON, not an object, not UTF-8', () => {
  assert.throws(() => parseTableInfo('{"id":1,'), (e: unknown) => e instanceof DataError && /not JSON/.test(e.message));
  assert.throws(() => parseTableInfo('[1]'), (e: unknown) => e instanceof DataError && /expected a JSON object, found an array/.test(e.message));
  assert.throws(() => parseTableInfo(Uint8Array.of(0x7b, 0xff, 0x7d)), (e: unknown) => e instanceof DataError && /UTF-8/.test(e.message));
  // legacy hash-meta value (u64BE count) is not a DBInfo
  assert.throws(() => parseDbInfo(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 9)), DataError);
});

test('DBInfo: required id/db_name/state, optional charset/collate', () => {
  const d = parseDbInfo(J({ id: 2, db_name: { O: 'Test', L: 'test' }, state: 5 }));
  assert.deepEqual([d.id, d.db_name.L, d.charset, d.collate], [2, 'test', '', '']);
  assert.throws(() => parseDbInfo(J({ id: 2, state: 5 })), (e: unknown) => e instanceof DataError && /db_name/.test(e.message));
  assert.throws(() => parseDbInfo(J({ id: 2, db_name: { O: 'a', L: 'a' } })), (e: unknown) => e instanceof DataError && /state/.test(e.message));
});

test('views, sequences and partition physical ids', () => {
  const v = parseTableInfo(J(tableJson({ id: 8, name: 'v', cols: [], view: { view_select: 'SELECT 1' } })));
  assert.equal(isView(v), true);
  const s = parseTableInfo(J(tableJson({ id: 9, name: 's', cols: [], sequence: { start: 1 } })));
  assert.equal(isSequence(s), true);
  const p = parseTableInfo(
    J(
      tableJson({
        id: 10,
        name: 'p',
        cols: [{ name: 'a', tp: T.Long, flen: 11 }],
        partition: { type: 3, expr: '`a`', columns: null, enable: true, definitions: [12, 11, 13].map((id) => ({ id, name: { O: `p${id}`, L: `p${id}` }, in_values: [[`${id}`]] })) },
      }),
    ),
  );
  assert.deepEqual(physicalTableIds(p), [12, 11, 13]);
  assert.deepEqual(p.partition?.definitions[0]?.in_values, [['12']]);
});

test('raw JSON is an owned copy even when the input is a (reused) Buffer', () => {
  const buf = Buffer.from(J({ id: 2, db_name: { O: 'a', L: 'a' }, state: 5 }));
  const d = parseDbInfo(buf);
  const before = Buffer.from(rawJsonOf(d)!).toString();
  buf.fill(0x20);
  assert.equal(Buffer.from(rawJsonOf(d)!).toString(), before);
  assert.equal(Object.getPrototypeOf(rawJsonOf(d)), Uint8Array.prototype);
});
