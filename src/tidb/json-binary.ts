/**
 * TiDB binary JSON -> the text TiDB prints (BinaryJSON.String / MarshalJSON).
 *
 * Source: pingcap/tidb:pkg/types/json_binary.go, json_constants.go (TiKV mirror:
 * tikv/tikv:components/tidb_query_datatype/src/codec/mysql/json/binary.rs). All integers LE.
 *
 *   value = typeCode(1) + payload
 *   0x01 object : u32 count, u32 size, count × (u32 keyOff, u16 keyLen), count × (u8 type, u32
 *                 offset-or-inline), keys, values. Offsets are relative to the payload start.
 *   0x03 array  : u32 count, u32 size, count × (u8 type, u32 offset-or-inline), values.
 *   0x04 literal: 00 null, 01 true, 02 false (inlined in the entry's first byte inside containers)
 *   0x09 int64, 0x0a uint64, 0x0b double (8 bytes each)
 *   0x0c string : uvarint len + bytes
 *   0x0d opaque : u8 mysql type + uvarint len + bytes      -> "base64:type{T}:{base64}"
 *   0x0e date / 0x0f datetime / 0x10 timestamp: u64 CoreTime   -> quoted time text (fsp 6)
 *   0x11 time   : i64 ns + u32 fsp                          -> quoted duration text, always fsp 6
 *   e.g. {"a": 2} = 01 | 01000000 1c000000 | 13000000 0100 | 09 14000000 | 61 | 0200000000000000
 * Text: ", " and ": " separators; strings escaped like Go's encoding/json without HTML escaping.
 */
import { DataError } from '../errors.js';
import { readUvarint } from './codec-number.js';
import { formatDuration } from './duration.js';
import { formatJsonDouble } from './float-format.js';
import { formatDate, formatDateTime, fromCoreTime } from './mysql-time.js';

export const JsonType = {
  Object: 0x01,
  Array: 0x03,
  Literal: 0x04,
  Int64: 0x09,
  Uint64: 0x0a,
  Float64: 0x0b,
  String: 0x0c,
  Opaque: 0x0d,
  Date: 0x0e,
  Datetime: 0x0f,
  Timestamp: 0x10,
  Time: 0x11,
} as const;

const MAX_DEPTH = 200;

class JsonReader {
  private readonly dv: DataView;
  constructor(readonly buf: Uint8Array) {
    this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  need(off: number, n: number, what: string): void {
    if (off < 0 || off + n > this.buf.length) {
      throw new DataError(`binary JSON truncated: ${what} needs ${n} bytes at offset ${off} of ${this.buf.length}`);
    }
  }
  u8(off: number): number {
    this.need(off, 1, 'u8');
    return this.buf[off]!;
  }
  u16(off: number): number {
    this.need(off, 2, 'u16');
    return this.dv.getUint16(off, true);
  }
  u32(off: number): number {
    this.need(off, 4, 'u32');
    return this.dv.getUint32(off, true);
  }
  i64(off: number): bigint {
    this.need(off, 8, 'int64');
    return this.dv.getBigInt64(off, true);
  }
  u64(off: number): bigint {
    this.need(off, 8, 'uint64');
    return this.dv.getBigUint64(off, true);
  }
  f64(off: number): number {
    this.need(off, 8, 'double');
    return this.dv.getFloat64(off, true);
  }
}

/** Text of a JSON value given as type code + payload (the row-v2 / datum form minus the flag). */
export function jsonToText(value: Uint8Array): string {
  if (value.length < 1) throw new DataError('binary JSON value is empty');
  const r = new JsonReader(value);
  const out: string[] = [];
  writeValue(r, value[0]!, 1, out, 0);
  return out.join('');
}

/** Number of bytes a JSON value (type code + payload) occupies at `offset` (PeekBytesAsJSON). */
export function peekJson(buf: Uint8Array, offset: number): number {
  const r = new JsonReader(buf);
  const tc = r.u8(offset);
  const p = offset + 1;
  let len: number;
  switch (tc) {
    case JsonType.Object:
    case JsonType.Array:
      len = r.u32(p + 4);
      break;
    case JsonType.Literal:
      len = 1;
      break;
    case JsonType.Int64:
    case JsonType.Uint64:
    case JsonType.Float64:
    case JsonType.Date:
    case JsonType.Datetime:
    case JsonType.Timestamp:
      len = 8;
      break;
    case JsonType.Time:
      len = 12;
      break;
    case JsonType.String: {
      const { value, end } = readUvarint(buf, p);
      len = end - p + Number(value);
      break;
    }
    case JsonType.Opaque: {
      const { value, end } = readUvarint(buf, p + 1);
      len = end - p + Number(value);
      break;
    }
    default:
      throw new DataError(`unknown binary JSON type code 0x${tc.toString(16)} at offset ${offset}`);
  }
  r.need(p, len, 'JSON value');
  return 1 + len;
}

function writeValue(r: JsonReader, tc: number, off: number, out: string[], depth: number): void {
  if (depth > MAX_DEPTH) throw new DataError(`binary JSON nested deeper than ${MAX_DEPTH}`);
  switch (tc) {
    case JsonType.Object:
    case JsonType.Array:
      return writeContainer(r, tc, off, out, depth);
    case JsonType.Literal:
      return writeLiteral(r.u8(off), off, out);
    case JsonType.Int64:
      out.push(r.i64(off).toString());
      return;
    case JsonType.Uint64:
      out.push(r.u64(off).toString());
      return;
    case JsonType.Float64: {
      const f = r.f64(off);
      if (!Number.isFinite(f)) throw new DataError(`binary JSON double at offset ${off} is not finite`);
      out.push(formatJsonDouble(f));
      return;
    }
    case JsonType.String: {
      const { value: n, end } = readUvarint(r.buf, off);
      const len = Number(n);
      r.need(end, len, 'JSON string');
      out.push(quoteGo(r.buf.subarray(end, end + len)));
      return;
    }
    case JsonType.Opaque: {
      const typ = r.u8(off);
      const { value: n, end } = readUvarint(r.buf, off + 1);
      const len = Number(n);
      r.need(end, len, 'JSON opaque');
      const b64 = Buffer.from(r.buf.buffer, r.buf.byteOffset + end, len).toString('base64');
      out.push(`"base64:type${typ}:${b64}"`);
      return;
    }
    case JsonType.Date:
      out.push(`"${formatDate(fromCoreTime(r.u64(off)))}"`);
      return;
    case JsonType.Datetime:
    case JsonType.Timestamp:
      out.push(`"${formatDateTime(fromCoreTime(r.u64(off)), 6)}"`);
      return;
    case JsonType.Time: {
      // The stored fsp (u32 at +8) is ignored: TiDB prints JSON times with fsp 6
      // (jsonMarshalDurationTo / jsonMarshalTimeTo).
      r.need(off, 12, 'JSON time');
      out.push(`"${formatDuration(r.i64(off), 6)}"`);
      return;
    }
    default:
      throw new DataError(`unknown binary JSON type code 0x${tc.toString(16)} at offset ${off - 1}`);
  }
}

function writeLiteral(b: number, off: number, out: string[]): void {
  if (b === 0) out.push('null');
  else if (b === 1) out.push('true');
  else if (b === 2) out.push('false');
  else throw new DataError(`binary JSON literal 0x${b.toString(16)} at offset ${off}`);
}

function writeContainer(r: JsonReader, tc: number, base: number, out: string[], depth: number): void {
  const count = r.u32(base);
  const size = r.u32(base + 4);
  r.need(base, size, tc === JsonType.Object ? 'JSON object' : 'JSON array');
  const isObj = tc === JsonType.Object;
  const entriesAt = base + 8 + (isObj ? count * 6 : 0);
  if (8 + count * (isObj ? 11 : 5) > size) {
    throw new DataError(`binary JSON container at ${base}: ${count} entries do not fit in ${size} bytes`);
  }
  out.push(isObj ? '{' : '[');
  for (let i = 0; i < count; i++) {
    if (i > 0) out.push(', ');
    if (isObj) {
      const keyOff = r.u32(base + 8 + i * 6);
      const keyLen = r.u16(base + 8 + i * 6 + 4);
      if (keyOff + keyLen > size) throw new DataError(`binary JSON key ${i} outside its object at ${base}`);
      out.push(quoteGo(r.buf.subarray(base + keyOff, base + keyOff + keyLen)), ': ');
    }
    const e = entriesAt + i * 5;
    const vt = r.u8(e);
    if (vt === JsonType.Literal) {
      writeLiteral(r.u8(e + 1), e + 1, out);
    } else {
      const vOff = r.u32(e + 1);
      if (vOff >= size) throw new DataError(`binary JSON value ${i} offset ${vOff} outside its container at ${base}`);
      writeValue(r, vt, base + vOff, out, depth + 1);
    }
  }
  out.push(isObj ? '}' : ']');
}

const HEX = '0123456789abcdef';

/** Decodes one rune like Go's utf8.DecodeRune: returns [codepoint or -1, size]. */
function decodeRune(b: Uint8Array, i: number): [number, number] {
  const c0 = b[i]!;
  const n = b.length - i;
  if (c0 < 0x80) return [c0, 1];
  if (c0 >= 0xc2 && c0 <= 0xdf && n >= 2) {
    const c1 = b[i + 1]!;
    if ((c1 & 0xc0) === 0x80) return [((c0 & 0x1f) << 6) | (c1 & 0x3f), 2];
  } else if (c0 >= 0xe0 && c0 <= 0xef && n >= 3) {
    const c1 = b[i + 1]!;
    const c2 = b[i + 2]!;
    const lo = c0 === 0xe0 ? 0xa0 : 0x80;
    const hi = c0 === 0xed ? 0x9f : 0xbf;
    if (c1 >= lo && c1 <= hi && (c2 & 0xc0) === 0x80) return [((c0 & 0x0f) << 12) | ((c1 & 0x3f) << 6) | (c2 & 0x3f), 3];
  } else if (c0 >= 0xf0 && c0 <= 0xf4 && n >= 4) {
    const c1 = b[i + 1]!;
    const c2 = b[i + 2]!;
    const c3 = b[i + 3]!;
    const lo = c0 === 0xf0 ? 0x90 : 0x80;
    const hi = c0 === 0xf4 ? 0x8f : 0xbf;
    if (c1 >= lo && c1 <= hi && (c2 & 0xc0) === 0x80 && (c3 & 0xc0) === 0x80) {
      return [((c0 & 0x07) << 18) | ((c1 & 0x3f) << 12) | ((c2 & 0x3f) << 6) | (c3 & 0x3f), 4];
    }
  }
  return [-1, 1];
}

/** Go encoding/json string quoting (escapeHTML = false). */
export function quoteGo(b: Uint8Array): string {
  let s = '"';
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      if (c >= 0x20 && c !== 0x22 && c !== 0x5c) s += String.fromCharCode(c);
      else if (c === 0x22) s += '\\"';
      else if (c === 0x5c) s += '\\\\';
      else if (c === 0x0a) s += '\\n';
      else if (c === 0x0d) s += '\\r';
      else if (c === 0x09) s += '\\t';
      else if (c === 0x08) s += '\\b';
      else if (c === 0x0c) s += '\\f';
      else s += '\\u00' + HEX[c >> 4]! + HEX[c & 15]!;
      i++;
      continue;
    }
    const [cp, size] = decodeRune(b, i);
    if (cp < 0) s += '\\ufffd';
    else if (cp === 0x2028) s += '\\u2028';
    else if (cp === 0x2029) s += '\\u2029';
    else s += String.fromCodePoint(cp);
    i += size;
  }
  return s + '"';
}
