/**
 * Column value -> the exact bytes TiDB prints for it (the text protocol / Dumpling CSV cell).
 *
 * Sources: pingcap/tidb:pkg/util/rowcodec/decoder.go (decodeColToChunk, decodeColDatum: row v2
 * bytes per type), pkg/tablecodec/tablecodec.go (Unflatten: row v1 / key datums per type),
 * pkg/server/internal/column + dump.go (text form), tikv-tidb-encoding.md §5.2, §6.
 *
 *   ints           signed / unsigned decimal text by the Unsigned flag
 *   YEAR           4 digits, 0 -> "0000"
 *   FLOAT/DOUBLE   float-format.ts (FLOAT narrowed to float32)
 *   DECIMAL        digits with the column scale (half-up rounding when the value carries more)
 *   DATE/DATETIME/TIMESTAMP  packed time; TIMESTAMP converted from UTC to the chosen zone
 *   TIME           [-]HH:MM:SS[.fsp digits]
 *   strings/blobs  raw bytes, untouched (never UTF-8 validated)
 *   ENUM           elems[v-1], 0 or out of range -> ""; SET: names of set bits joined by ","
 *   BIT(n)         big-endian bytes, ceil(n/8) of them, low-order bytes kept (raw)
 *   JSON           json-binary.ts text; VECTOR "[1,2]"
 */
import { DataError } from '../errors.js';
import { decodeNarrowInt, decodeNarrowUint } from './codec-number.js';
import { decodeCmpFloat } from './comparable-float.js';
import type { Datum } from './datum.js';
import { decimalFromText, decodeDecimalWithPrec, formatDecimal } from './decimal.js';
import { formatDuration, MAX_DURATION_NS } from './duration.js';
import { formatTidbFloat } from './float-format.js';
import { jsonToText } from './json-binary.js';
import { formatDate, formatDateTime, fromPacked, isZeroTime, type MysqlTime } from './mysql-time.js';
import { Flag, type FieldType, TypeCode } from './table-info.js';
import type { TimeZone } from './time-zone.js';
import { vectorToText } from './vector.js';

// Local copies: module-namespace getters are measurably slow in the per-cell path.
const TC = { ...TypeCode };
const UNSIGNED_FLAG = Flag.Unsigned;

export type CellKind = 'number' | 'string' | 'bytes';

const enc = new TextEncoder();

/** UTF-8 bytes of a string; ASCII (numbers, dates) is copied without TextEncoder. */
export function text(s: string): Uint8Array {
  const n = s.length;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) return enc.encode(s);
    out[i] = c;
  }
  return out;
}

/** Row-v2 narrow int of 1, 2 or 4 bytes as a JS number (null for other widths). */
function smallInt(b: Uint8Array, signed: boolean): number | null {
  switch (b.length) {
    case 1:
      return signed ? (b[0]! << 24) >> 24 : b[0]!;
    case 2: {
      const v = b[0]! | (b[1]! << 8);
      return signed ? (v << 16) >> 16 : v;
    }
    case 4: {
      const v = b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24);
      return signed ? v : v >>> 0;
    }
    default:
      return null;
  }
}

const INT_TYPES = new Set<number>([TC.Tiny, TC.Short, TC.Int24, TC.Long, TC.Longlong]);
const STRING_TYPES = new Set<number>([
  TC.Varchar,
  TC.VarString,
  TC.String,
  TC.TinyBlob,
  TC.MediumBlob,
  TC.LongBlob,
  TC.Blob,
]);

export function isIntType(tp: number): boolean {
  return INT_TYPES.has(tp);
}
export function isStringType(tp: number): boolean {
  return STRING_TYPES.has(tp);
}
export function isUnsigned(ft: FieldType): boolean {
  return (ft.Flag & UNSIGNED_FLAG) !== 0;
}

/** Dumpling's classification (prior-art §3.2): numbers unquoted, binary raw, the rest strings. */
export function cellKind(ft: FieldType): CellKind {
  const tp = ft.Tp;
  if (INT_TYPES.has(tp) || tp === TC.Float || tp === TC.Double || tp === TC.NewDecimal) return 'number';
  if (tp === TC.Bit || tp === TC.Geometry) return 'bytes';
  if (STRING_TYPES.has(tp) && ft.Charset === 'binary') return 'bytes';
  return 'string';
}

function typeName(ft: FieldType): string {
  for (const [k, v] of Object.entries(TypeCode)) if (v === ft.Tp) return k;
  return `type ${ft.Tp}`;
}

function intText(ft: FieldType, v: bigint): Uint8Array {
  const x = isUnsigned(ft) ? BigInt.asUintN(64, v) : BigInt.asIntN(64, v);
  if (ft.Tp === TC.Year) return yearText(x);
  return text(x.toString());
}

function yearText(v: bigint): Uint8Array {
  return text(v.toString().padStart(4, '0'));
}

function floatText(ft: FieldType, v: number): Uint8Array {
  return ft.Tp === TC.Float ? text(formatTidbFloat(Math.fround(v), 32)) : text(formatTidbFloat(v, 64));
}

function timeText(ft: FieldType, t: MysqlTime, tz: TimeZone): Uint8Array {
  if (ft.Tp === TC.Date || ft.Tp === TC.NewDate) return text(formatDate(t));
  const local = ft.Tp === TC.Timestamp && !isZeroTime(t) ? tz.fromUtc(t) : t;
  return text(formatDateTime(local, ft.Decimal));
}

/** BIT(n): big-endian, ceil(n/8) bytes (n outside 1..64 -> 8 bytes), low-order bytes kept. */
export function bitBytes(ft: FieldType, v: bigint): Uint8Array {
  const flen = ft.Flen >= 1 && ft.Flen <= 64 ? ft.Flen : 64;
  const n = Math.ceil(flen / 8);
  const out = new Uint8Array(n);
  let x = BigInt.asUintN(64, v);
  for (let i = n - 1; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

export function enumText(ft: FieldType, v: bigint): Uint8Array {
  const elems = ft.Elems ?? [];
  if (v < 1n || v > BigInt(elems.length)) return new Uint8Array(0);
  return text(elems[Number(v) - 1]!);
}

export function setText(ft: FieldType, v: bigint): Uint8Array {
  const elems = ft.Elems ?? [];
  const x = BigInt.asUintN(64, v);
  if (elems.length < 64 && x >> BigInt(elems.length) !== 0n) {
    throw new DataError(`SET value 0x${x.toString(16)} has bits beyond its ${elems.length} elements`);
  }
  const names: string[] = [];
  for (let i = 0; i < elems.length; i++) if ((x >> BigInt(i)) & 1n) names.push(elems[i]!);
  return text(names.join(','));
}

function durationText(ft: FieldType, ns: bigint): Uint8Array {
  return text(formatDuration(ns, ft.Decimal));
}

function decimalBytes(ft: FieldType, bytes: Uint8Array): Uint8Array {
  const { value, end } = decodeDecimalWithPrec(bytes, 0);
  if (end !== bytes.length) throw new DataError(`decimal value has ${bytes.length - end} trailing bytes`);
  return text(formatDecimal(value, ft.Decimal));
}

/** Renders a row-v2 column value (the bytes between two end offsets). */
export function renderV2(ft: FieldType, bytes: Uint8Array, tz: TimeZone): Uint8Array {
  const tp = ft.Tp;
  if (INT_TYPES.has(tp) || tp === TC.Year) {
    const unsigned = isUnsigned(ft);
    const small = smallInt(bytes, !unsigned);
    if (small !== null) return tp === TC.Year ? text(String(small).padStart(4, '0')) : text(String(small));
    return intText(ft, unsigned ? decodeNarrowUint(bytes) : decodeNarrowInt(bytes));
  }
  // owned copy (the caller may reuse the value buffer); not bytes.slice(), a view on a Buffer
  if (STRING_TYPES.has(tp) || tp === TC.Geometry) return new Uint8Array(bytes);
  switch (tp) {
    case TC.Float:
    case TC.Double:
      if (bytes.length !== 8) throw new DataError(`${typeName(ft)} value of ${bytes.length} bytes, expected 8`);
      return floatText(ft, decodeCmpFloat(bytes, 0));
    case TC.NewDecimal:
      return decimalBytes(ft, bytes);
    case TC.Date:
    case TC.NewDate:
    case TC.Datetime:
    case TC.Timestamp:
      return timeText(ft, fromPacked(decodeNarrowUint(bytes)), tz);
    case TC.Duration:
      return durationText(ft, decodeNarrowInt(bytes));
    case TC.Enum:
      return enumText(ft, decodeNarrowUint(bytes));
    case TC.Set:
      return setText(ft, decodeNarrowUint(bytes));
    case TC.Bit:
      return bitBytes(ft, decodeNarrowUint(bytes));
    case TC.JSON:
      return text(jsonToText(bytes));
    case TC.TiDBVectorFloat32:
      return text(vectorToText(bytes));
    default:
      throw new DataError(`cannot decode a value of column type ${tp}`);
  }
}

function datumInt(d: Datum, ft: FieldType): bigint {
  if (d.kind === 'int' || d.kind === 'uint') return d.value;
  throw new DataError(`${typeName(ft)} column holds a ${d.kind} datum`);
}

/**
 * Renders a datum (row v1 value, common-handle key datum) under its column type ("Unflatten").
 * Returns null for a NULL datum.
 */
export function renderDatum(ft: FieldType, d: Datum, tz: TimeZone): Uint8Array | null {
  if (d.kind === 'null') return null;
  const tp = ft.Tp;
  if (INT_TYPES.has(tp) || tp === TC.Year) return intText(ft, datumInt(d, ft));
  if (STRING_TYPES.has(tp) || tp === TC.Geometry) {
    if (d.kind === 'bytes') return new Uint8Array(d.value);
    throw new DataError(`${typeName(ft)} column holds a ${d.kind} datum`);
  }
  switch (tp) {
    case TC.Float:
    case TC.Double:
      if (d.kind !== 'float') throw new DataError(`${typeName(ft)} column holds a ${d.kind} datum`);
      return floatText(ft, d.value);
    case TC.NewDecimal:
      if (d.kind !== 'decimal') throw new DataError(`Decimal column holds a ${d.kind} datum`);
      return text(formatDecimal(d.value, ft.Decimal));
    case TC.Date:
    case TC.NewDate:
    case TC.Datetime:
    case TC.Timestamp:
      return timeText(ft, fromPacked(BigInt.asUintN(64, datumInt(d, ft))), tz);
    case TC.Duration: {
      const ns = d.kind === 'duration' ? d.value : BigInt.asIntN(64, datumInt(d, ft));
      return durationText(ft, ns);
    }
    case TC.Enum:
      return enumText(ft, datumInt(d, ft));
    case TC.Set:
      return setText(ft, datumInt(d, ft));
    case TC.Bit:
      return bitBytes(ft, datumInt(d, ft));
    case TC.JSON:
      if (d.kind !== 'json') throw new DataError(`JSON column holds a ${d.kind} datum`);
      return text(jsonToText(d.value));
    case TC.TiDBVectorFloat32:
      if (d.kind !== 'vector') throw new DataError(`VECTOR column holds a ${d.kind} datum`);
      return text(vectorToText(d.value));
    default:
      throw new DataError(`cannot decode a value of column type ${tp}`);
  }
}

// ---- defaults (ColumnInfo.origin_default) -------------------------------------------------------

function parseTimeText(s: string): MysqlTime {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,6})\d*)?)?$/.exec(s.trim());
  if (m === null) throw new DataError(`default ${JSON.stringify(s)} is not a date/time literal`);
  return {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4] ?? 0),
    minute: Number(m[5] ?? 0),
    second: Number(m[6] ?? 0),
    microsecond: Number((m[7] ?? '').padEnd(6, '0')),
  };
}

function parseDurationText(s: string): bigint {
  const m = /^(-)?(\d+):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?$/.exec(s.trim());
  if (m === null) throw new DataError(`default ${JSON.stringify(s)} is not a TIME literal`);
  const ns =
    ((BigInt(m[2]!) * 3600n + BigInt(m[3]!) * 60n + BigInt(m[4]!)) * 1_000_000_000n) +
    BigInt((m[5] ?? '').padEnd(9, '0'));
  if (ns > MAX_DURATION_NS) throw new DataError(`default TIME ${s} outside ±838:59:59`);
  return m[1] === '-' ? -ns : ns;
}

function base64Bytes(b64: string): Uint8Array {
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

/**
 * Cell for a column's origin default (GetOriginDefaultValue cast to the column type). `version`
 * is ColumnInfo.version: TIMESTAMP defaults are stored in UTC when it is >= 1.
 */
export function renderDefault(
  ft: FieldType,
  originDefault: unknown,
  originDefaultBit: string | null | undefined,
  version: number,
  tz: TimeZone,
): Uint8Array | null {
  const tp = ft.Tp;
  if (tp === TC.Bit && typeof originDefaultBit === 'string' && originDefaultBit !== '') {
    const raw = base64Bytes(originDefaultBit);
    let v = 0n;
    for (const b of raw) v = (v << 8n) | BigInt(b);
    return bitBytes(ft, v);
  }
  if (originDefault === null || originDefault === undefined) return null;
  const s = typeof originDefault === 'string' ? originDefault : typeof originDefault === 'number' || typeof originDefault === 'boolean' ? String(typeof originDefault === 'boolean' ? Number(originDefault) : originDefault) : null;
  if (s === null) throw new DataError(`origin default ${JSON.stringify(originDefault)} is not a scalar`);
  if (INT_TYPES.has(tp) || tp === TC.Year) {
    if (!/^\s*[+-]?\d+\s*$/.test(s)) throw new DataError(`default ${JSON.stringify(s)} is not an integer`);
    return intText(ft, BigInt(s.trim()));
  }
  if (STRING_TYPES.has(tp)) {
    const b = text(s);
    if (tp === TC.String && ft.Charset === 'binary' && ft.Flen > b.length) {
      const padded = new Uint8Array(ft.Flen);
      padded.set(b);
      return padded;
    }
    return b;
  }
  switch (tp) {
    case TC.Float:
    case TC.Double: {
      const f = Number(s);
      if (s.trim() === '' || !Number.isFinite(f)) throw new DataError(`default ${JSON.stringify(s)} is not a number`);
      return floatText(ft, f);
    }
    case TC.NewDecimal:
      return text(formatDecimal(decimalFromText(s), ft.Decimal, true));
    case TC.Date:
    case TC.NewDate:
    case TC.Datetime:
      return timeText(ft, parseTimeText(s), tz);
    case TC.Timestamp: {
      const t = parseTimeText(s);
      if (version >= 1) return timeText(ft, t, tz);
      return text(formatDateTime(t, ft.Decimal)); // pre-v1 defaults are in the DDL session zone
    }
    case TC.Duration:
      return durationText(ft, parseDurationText(s));
    case TC.Enum:
    case TC.Set:
    case TC.JSON:
    case TC.TiDBVectorFloat32:
    case TC.Geometry:
      return text(s);
    case TC.Bit: {
      const raw = text(s);
      let v = 0n;
      for (const b of raw) v = (v << 8n) | BigInt(b);
      return bitBytes(ft, v);
    }
    default:
      throw new DataError(`cannot use a default for column type ${tp}`);
  }
}
