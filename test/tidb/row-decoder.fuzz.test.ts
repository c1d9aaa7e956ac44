/**
 * Malformed input never escapes as anything but DataError: random and mutated row values and
 * keys, decoded under a table holding every column type.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DataError } from '../../src/errors.js';
import { intRecordKey, recordPrefix } from '../../src/tidb/record-key.js';
import { RowDecoder } from '../../src/tidb/row-decoder.js';
import { Flag, TypeCode, type ColumnInfo, type TableInfo } from '../../src/tidb/table-info.js';
import { cmpFloat, concat, decimalBin, jsonBinary, narrowInt, narrowUint, obj, packTime, rowV2 } from './support/codec-encoders.js';
import { utf8 } from './support/codec-vectors.js';
import { col, table as tableOf } from './support/table-builders.js';

const types: [number, Partial<ColumnInfo['type']>][] = [
  [TypeCode.Longlong, { Flag: Flag.PriKey | Flag.NotNull }],
  [TypeCode.Long, {}],
  [TypeCode.Longlong, { Flag: Flag.Unsigned }],
  [TypeCode.Float, {}],
  [TypeCode.Double, {}],
  [TypeCode.NewDecimal, { Flen: 10, Decimal: 2 }],
  [TypeCode.Datetime, { Decimal: 3 }],
  [TypeCode.Timestamp, { Decimal: 0 }],
  [TypeCode.Date, {}],
  [TypeCode.Duration, { Decimal: 2 }],
  [TypeCode.Year, {}],
  [TypeCode.Varchar, {}],
  [TypeCode.Blob, { Charset: 'binary' }],
  [TypeCode.Enum, { Elems: ['a', 'b'] }],
  [TypeCode.Set, { Elems: ['a', 'b', 'c'] }],
  [TypeCode.Bit, { Flen: 12 }],
  [TypeCode.JSON, {}],
  [TypeCode.TiDBVectorFloat32, {}],
];
const cols: ColumnInfo[] = types.map(([Tp, ft], i) => col(i + 1, `c${i + 1}`, Tp, { ft }));
const table: TableInfo = tableOf(60, cols, { name: { O: 'all', L: 'all' }, pk_is_handle: true });
const good = rowV2([
  [2, narrowInt(-7n)],
  [3, narrowUint(1n << 63n)],
  [4, cmpFloat(0.5)],
  [5, cmpFloat(-1e20)],
  [6, concat([10, 2], decimalBin('-12.34', 10, 2))],
  [7, narrowUint(packTime(2020, 1, 2, 3, 4, 5, 600000))],
  [8, narrowUint(packTime(2020, 1, 2, 3, 4, 5, 0))],
  [9, narrowUint(packTime(2020, 1, 2, 0, 0, 0, 0))],
  [10, narrowInt(-1_500_000_000n)],
  [11, narrowInt(2024n)],
  [12, utf8('héllo')],
  [13, Uint8Array.of(0, 255)],
  [14, Uint8Array.of(2)],
  [15, Uint8Array.of(5)],
  [16, narrowUint(0xabcn)],
  [17, jsonBinary(obj({ k: [1.5, 'x', null] }))],
  [18, Uint8Array.of(1, 0, 0, 0, 0, 0, 0x80, 0x3f)],
]);

function decodeOrDataError(d: RowDecoder, key: Uint8Array, value: Uint8Array): void {
  try {
    const row = d.decode(key, value);
    assert.equal(row.length, d.columns.length);
  } catch (e) {
    if (!(e instanceof DataError)) throw e;
  }
}

describe('RowDecoder fuzz', () => {
  const d = new RowDecoder(table, { timeZone: 'Asia/Tokyo' });
  it('the unmutated row decodes (hand-checked cells)', () => {
    const row = d.decode(intRecordKey(60, 9n), good).map((c) => (c === null ? null : Buffer.from(c).toString('hex')));
    const t = (s: string) => Buffer.from(s).toString('hex');
    assert.deepEqual(row, [
      t('9'), t('-7'), t('9223372036854775808'), t('0.5'), t('-1e20'), t('-12.34'), t('2020-01-02 03:04:05.600'),
      t('2020-01-02 12:04:05'), t('2020-01-02'), t('-00:00:01.50'), t('2024'), t('héllo'), '00ff', t('b'), t('a,c'), '0abc',
      t('{"k": [1.5, "x", null]}'), t('[1]'),
    ]);
  });
  it('random values: decoded or DataError, nothing else', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (v) => decodeOrDataError(d, intRecordKey(60, 1n), concat([0x80], v))), { numRuns: 300 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (v) => decodeOrDataError(d, intRecordKey(60, 1n), v)), { numRuns: 300 });
  });
  it('single-byte mutations and truncations of a valid row: decoded or DataError', () => {
    fc.assert(
      fc.property(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 }), fc.nat(good.length), (pos, byte, cut) => {
        const m = good.slice();
        m[pos] = byte;
        decodeOrDataError(d, intRecordKey(60, 1n), m);
        decodeOrDataError(d, intRecordKey(60, 1n), good.subarray(0, cut));
      }),
      { numRuns: 400 },
    );
  });
  it('random keys: decoded or DataError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 30 }), (k) => decodeOrDataError(d, concat(recordPrefix(60), k), good)), { numRuns: 200 });
  });
});
