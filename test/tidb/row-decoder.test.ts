import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DataError } from '../../src/errors.js';
import { intRecordKey, recordPrefix } from '../../src/tidb/record-key.js';
import { RowDecoder } from '../../src/tidb/row-decoder.js';
import { Flag, TypeCode, type TableInfo } from '../../src/tidb/table-info.js';
import { cmpInt, concat, decimalBin, narrowInt, narrowUint, packTime, rowV2 } from './support/codec-encoders.js';
import { col, primary, table } from './support/table-builders.js';
import { fromHex, toHex, utf8 } from './support/codec-vectors.js';


const cells = (row: (Uint8Array | null)[]) => row.map((c) => (c === null ? null : Buffer.from(c).toString('latin1')));

describe('RowDecoder: PK is handle', () => {
  const signed = table(10, [
    col(1, 'id', TypeCode.Longlong, { ft: { Flag: Flag.PriKey | Flag.NotNull } }),
    col(2, 'name', TypeCode.Varchar),
  ], { pk_is_handle: true });
  it('a negative signed handle becomes the PK column; the value holds the rest', () => {
    const d = new RowDecoder(signed);
    assert.deepEqual(d.columns.map((c) => [c.name, c.kind]), [['id', 'number'], ['name', 'string']]);
    assert.deepEqual(cells(d.decode(intRecordKey(10, -5n), rowV2([[2, utf8('abc')]]))), ['-5', 'abc']);
    assert.deepEqual(cells(d.decode(intRecordKey(10, (1n << 63n) - 1n), rowV2([[2, null]]))), ['9223372036854775807', null]);
  });
  it('an UNSIGNED BIGINT handle >= 2^63 is reinterpreted from its int64 bits', () => {
    const t = table(11, [col(1, 'id', TypeCode.Longlong, { ft: { Flag: Flag.PriKey | Flag.NotNull | Flag.Unsigned } }), col(2, 'v', TypeCode.Long)], {
      pk_is_handle: true,
    });
    const d = new RowDecoder(t);
    assert.deepEqual(cells(d.decode(intRecordKey(11, -(1n << 63n)), rowV2([[2, narrowInt(1n)]]))), ['9223372036854775808', '1']);
    assert.deepEqual(cells(d.decode(intRecordKey(11, -1n), rowV2([[2, narrowInt(2n)]]))), ['18446744073709551615', '2']);
  });
  it('a common handle on an int-handle table is a data error', () => {
    const d = new RowDecoder(signed);
    assert.throws(() => d.decode(concat(recordPrefix(10), [3], cmpInt(1n)), rowV2([])), DataError);
  });
});

describe('RowDecoder: clustered common handle', () => {
  // PRIMARY KEY (a, b): a VARCHAR stored in the value (new-collation restored data), b BIGINT only in the key.
  const t = table(5, [
    col(1, 'a', TypeCode.Varchar, { ft: { Flag: Flag.PriKey | Flag.NotNull, Collate: 'utf8mb4_general_ci' } }),
    col(2, 'b', TypeCode.Longlong, { ft: { Flag: Flag.PriKey | Flag.NotNull } }),
    col(3, 'c', TypeCode.Varchar),
  ], { is_common_handle: true, index_info: [primary([['a', -1], ['b', -1]])] });
  const key = fromHex('7480000000000000055f72016162630000000000fa038000000000000007'); // spec vector (derived)
  it('prefers the value for a PK column stored there, takes the other from the key datums', () => {
    const d = new RowDecoder(t);
    assert.deepEqual(cells(d.decode(key, rowV2([[1, utf8('AbC')], [3, utf8('x')]]))), ['AbC', '7', 'x']);
  });
  it('decodes every PK column from the key when the value has none (binary collation)', () => {
    const tb = table(5, [
      col(1, 'a', TypeCode.Varchar, { ft: { Flag: Flag.PriKey | Flag.NotNull | Flag.Binary, Charset: 'binary', Collate: 'binary' } }),
      col(2, 'b', TypeCode.Longlong, { ft: { Flag: Flag.PriKey | Flag.NotNull } }),
      col(3, 'c', TypeCode.Varchar),
    ], { is_common_handle: true, index_info: [primary([['a', -1], ['b', -1]])] });
    assert.deepEqual(cells(new RowDecoder(tb).decode(key, rowV2([[3, null]]))), ['abc', '7', null]);
  });
  it('a non-binary-collation string PK column missing from the value is a DataError, never its sort key', () => {
    // utf8mb4_general_ci: the key datum "abc" is the sort key of 'AbC', 'abc', 'ABC', ...
    assert.throws(
      () => new RowDecoder(t).decode(key, rowV2([[3, null]])),
      (e: unknown) => e instanceof DataError && /column a \(id 1\)/.test(e.message) && /utf8mb4_general_ci/.test(e.message) && /sort key/.test(e.message),
    );
    // CHAR utf8mb4_unicode_ci and VARCHAR utf8mb4_bin (PAD SPACE: trailing spaces dropped) are sort keys too
    for (const [tp, collate] of [[TypeCode.String, 'utf8mb4_unicode_ci'], [TypeCode.Varchar, 'utf8mb4_bin'], [TypeCode.Varchar, 'utf8_general_ci']] as const) {
      const tc = table(5, [
        col(1, 'a', tp, { ft: { Flag: Flag.PriKey | Flag.NotNull, Collate: collate } }),
        col(2, 'b', TypeCode.Longlong, { ft: { Flag: Flag.PriKey | Flag.NotNull } }),
        col(3, 'c', TypeCode.Varchar),
      ], { is_common_handle: true, index_info: [primary([['a', -1], ['b', -1]])] });
      assert.throws(() => new RowDecoder(tc).decode(key, rowV2([[3, null]])), DataError, `${tp} ${collate}`);
      // stored in the value: fine
      assert.deepEqual(cells(new RowDecoder(tc).decode(key, rowV2([[1, utf8('AbC ')], [3, null]]))), ['AbC ', '7', null]);
    }
  });
  it('CHAR utf8mb4_bin and utf8mb4_0900_bin hold the text in the key (no restored data): decoded from the key', () => {
    for (const [tp, collate] of [[TypeCode.String, 'utf8mb4_bin'], [TypeCode.Varchar, 'utf8mb4_0900_bin']] as const) {
      const tc = table(5, [
        col(1, 'a', tp, { ft: { Flag: Flag.PriKey | Flag.NotNull, Collate: collate } }),
        col(2, 'b', TypeCode.Longlong, { ft: { Flag: Flag.PriKey | Flag.NotNull } }),
        col(3, 'c', TypeCode.Varchar),
      ], { is_common_handle: true, index_info: [primary([['a', -1], ['b', -1]])] });
      assert.deepEqual(cells(new RowDecoder(tc).decode(key, rowV2([[3, null]]))), ['abc', '7', null], `${tp} ${collate}`);
    }
  });
  it('newCollation: false (known off) decodes a general_ci PK column from the key (raw text there)', () => {
    assert.deepEqual(cells(new RowDecoder(t, { newCollation: false }).decode(key, rowV2([[3, null]]))), ['abc', '7', null]);
  });
  it('a prefix PK column missing from the value cannot come from the key', () => {
    const tp = table(5, [...t.cols.map((c) => ({ ...c }))], { is_common_handle: true, index_info: [primary([['a', 2], ['b', -1]])] });
    assert.throws(() => new RowDecoder(tp).decode(key, rowV2([[3, null]])), DataError);
  });
  it('a handle with the wrong number of datums, or an int handle, is a data error', () => {
    const d = new RowDecoder(t);
    assert.throws(() => d.decode(concat(recordPrefix(5), [3], cmpInt(1n)), rowV2([[3, null]])), DataError);
    assert.throws(() => d.decode(intRecordKey(5, 1n), rowV2([[3, null]])), DataError);
  });
});

describe('RowDecoder: schema evolution and column visibility', () => {
  const t = table(20, [
    col(1, 'id', TypeCode.Long, { ft: { Flag: Flag.PriKey | Flag.NotNull } }),
    col(2, 'added', TypeCode.NewDecimal, { origin_default: '1.5', default: '9.99', ft: { Flen: 10, Decimal: 2 } }),
    col(3, 'hid', TypeCode.Long, { hidden: true }),
    col(4, 'wip', TypeCode.Long, { state: 4 }),
    col(5, '_Col$_added_0', TypeCode.Long, { state: 2 }),
    col(6, 'vgen', TypeCode.Long, { generated_expr_string: '`id` + 1', generated_stored: false }),
    col(7, 'sgen', TypeCode.Long, { generated_expr_string: '`id` * 2', generated_stored: true }),
    col(8, 'nul', TypeCode.Varchar),
    col(9, 'bits', TypeCode.Bit, { ft: { Flen: 12 }, origin_default: '\n¼', origin_default_bit: Buffer.from([0x0a, 0xbc]).toString('base64') }),
  ], { pk_is_handle: true });
  const d = new RowDecoder(t);
  it('emits public, non-hidden, non-temporary columns; virtual generated omitted, stored kept', () => {
    assert.deepEqual(d.columns.map((c) => c.name), ['id', 'added', 'sgen', 'nul', 'bits']);
    assert.deepEqual(d.columns.map((c) => c.kind), ['number', 'number', 'number', 'string', 'bytes']);
  });
  it('a column added later takes origin_default (not default); dropped column ids are ignored', () => {
    const v = rowV2([[7, narrowInt(6n)], [99, utf8('dropped')], [3, narrowInt(1n)]]);
    const row = d.decode(intRecordKey(20, 3n), v);
    assert.deepEqual(cells(row.slice(0, 4)), ['3', '1.50', '6', null]);
    assert.equal(toHex(row[4]!), '0abc');
  });
  it('a stored value wins over the origin default', () => {
    const v = rowV2([[2, concat([10, 2], decimalBin('7.25', 10, 2))], [7, narrowInt(6n)], [9, narrowUint(1n)]]);
    const row = d.decode(intRecordKey(20, 3n), v);
    assert.deepEqual(cells(row.slice(0, 4)), ['3', '7.25', '6', null]);
    assert.equal(toHex(row[4]!), '0001');
  });
  it('an empty value or a single 00 byte means "no stored columns"', () => {
    for (const v of [new Uint8Array(0), Uint8Array.of(0)]) {
      const row = d.decode(intRecordKey(20, 1n), v);
      assert.deepEqual(cells(row.slice(0, 4)), ['1', '1.50', null, null]);
    }
  });
  it('a NOT NULL column that is missing with no origin default is corruption', () => {
    const t2 = table(21, [col(1, 'id', TypeCode.Long, { ft: { Flag: Flag.PriKey | Flag.NotNull } }), col(2, 'must', TypeCode.Long, { ft: { Flag: Flag.NotNull } })], { pk_is_handle: true });
    assert.throws(() => new RowDecoder(t2).decode(intRecordKey(21, 1n), rowV2([])), DataError);
  });
});

describe('RowDecoder: row v1, _tidb_rowid, time zone', () => {
  it('decodes a row v1 value (spec vector, derived) and never outputs _tidb_rowid', () => {
    const t = table(30, [col(1, 'a', TypeCode.Long), col(2, 'b', TypeCode.Long), col(3, 'c', TypeCode.Long), col(4, 'd', TypeCode.Long)]);
    const d = new RowDecoder(t);
    assert.equal(d.columns.length, 4);
    assert.deepEqual(cells(d.decode(intRecordKey(30, 77n), fromHex('080208020804080408060806080800'))), ['1', '2', '3', null]);
  });
  it('row v1 flattened DATETIME/TIMESTAMP/ENUM values unflatten by column type', () => {
    const t = table(31, [
      col(1, 'dt', TypeCode.Datetime, { ft: { Decimal: 0 } }),
      col(2, 'ts', TypeCode.Timestamp, { ft: { Decimal: 0 } }),
      col(3, 'e', TypeCode.Enum, { ft: { Elems: ['y', 'n'] } }),
    ]);
    const p = packTime(2020, 2, 29, 23, 30, 0, 0);
    const uv = (n: bigint) => {
      const out: number[] = [];
      let x = n;
      while (x >= 128n) {
        out.push(Number(x & 127n) | 128);
        x >>= 7n;
      }
      out.push(Number(x));
      return out;
    };
    const v = concat([8, 2, 9], uv(p), [8, 4, 9], uv(p), [8, 6, 9, 2]);
    const d = new RowDecoder(t, { timeZone: '+08:00' });
    assert.deepEqual(cells(d.decode(intRecordKey(31, 1n), v)), ['2020-02-29 23:30:00', '2020-03-01 07:30:00', 'n']);
  });
});

describe('RowDecoder: bad values', () => {
  const t = table(40, [col(1, 'id', TypeCode.Long, { ft: { Flag: Flag.PriKey | Flag.NotNull } }), col(2, 'v', TypeCode.Long)], { pk_is_handle: true });
  const d = new RowDecoder(t);
  const key = intRecordKey(40, 1n);
  const bad: [string, Uint8Array][] = [
    ['truncated row v2', fromHex('8000010000000102')],
    ['3-byte int in row v2', rowV2([[2, Uint8Array.of(1, 2, 3)]])],
    ['row v1 with a bad datum flag', fromHex('08040b')],
  ];
  for (const [name, v] of bad) {
    it(`${name} -> DataError with key and value hex`, () => {
      try {
        d.decode(key, v);
        assert.fail('expected a DataError');
      } catch (e) {
        assert.ok(e instanceof DataError, String(e));
        assert.equal(e.keyHex, toHex(key));
        assert.equal(e.valueHex, toHex(v));
      }
    });
  }
  it('a key that is not a record key is a data error', () => assert.throws(() => d.decode(fromHex('6d00'), rowV2([])), DataError));
});

describe('RowDecoder on a real TiDB 7.1 schema (tpcc.order_line, _tidb_rowid handle)', () => {
  const path = fileURLToPath(new URL('../../fixtures/realdata/tableinfo/tidb-7.1-tpcc-backupmeta/table-133-order_line.json', import.meta.url));
  const info = JSON.parse(readFileSync(path, 'utf8')) as TableInfo;
  it('decodes a row v2 value; cells written by hand', () => {
    const d = new RowDecoder(info);
    assert.deepEqual(d.columns.map((c) => c.name), ['ol_o_id', 'ol_d_id', 'ol_w_id', 'ol_number', 'ol_i_id', 'ol_supply_w_id', 'ol_delivery_d', 'ol_quantity', 'ol_amount', 'ol_dist_info']);
    const v = rowV2([
      [1, narrowInt(3001n)],
      [2, narrowInt(10n)],
      [3, narrowInt(1n)],
      [4, narrowInt(5n)],
      [5, narrowInt(64321n)],
      [6, narrowInt(1n)],
      [7, null],
      [8, narrowInt(5n)],
      [9, concat([6, 2], decimalBin('1234.56', 6, 2))],
      [10, utf8('abcdefghijklmnopqrstuvwx')],
    ]);
    assert.deepEqual(cells(d.decode(intRecordKey(133, 42n), v)), ['3001', '10', '1', '5', '64321', '1', null, '5', '1234.56', 'abcdefghijklmnopqrstuvwx']);
  });
});

describe('RowDecoder: cells are owned copies', () => {
  it('overwriting the value buffer after decode does not change string cells', () => {
    const t = table(50, [col(1, 'id', TypeCode.Long, { ft: { Flag: Flag.PriKey | Flag.NotNull } }), col(2, 's', TypeCode.Varchar)], { pk_is_handle: true });
    const v = rowV2([[2, utf8('abc')]]);
    const row = new RowDecoder(t).decode(intRecordKey(50, 1n), v);
    v.fill(0x7a);
    assert.deepEqual(cells(row), ['1', 'abc']);
  });
});
