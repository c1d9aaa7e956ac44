import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError } from '../../src/errors.js';
import { bitBytes, cellKind, renderDatum, renderDefault, renderV2 } from '../../src/tidb/render.js';
import { Flag, TypeCode, type FieldType } from '../../src/tidb/table-info.js';
import { parseTimeZone } from '../../src/tidb/time-zone.js';
import { cmpFloat, concat, decimalBin, jsonBinary, narrowInt, narrowUint, obj, packTime } from './support/codec-encoders.js';
import { fromHex, label, toHex, vectorsMatching } from './support/codec-vectors.js';

const UTC = parseTimeZone('UTC');
const ft = (Tp: number, over: Partial<FieldType> = {}): FieldType => ({
  Tp,
  Flag: 0,
  Flen: -1,
  Decimal: -1,
  Charset: 'utf8mb4',
  Collate: 'utf8mb4_bin',
  Elems: null,
  ...over,
});
const s = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString('latin1'));
const v2 = (f: FieldType, b: Uint8Array, tz = UTC) => s(renderV2(f, b, tz));

describe('integers', () => {
  it('signed and unsigned by flag', () => {
    assert.equal(v2(ft(TypeCode.Tiny), narrowInt(-128n)), '-128');
    assert.equal(v2(ft(TypeCode.Longlong), narrowInt(-(1n << 63n))), '-9223372036854775808');
    assert.equal(v2(ft(TypeCode.Longlong, { Flag: Flag.Unsigned }), narrowUint((1n << 64n) - 1n)), '18446744073709551615');
    assert.equal(v2(ft(TypeCode.Tiny, { Flag: Flag.Unsigned }), Uint8Array.of(0xff)), '255');
    assert.equal(v2(ft(TypeCode.Long), Uint8Array.of(0xff)), '-1');
  });
  it('YEAR: 4 digits, 0 -> 0000', () => {
    const [y] = vectorsMatching(/^YEAR 1999 stored as int/);
    assert.equal(v2(ft(TypeCode.Year), fromHex(y!.hex)), '1999', label(y!));
    assert.equal(v2(ft(TypeCode.Year), Uint8Array.of(0)), '0000');
    assert.equal(s(renderDatum(ft(TypeCode.Year), { kind: 'int', value: 2155n }, UTC)), '2155');
  });
  it('rejects a 3-byte int', () => assert.throws(() => renderV2(ft(TypeCode.Long), Uint8Array.of(1, 2, 3), UTC), DataError));
});

describe('FLOAT / DOUBLE', () => {
  it('FLOAT 0.1 -> "0.1" (float32), DOUBLE 0.1 -> "0.1", DOUBLE 1e15 -> "1e15"', () => {
    assert.equal(v2(ft(TypeCode.Float), cmpFloat(Math.fround(0.1))), '0.1');
    assert.equal(v2(ft(TypeCode.Double), cmpFloat(0.1)), '0.1');
    assert.equal(v2(ft(TypeCode.Double), cmpFloat(1e15)), '1e15');
    assert.equal(v2(ft(TypeCode.Double), cmpFloat(-1)), '-1');
  });
  it('comparable float vector 3.15 renders as DOUBLE 3.15', () => {
    const [v] = vectorsMatching(/^comparable float64 3\.15/);
    assert.equal(v2(ft(TypeCode.Double), fromHex(v!.hex)), '3.15');
  });
  it('rejects a 4-byte float value', () => assert.throws(() => renderV2(ft(TypeCode.Float), new Uint8Array(4), UTC), DataError));
});

describe('DECIMAL', () => {
  const dec = (p: number, f: number, t: string) => concat([p, f], decimalBin(t, p, f));
  it('DECIMAL(10,2) 1.50 -> "1.50"; the column scale rounds a wider stored frac half-up', () => {
    assert.equal(v2(ft(TypeCode.NewDecimal, { Flen: 10, Decimal: 2 }), dec(10, 2, '1.5')), '1.50');
    assert.equal(v2(ft(TypeCode.NewDecimal, { Flen: 10, Decimal: 2 }), dec(10, 4, '1.2350')), '1.24');
    assert.equal(v2(ft(TypeCode.NewDecimal, { Flen: 10, Decimal: 0 }), dec(10, 1, '-7.5')), '-8');
    assert.equal(v2(ft(TypeCode.NewDecimal, { Flen: 14, Decimal: 4 }), fromHex('0e04810dfb38d204d2')), '1234567890.1234');
  });
  it('rejects trailing bytes after the decimal', () =>
    assert.throws(() => renderV2(ft(TypeCode.NewDecimal, { Decimal: 2 }), concat(dec(10, 2, '1'), [0]), UTC), DataError));
});

describe('date and time', () => {
  const packed = packTime(2011, 11, 10, 11, 11, 11, 999999);
  it('DATETIME(6), DATETIME(3), DATETIME(0), DATE', () => {
    assert.equal(v2(ft(TypeCode.Datetime, { Decimal: 6 }), narrowUint(packed)), '2011-11-10 11:11:11.999999');
    assert.equal(v2(ft(TypeCode.Datetime, { Decimal: 3 }), narrowUint(packed)), '2011-11-10 11:11:11.999');
    assert.equal(v2(ft(TypeCode.Datetime, { Decimal: 0 }), narrowUint(packed)), '2011-11-10 11:11:11');
    assert.equal(v2(ft(TypeCode.Date), narrowUint(packTime(2011, 11, 10, 0, 0, 0, 0))), '2011-11-10');
    assert.equal(v2(ft(TypeCode.Datetime, { Decimal: 0 }), Uint8Array.of(0)), '0000-00-00 00:00:00');
  });
  it('TIMESTAMP is stored in UTC and converted to the chosen zone', () => {
    const [v] = vectorsMatching(/^TIMESTAMP\(6\) '2011-11-10 11:11:11.999999' \(UTC\)/);
    const f = ft(TypeCode.Timestamp, { Decimal: 6 });
    assert.equal(v2(f, fromHex(v!.hex)), '2011-11-10 11:11:11.999999', label(v!));
    assert.equal(v2(f, fromHex(v!.hex), parseTimeZone('+08:00')), '2011-11-10 19:11:11.999999');
    assert.equal(v2(f, Uint8Array.of(0), parseTimeZone('+08:00')), '0000-00-00 00:00:00.000000');
  });
  it('TIME(3) -838:59:59.000 and > 24h', () => {
    const ns = -((838n * 3600n + 59n * 60n + 59n) * 1_000_000_000n);
    assert.equal(v2(ft(TypeCode.Duration, { Decimal: 3 }), narrowInt(ns)), '-838:59:59.000');
    assert.equal(v2(ft(TypeCode.Duration, { Decimal: 0 }), narrowInt(100n * 3600n * 1_000_000_000n)), '100:00:00');
  });
  it('row v1 flattened values unflatten the same way', () => {
    assert.equal(s(renderDatum(ft(TypeCode.Datetime, { Decimal: 6 }), { kind: 'uint', value: packed }, UTC)), '2011-11-10 11:11:11.999999');
    assert.equal(s(renderDatum(ft(TypeCode.Duration, { Decimal: 1 }), { kind: 'int', value: 1_500_000_000n }, UTC)), '00:00:01.5');
    assert.equal(s(renderDatum(ft(TypeCode.Duration, { Decimal: 0 }), { kind: 'duration', value: 1_000_000_000n }, UTC)), '00:00:01');
  });
});

describe('strings and binary', () => {
  it('CHAR/VARCHAR/TEXT bytes pass through untouched, even when not UTF-8', () => {
    const bad = Uint8Array.of(0xff, 0xfe, 0x00, 0x5c, 0x22, 0x0a, 0xc3);
    for (const tp of [TypeCode.Varchar, TypeCode.String, TypeCode.Blob, TypeCode.LongBlob]) {
      const out = renderV2(ft(tp), bad, UTC);
      assert.equal(toHex(out), toHex(bad));
    }
    assert.equal(toHex(renderDatum(ft(TypeCode.Varchar), { kind: 'bytes', value: bad }, UTC)!), toHex(bad));
  });
  it('BINARY/VARBINARY/BLOB are raw bytes of kind "bytes"', () => {
    const b = ft(TypeCode.String, { Charset: 'binary', Collate: 'binary', Flen: 4 });
    assert.equal(toHex(renderV2(b, Uint8Array.of(1, 0, 0, 0), UTC)), '01000000');
    assert.equal(cellKind(b), 'bytes');
    assert.equal(cellKind(ft(TypeCode.Blob, { Charset: 'binary' })), 'bytes');
    assert.equal(cellKind(ft(TypeCode.Blob)), 'string');
  });
});

describe('ENUM / SET / BIT', () => {
  const e = ft(TypeCode.Enum, { Elems: ['c', 'b', 'a'] });
  it('ENUM is 1-based; 0 and out-of-range -> ""', () => {
    for (const v of vectorsMatching(/^enum elems \["c","b","a"\]/, 3)) {
      assert.equal(s(renderDatum(e, { kind: 'uint', value: BigInt(v.input['value'] as number) }, UTC)), v.input['text'], label(v));
    }
    assert.equal(v2(e, Uint8Array.of(0)), '');
    assert.equal(v2(e, Uint8Array.of(4)), '');
    const [yn] = vectorsMatching(/^ENUM\('y','n'\) value 'n'/);
    assert.equal(v2(ft(TypeCode.Enum, { Elems: ['y', 'n'] }), fromHex(yn!.hex)), 'n', label(yn!));
  });
  it('SET 0b101 -> "a,c" (elems order); 0 -> ""; bits beyond elems are an error', () => {
    const f = ft(TypeCode.Set, { Elems: ['a', 'b', 'c'] });
    const [v] = vectorsMatching(/^set elems \[a,b,c\], bitmask 0b101/);
    assert.equal(v2(f, fromHex(v!.hex)), 'a,c', label(v!));
    assert.equal(v2(f, Uint8Array.of(0)), '');
    assert.equal(v2(f, Uint8Array.of(7)), 'a,b,c');
    assert.throws(() => renderV2(f, Uint8Array.of(8), UTC), DataError);
  });
  it('BIT(n): big-endian bytes of ceil(n/8), low bytes kept (upstream vectors)', () => {
    for (const v of vectorsMatching(/^BIT value from uint64 with byte size/, 5)) {
      const f = ft(TypeCode.Bit, { Flen: (v.input['byte_size'] as number) * 8 });
      assert.equal(toHex(bitBytes(f, BigInt(v.input['value'] as string))), v.hex, label(v));
    }
  });
  it('BIT(12) 0xABC -> bytes 0a bc; BIT(24) vector', () => {
    assert.equal(toHex(renderV2(ft(TypeCode.Bit, { Flen: 12 }), narrowUint(0xabcn), UTC)), '0abc');
    const [v] = vectorsMatching(/^BIT\(24\) value 3223600/);
    assert.equal(toHex(renderV2(ft(TypeCode.Bit, { Flen: 24 }), fromHex(v!.hex), UTC)), '313030', label(v!));
    assert.equal(cellKind(ft(TypeCode.Bit, { Flen: 1 })), 'bytes');
  });
});

describe('JSON / VECTOR', () => {
  it('JSON {"a": 1, "b": [1, 2]}', () => {
    const b = jsonBinary(obj({ b: [{ int: 1n }, { int: 2n }], a: { int: 1n } }));
    assert.equal(v2(ft(TypeCode.JSON), b), '{"a": 1, "b": [1, 2]}');
    assert.equal(s(renderDatum(ft(TypeCode.JSON), { kind: 'json', value: b }, UTC)), '{"a": 1, "b": [1, 2]}');
  });
  it('VECTOR [1,2]', () => {
    const [v] = vectorsMatching(/^VectorFloat32 \[1\.0,2\.0\]/);
    assert.equal(v2(ft(TypeCode.TiDBVectorFloat32), fromHex(v!.hex)), '[1,2]', label(v!));
  });
});

describe('Dumpling cell kinds (prior-art §3.2)', () => {
  it('numbers: ints, float, double, decimal; YEAR and dates are strings', () => {
    for (const tp of [TypeCode.Tiny, TypeCode.Short, TypeCode.Int24, TypeCode.Long, TypeCode.Longlong, TypeCode.Float, TypeCode.Double, TypeCode.NewDecimal]) {
      assert.equal(cellKind(ft(tp)), 'number');
    }
    for (const tp of [TypeCode.Year, TypeCode.Date, TypeCode.Datetime, TypeCode.Timestamp, TypeCode.Duration, TypeCode.Enum, TypeCode.Set, TypeCode.JSON, TypeCode.Varchar]) {
      assert.equal(cellKind(ft(tp)), 'string');
    }
  });
});

describe('mismatched datums are data errors', () => {
  it('a bytes datum in an INT column, a float in DECIMAL', () => {
    assert.throws(() => renderDatum(ft(TypeCode.Long), { kind: 'bytes', value: Uint8Array.of(1) }, UTC), DataError);
    assert.throws(() => renderDatum(ft(TypeCode.NewDecimal), { kind: 'float', value: 1 }, UTC), DataError);
    assert.equal(renderDatum(ft(TypeCode.Long), { kind: 'null' }, UTC), null);
  });
});

describe('origin defaults converted to the column rendering', () => {
  const d = (f: FieldType, v: unknown, bit: string | null = null, version = 2, tz = UTC) => s(renderDefault(f, v, bit, version, tz));
  it('numbers', () => {
    assert.equal(d(ft(TypeCode.NewDecimal, { Decimal: 2 }), '1.5'), '1.50');
    assert.equal(d(ft(TypeCode.Long), '-7'), '-7');
    assert.equal(d(ft(TypeCode.Long), 7), '7');
    assert.equal(d(ft(TypeCode.Year), '0'), '0000');
    assert.equal(d(ft(TypeCode.Double), '1e15'), '1e15');
    assert.equal(d(ft(TypeCode.Float), '0.1'), '0.1');
    assert.equal(d(ft(TypeCode.Long), null), null);
  });
  it('times, with TIMESTAMP (column version >= 1) converted from UTC', () => {
    assert.equal(d(ft(TypeCode.Datetime, { Decimal: 3 }), '2020-01-02 03:04:05.6'), '2020-01-02 03:04:05.600');
    assert.equal(d(ft(TypeCode.Date), '2020-01-02'), '2020-01-02');
    assert.equal(d(ft(TypeCode.Timestamp, { Decimal: 0 }), '2020-01-02 03:04:05', null, 1, parseTimeZone('+08:00')), '2020-01-02 11:04:05');
    assert.equal(d(ft(TypeCode.Duration, { Decimal: 2 }), '-12:00:01.5'), '-12:00:01.50');
  });
  it('BIT from origin_default_bit (base64), strings and enum names as text, BINARY(n) zero-padded', () => {
    assert.equal(toHex(renderDefault(ft(TypeCode.Bit, { Flen: 12 }), '\n¼', Buffer.from([0x0a, 0xbc]).toString('base64'), 2, UTC)!), '0abc');
    assert.equal(d(ft(TypeCode.Varchar), 'héllo'), Buffer.from('héllo').toString('latin1'));
    assert.equal(d(ft(TypeCode.Enum, { Elems: ['x', 'y'] }), 'y'), 'y');
    assert.equal(toHex(renderDefault(ft(TypeCode.String, { Charset: 'binary', Flen: 4 }), 'ab', null, 2, UTC)!), '61620000');
  });
  it('unusable defaults are data errors', () => {
    assert.throws(() => renderDefault(ft(TypeCode.Long), 'abc', null, 2, UTC), DataError);
    assert.throws(() => renderDefault(ft(TypeCode.Datetime), 'CURRENT_TIMESTAMP', null, 2, UTC), DataError);
    assert.throws(() => renderDefault(ft(TypeCode.Long), { a: 1 }, null, 2, UTC), DataError);
  });
});
