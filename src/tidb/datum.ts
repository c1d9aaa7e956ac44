/**
 * TiDB datums: flag byte + payload, in both the comparable "key" encoding (EncodeKey: common
 * handles, index keys) and the "value" encoding (EncodeValue: row v1, old defaults).
 *
 * Source: pingcap/tidb:pkg/util/codec/codec.go (encode, DecodeOne, CutOne, peek),
 * tikv/tikv:components/tidb_query_datatype/src/codec/datum.rs (same flag values).
 *
 *   flag  name              payload
 *   00    NilFlag           none                                   (NULL)
 *   01    bytesFlag         memcomparable bytes (§1.4)             e.g. "123" -> 01 313233 0000000000 fa
 *   02    compactBytesFlag  zigzag varint length + bytes           e.g. "123" -> 02 06 313233
 *   03    intFlag           EncodeInt (u64BE ^ sign bit)           e.g. 1 -> 03 8000000000000001
 *   04    uintFlag          u64BE                                  (also packed times, enum/set/bit)
 *   05    floatFlag         comparable float64
 *   06    decimalFlag       precision, frac, decimal bin
 *   07    durationFlag      EncodeInt(nanoseconds)                  e.g. 1s -> 07 800000003b9aca00
 *   08    varintFlag        zigzag varint                          e.g. 1 -> 08 02
 *   09    uvarintFlag       uvarint                                e.g. 1 -> 09 01
 *   0a    jsonFlag          JSON type code + binary JSON
 *   14    vectorFloat32Flag u32LE dim + f32LE × dim
 *   fa    maxFlag           range bound only (never stored) -> DataError
 */
import { DataError, FormatError } from '../errors.js';
import { decodeBytes } from '../tikv/memcomparable.js';
import { decodeCmpInt, decodeCmpUint, readUvarint, readVarint } from './codec-number.js';
import { decodeCmpFloat } from './comparable-float.js';
import { decodeDecimalWithPrec, peekDecimalWithPrec, type Decimal } from './decimal.js';
import { peekJson } from './json-binary.js';
import { peekVector } from './vector.js';

export const DatumFlag = {
  Nil: 0,
  Bytes: 1,
  CompactBytes: 2,
  Int: 3,
  Uint: 4,
  Float: 5,
  Decimal: 6,
  Duration: 7,
  Varint: 8,
  Uvarint: 9,
  Json: 10,
  VectorFloat32: 20,
  Max: 250,
} as const;

export type Datum =
  | { kind: 'null' }
  | { kind: 'int'; value: bigint }
  | { kind: 'uint'; value: bigint }
  | { kind: 'float'; value: number }
  | { kind: 'bytes'; value: Uint8Array }
  | { kind: 'decimal'; value: Decimal; precision: number; frac: number }
  /** nanoseconds; DecodeOne sets fsp 6 — the column decides how many digits print. */
  | { kind: 'duration'; value: bigint }
  /** JSON type code + binary payload (the row-v2 JSON form). */
  | { kind: 'json'; value: Uint8Array }
  /** u32LE dim + f32LE elements. */
  | { kind: 'vector'; value: Uint8Array };

function need(buf: Uint8Array, off: number, n: number, what: string): void {
  if (off + n > buf.length) throw new DataError(`truncated ${what} datum at offset ${off}: need ${n} bytes`);
}

function mcDecode(buf: Uint8Array, off: number): { value: Uint8Array; end: number } {
  try {
    return decodeBytes(buf, off);
  } catch (e) {
    if (e instanceof FormatError) throw new DataError(`bad memcomparable bytes datum at offset ${off}: ${e.message}`);
    throw e;
  }
}

function compactLen(buf: Uint8Array, off: number): { len: number; start: number } {
  const { value, end } = readVarint(buf, off);
  if (value < 0n || value > BigInt(buf.length - end)) {
    throw new DataError(`compact bytes length ${value} at offset ${off} exceeds the ${buf.length - end} bytes left`);
  }
  return { len: Number(value), start: end };
}

/** DecodeOne: one datum at `offset`. */
export function decodeDatum(buf: Uint8Array, offset: number): { datum: Datum; end: number } {
  if (offset >= buf.length) throw new DataError(`missing datum at offset ${offset}`);
  const flag = buf[offset]!;
  const p = offset + 1;
  switch (flag) {
    case DatumFlag.Nil:
      return { datum: { kind: 'null' }, end: p };
    case DatumFlag.Int:
      need(buf, p, 8, 'int');
      return { datum: { kind: 'int', value: decodeCmpInt(buf, p) }, end: p + 8 };
    case DatumFlag.Uint:
      need(buf, p, 8, 'uint');
      return { datum: { kind: 'uint', value: decodeCmpUint(buf, p) }, end: p + 8 };
    case DatumFlag.Varint: {
      const { value, end } = readVarint(buf, p);
      return { datum: { kind: 'int', value }, end };
    }
    case DatumFlag.Uvarint: {
      const { value, end } = readUvarint(buf, p);
      return { datum: { kind: 'uint', value }, end };
    }
    case DatumFlag.Float:
      need(buf, p, 8, 'float');
      return { datum: { kind: 'float', value: decodeCmpFloat(buf, p) }, end: p + 8 };
    case DatumFlag.Bytes: {
      const { value, end } = mcDecode(buf, p);
      return { datum: { kind: 'bytes', value }, end };
    }
    case DatumFlag.CompactBytes: {
      const { len, start } = compactLen(buf, p);
      return { datum: { kind: 'bytes', value: buf.subarray(start, start + len) }, end: start + len };
    }
    case DatumFlag.Decimal: {
      const { value, precision, frac, end } = decodeDecimalWithPrec(buf, p);
      return { datum: { kind: 'decimal', value, precision, frac }, end };
    }
    case DatumFlag.Duration:
      need(buf, p, 8, 'duration');
      return { datum: { kind: 'duration', value: decodeCmpInt(buf, p) }, end: p + 8 };
    case DatumFlag.Json: {
      const len = peekJson(buf, p);
      return { datum: { kind: 'json', value: buf.subarray(p, p + len) }, end: p + len };
    }
    case DatumFlag.VectorFloat32: {
      const len = peekVector(buf, p);
      return { datum: { kind: 'vector', value: buf.subarray(p, p + len) }, end: p + len };
    }
    default:
      throw new DataError(`invalid datum flag 0x${flag.toString(16).padStart(2, '0')} at offset ${offset}`);
  }
}

/** CutOne: the end offset of the datum at `offset`, without building its value. */
export function cutDatum(buf: Uint8Array, offset: number): number {
  if (offset >= buf.length) throw new DataError(`missing datum at offset ${offset}`);
  const flag = buf[offset]!;
  const p = offset + 1;
  switch (flag) {
    case DatumFlag.Nil:
      return p;
    case DatumFlag.Int:
    case DatumFlag.Uint:
    case DatumFlag.Float:
    case DatumFlag.Duration:
      need(buf, p, 8, 'fixed-width');
      return p + 8;
    case DatumFlag.Varint:
      return readVarint(buf, p).end;
    case DatumFlag.Uvarint:
      return readUvarint(buf, p).end;
    case DatumFlag.Bytes:
      return mcDecode(buf, p).end;
    case DatumFlag.CompactBytes: {
      const { len, start } = compactLen(buf, p);
      return start + len;
    }
    case DatumFlag.Decimal: {
      const len = peekDecimalWithPrec(buf, p);
      need(buf, p, len, 'decimal');
      return p + len;
    }
    case DatumFlag.Json:
      return p + peekJson(buf, p);
    case DatumFlag.VectorFloat32:
      return p + peekVector(buf, p);
    default:
      throw new DataError(`invalid datum flag 0x${flag.toString(16).padStart(2, '0')} at offset ${offset}`);
  }
}

/** Decodes a sequence of datums that must fill `buf` exactly (e.g. a common handle). */
export function decodeDatums(buf: Uint8Array): Datum[] {
  const out: Datum[] = [];
  let off = 0;
  while (off < buf.length) {
    const { datum, end } = decodeDatum(buf, off);
    out.push(datum);
    off = end;
  }
  return out;
}
