/**
 * Test-side encoders for TiDB keys and datums (tikv-tidb-encoding.md §3, §4;
 * pingcap/tidb:pkg/tablecodec/tablecodec.go, pkg/structure/type.go, pkg/util/codec/codec.go).
 */
import {
  type Bytes,
  DatumFlag,
  comparableFloat,
  concat,
  encodeIntComparable,
  mcBytes,
  u64BE,
  utf8,
  uvarint,
  varint,
} from './codec.js';

/** A datum for EncodeKey / EncodeValue. */
export type Datum =
  | { k: 'null' }
  | { k: 'int'; v: bigint | number }
  | { k: 'uint'; v: bigint | number }
  | { k: 'float'; v: number }
  | { k: 'bytes'; v: Bytes }
  | { k: 'decimal'; prec: number; frac: number; bin: Bytes } // bin = decimalBin(...)
  | { k: 'duration'; ns: bigint }
  | { k: 'json'; v: Bytes } // type code + binary JSON
  | { k: 'vector'; v: Bytes }; // u32 dim + f32s

/** codec.EncodeKey for one datum (comparable form). */
export function encodeKeyDatum(d: Datum): Bytes {
  switch (d.k) {
    case 'null':
      return new Uint8Array([DatumFlag.Nil]);
    case 'int':
      return concat(new Uint8Array([DatumFlag.Int]), encodeIntComparable(d.v));
    case 'uint':
      return concat(new Uint8Array([DatumFlag.Uint]), u64BE(d.v));
    case 'float':
      return concat(new Uint8Array([DatumFlag.Float]), comparableFloat(d.v));
    case 'bytes':
      return concat(new Uint8Array([DatumFlag.Bytes]), mcBytes(d.v));
    case 'decimal':
      return concat(new Uint8Array([DatumFlag.Decimal, d.prec, d.frac]), d.bin);
    case 'duration':
      return concat(new Uint8Array([DatumFlag.Duration]), encodeIntComparable(d.ns));
    case 'json':
      return concat(new Uint8Array([DatumFlag.Json]), d.v);
    case 'vector':
      return concat(new Uint8Array([DatumFlag.VectorFloat32]), d.v);
  }
}

/** codec.EncodeValue for one datum (row v1 / defaults). */
export function encodeValueDatum(d: Datum): Bytes {
  switch (d.k) {
    case 'int':
      return concat(new Uint8Array([DatumFlag.Varint]), varint(d.v));
    case 'uint':
      return concat(new Uint8Array([DatumFlag.Uvarint]), uvarint(d.v));
    case 'bytes':
      return concat(new Uint8Array([DatumFlag.CompactBytes]), varint(d.v.length), d.v);
    case 'duration': // flattened to int for row v1
      return concat(new Uint8Array([DatumFlag.Varint]), varint(d.ns));
    default:
      return encodeKeyDatum(d);
  }
}

// ---------------------------------------------------------------------------------------------
// Record keys (§3.1): 't' + EncodeInt(tableID) + "_r" + handle.
// ---------------------------------------------------------------------------------------------
export function tablePrefix(tableId: bigint | number): Bytes {
  return concat(utf8('t'), encodeIntComparable(tableId));
}

export function recordKeyInt(tableId: bigint | number, handle: bigint | number): Bytes {
  return concat(tablePrefix(tableId), utf8('_r'), encodeIntComparable(handle));
}

export function recordKeyCommon(tableId: bigint | number, pk: Datum[]): Bytes {
  return concat(tablePrefix(tableId), utf8('_r'), ...pk.map(encodeKeyDatum));
}

/** Index key (§3.2): 't' + EncodeInt(tid) + "_i" + EncodeInt(iid) + EncodeKey(values) [+ handle]. */
export function indexKey(tableId: bigint | number, indexId: bigint | number, values: Datum[], intHandle?: bigint | number): Bytes {
  const parts = [tablePrefix(tableId), utf8('_i'), encodeIntComparable(indexId), ...values.map(encodeKeyDatum)];
  if (intHandle !== undefined) parts.push(encodeKeyDatum({ k: 'int', v: intHandle }));
  return concat(...parts);
}

// ---------------------------------------------------------------------------------------------
// Meta keys (§3.3): string 'm'+mc(key)+u64BE('s'); hash data 'm'+mc(key)+u64BE('h')+mc(field).
// ---------------------------------------------------------------------------------------------
export function metaStringKey(key: string): Bytes {
  return concat(utf8('m'), mcBytes(utf8(key)), u64BE(0x73));
}

export function metaHashKey(key: string, field: string): Bytes {
  return concat(utf8('m'), mcBytes(utf8(key)), u64BE(0x68), mcBytes(utf8(field)));
}

/** Legacy (TiDB <= 5.1) hash meta key 'm'+mc(key)+u64BE('H'); value u64BE field count. Readers ignore it. */
export function metaHashMetaKey(key: string): Bytes {
  return concat(utf8('m'), mcBytes(utf8(key)), u64BE(0x48));
}

export const dbsField = (dbId: number): [string, string] => ['DBs', `DB:${dbId}`];
export const tableField = (dbId: number, tableId: number): [string, string] => [`DB:${dbId}`, `Table:${tableId}`];
