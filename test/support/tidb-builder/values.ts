/**
 * Test-side encoders for TiDB value formats (tikv-tidb-encoding.md §6): decimal bin, packed
 * time, duration nanoseconds, binary JSON, vector float32, BIT bytes, JSON CoreTime.
 * Written from the spec, independent of src/.
 */
import { type Bytes, concat, u32LE, u64LE, uvarint, utf8 } from './codec.js';

// ---------------------------------------------------------------------------------------------
// DECIMAL (§6.3, pingcap/tidb:pkg/types/mydecimal.go ToBin). Words of 9 digits, 4 bytes BE;
// partial words use dig2bytes; negative = all bytes complemented; then byte0 ^= 0x80.
// ---------------------------------------------------------------------------------------------
const DIG2BYTES = [0, 1, 1, 2, 2, 3, 3, 4, 4, 4];

function wordBytes(digits: string, nbytes: number): number[] {
  let v = digits === '' ? 0 : Number(digits);
  const out = new Array<number>(nbytes).fill(0);
  for (let i = nbytes - 1; i >= 0; i--) {
    out[i] = v & 0xff;
    v = Math.floor(v / 256);
  }
  return out;
}

/**
 * Decimal bin for DECIMAL(prec, frac). `value` is decimal text like "-12.5"; it must fit exactly
 * (fraction digits beyond `frac` are an error: fixtures store what TiDB stored, after rounding).
 */
export function decimalBin(value: string, prec: number, frac: number): Bytes {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(value);
  if (!m) throw new Error(`bad decimal ${value}`);
  let intDigits = (m[2] ?? '').replace(/^0+/, '');
  let fracDigits = m[3] ?? '';
  if (fracDigits.length > frac) {
    if (/[^0]/.test(fracDigits.slice(frac))) throw new Error(`decimal ${value} has more than ${frac} fraction digits`);
    fracDigits = fracDigits.slice(0, frac);
  }
  const intg = prec - frac;
  if (intDigits.length > intg) throw new Error(`decimal ${value} does not fit (${prec},${frac})`);
  const isZero = /^0*$/.test(intDigits + fracDigits);
  const negative = m[1] === '-' && !isZero;
  intDigits = intDigits.padStart(intg, '0');
  fracDigits = fracDigits.padEnd(frac, '0');
  const bytes: number[] = [];
  const lead = intg % 9;
  if (lead > 0) bytes.push(...wordBytes(intDigits.slice(0, lead), DIG2BYTES[lead]!));
  for (let i = lead; i < intg; i += 9) bytes.push(...wordBytes(intDigits.slice(i, i + 9), 4));
  const fullFrac = Math.floor(frac / 9) * 9;
  for (let i = 0; i < fullFrac; i += 9) bytes.push(...wordBytes(fracDigits.slice(i, i + 9), 4));
  const trail = frac % 9;
  if (trail > 0) bytes.push(...wordBytes(fracDigits.slice(fullFrac), DIG2BYTES[trail]!));
  const out = new Uint8Array(bytes);
  if (negative) for (let i = 0; i < out.length; i++) out[i] = out[i]! ^ 0xff;
  out[0] = out[0]! ^ 0x80;
  return out;
}

/** codec.EncodeDecimal without the datum flag: precision byte + frac byte + bin. */
export function decimalWithPrecFrac(value: string, prec: number, frac: number): Bytes {
  return concat(new Uint8Array([prec, frac]), decimalBin(value, prec, frac));
}

// ---------------------------------------------------------------------------------------------
// Packed time (§6.4, pingcap/tidb:pkg/types/time.go ToPackedUint):
// ymd = ((year*13 + month) << 5) | day; hms = hour<<12 | minute<<6 | second;
// packed = ((ymd << 17) | hms) << 24 | microsecond.
// ---------------------------------------------------------------------------------------------
export interface TimeParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  micro: number;
}

/** Parses "YYYY-MM-DD[ HH:MM:SS[.ffffff]]" without validation (zero dates allowed). */
export function parseTime(text: string): TimeParts {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?)?$/.exec(text);
  if (!m) throw new Error(`bad time ${text}`);
  return {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4] ?? 0),
    minute: Number(m[5] ?? 0),
    second: Number(m[6] ?? 0),
    micro: Number((m[7] ?? '').padEnd(6, '0')),
  };
}

export function packTime(text: string): bigint {
  const t = parseTime(text);
  const ymd = BigInt(((t.year * 13 + t.month) << 5) | t.day);
  const hms = BigInt((t.hour << 12) | (t.minute << 6) | t.second);
  return (((ymd << 17n) | hms) << 24n) | BigInt(t.micro);
}

/** JSON CoreTime (§6.4): year 63-50, month 49-46, day 45-41, hour 40-36, min 35-30, sec 29-24, usec 23-4. */
export function coreTime(text: string): bigint {
  const t = parseTime(text);
  return (
    (BigInt(t.year) << 50n) |
    (BigInt(t.month) << 46n) |
    (BigInt(t.day) << 41n) |
    (BigInt(t.hour) << 36n) |
    (BigInt(t.minute) << 30n) |
    (BigInt(t.second) << 24n) |
    (BigInt(t.micro) << 4n)
  );
}

/** TIME "[-]H+:MM:SS[.ffffff]" -> int64 nanoseconds (§6.5). */
export function durationNanos(text: string): bigint {
  const m = /^(-?)(\d+):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(text);
  if (!m) throw new Error(`bad duration ${text}`);
  const micros =
    ((BigInt(m[2]!) * 60n + BigInt(m[3]!)) * 60n + BigInt(m[4]!)) * 1_000_000n + BigInt((m[5] ?? '').padEnd(6, '0'));
  const ns = micros * 1000n;
  return m[1] === '-' ? -ns : ns;
}

// ---------------------------------------------------------------------------------------------
// VECTOR(FLOAT32) (§6.9): u32LE dim + f32LE elements.
// ---------------------------------------------------------------------------------------------
export function vectorF32(elems: number[]): Bytes {
  const out = new Uint8Array(4 + 4 * elems.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, elems.length, true);
  elems.forEach((e, i) => dv.setFloat32(4 + 4 * i, e, true));
  return out;
}

/** BIT(n) as TiDB materialises it: big-endian, (flen+7)/8 bytes, low-order bytes kept. */
export function bitBytes(value: bigint, flen: number): Bytes {
  const n = Math.floor((flen + 7) / 8);
  const out = new Uint8Array(n);
  let v = value;
  for (let i = n - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Binary JSON (§6.8, pingcap/tidb:pkg/types/json_binary.go). Input is JSON text; numbers without
// '.', 'e' or 'E' are int64 (uint64 when above int64 max), others double — as TiDB's parser does.
// Extension for fixtures: a string of the form {"$datetime": "..."} is NOT special; use the
// JsonValue AST directly for temporal values.
// ---------------------------------------------------------------------------------------------
export type JsonValue =
  | { t: 'null' }
  | { t: 'bool'; v: boolean }
  | { t: 'int'; v: bigint }
  | { t: 'uint'; v: bigint }
  | { t: 'double'; v: number }
  | { t: 'string'; v: string }
  | { t: 'array'; v: JsonValue[] }
  | { t: 'object'; v: [string, JsonValue][] }
  | { t: 'datetime'; v: string };

export function parseJsonText(text: string): JsonValue {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const value = (): JsonValue => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const entries: [string, JsonValue][] = [];
      ws();
      if (text[i] === '}') {
        i++;
        return { t: 'object', v: entries };
      }
      for (;;) {
        ws();
        const k = value();
        if (k.t !== 'string') throw new Error('object key must be a string');
        ws();
        if (text[i++] !== ':') throw new Error('expected :');
        entries.push([k.v, value()]);
        ws();
        const d = text[i++];
        if (d === '}') return { t: 'object', v: entries };
        if (d !== ',') throw new Error('expected , or }');
      }
    }
    if (c === '[') {
      i++;
      const items: JsonValue[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return { t: 'array', v: items };
      }
      for (;;) {
        items.push(value());
        ws();
        const d = text[i++];
        if (d === ']') return { t: 'array', v: items };
        if (d !== ',') throw new Error('expected , or ]');
      }
    }
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const s = JSON.parse(text.slice(i, j + 1)) as string;
      i = j + 1;
      return { t: 'string', v: s };
    }
    for (const [lit, v] of [
      ['null', { t: 'null' }],
      ['true', { t: 'bool', v: true }],
      ['false', { t: 'bool', v: false }],
    ] as const) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return v;
      }
    }
    const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) throw new Error(`bad JSON at ${i}: ${text}`);
    i += m[0].length;
    if (m[1] === undefined && m[2] === undefined) {
      const b = BigInt(m[0]);
      if (b >= -(1n << 63n) && b < 1n << 63n) return { t: 'int', v: b };
      if (b >= 0n && b < 1n << 64n) return { t: 'uint', v: b };
    }
    return { t: 'double', v: Number(m[0]) };
  };
  const v = value();
  ws();
  if (i !== text.length) throw new Error(`trailing JSON text: ${text.slice(i)}`);
  return v;
}

const JSON_TYPE = { object: 0x01, array: 0x03, literal: 0x04, int: 0x09, uint: 0x0a, double: 0x0b, string: 0x0c, datetime: 0x0f } as const;

function typeCode(v: JsonValue): number {
  switch (v.t) {
    case 'null':
    case 'bool':
      return JSON_TYPE.literal;
    default:
      return JSON_TYPE[v.t];
  }
}

/** Value bytes (without type code). */
function jsonValueBytes(v: JsonValue): Bytes {
  switch (v.t) {
    case 'null':
      return new Uint8Array([0x00]);
    case 'bool':
      return new Uint8Array([v.v ? 0x01 : 0x02]);
    case 'int':
    case 'uint':
      return u64LE(v.v);
    case 'double': {
      const o = new Uint8Array(8);
      new DataView(o.buffer).setFloat64(0, v.v, true);
      return o;
    }
    case 'string': {
      const b = utf8(v.v);
      return concat(uvarint(b.length), b);
    }
    case 'datetime':
      return u64LE(coreTime(v.v));
    case 'array':
      return container(null, v.v);
    case 'object': {
      const sorted = [...v.v].sort((a, b) => Buffer.compare(Buffer.from(utf8(a[0])), Buffer.from(utf8(b[0]))));
      return container(
        sorted.map((e) => utf8(e[0])),
        sorted.map((e) => e[1]),
      );
    }
  }
}

/** Object (keys != null) or array: u32 count, u32 size, [key entries], value entries, [keys], values. */
function container(keys: Bytes[] | null, values: JsonValue[]): Bytes {
  const n = values.length;
  const headerLen = 8 + (keys ? 6 * n : 0) + 5 * n;
  let off = headerLen;
  const keyEntries: Bytes[] = [];
  if (keys) {
    for (const k of keys) {
      keyEntries.push(concat(u32LE(off), new Uint8Array([k.length & 0xff, (k.length >> 8) & 0xff])));
      off += k.length;
    }
  }
  const valueEntries: Bytes[] = [];
  const valueData: Bytes[] = [];
  for (const v of values) {
    const code = typeCode(v);
    if (code === JSON_TYPE.literal) {
      valueEntries.push(concat(new Uint8Array([code]), jsonValueBytes(v), new Uint8Array(3)));
    } else {
      const data = jsonValueBytes(v);
      valueEntries.push(concat(new Uint8Array([code]), u32LE(off)));
      valueData.push(data);
      off += data.length;
    }
  }
  return concat(u32LE(n), u32LE(off), ...keyEntries, ...valueEntries, ...(keys ?? []), ...valueData);
}

/** Binary JSON as stored in a row: type code byte + value. */
export function binaryJson(v: JsonValue | string): Bytes {
  const val = typeof v === 'string' ? parseJsonText(v) : v;
  return concat(new Uint8Array([typeCode(val)]), jsonValueBytes(val));
}
