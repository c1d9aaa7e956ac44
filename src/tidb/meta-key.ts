/**
 * TiDB's "structure" encoding of meta keys (tikv-tidb-encoding.md §3.3).
 * Sources: pingcap/tidb:pkg/structure/type.go (`EncodeStringDataKey`, `encodeHashDataKey`,
 * `encodeHashMetaKey`, `encodeListMetaKey`, `encodeListDataKey`, `decodeHashDataKey`),
 * pkg/tablecodec/tablecodec.go (`EncodeMetaKey`/`DecodeMetaKey`), pkg/meta/meta.go (key names).
 *
 * Raw TiDB keys (before TiKV's own mc encoding + ts suffix):
 *
 *   string data   6d | mc(key) | u64BE(0x73 's')
 *   hash data     6d | mc(key) | u64BE(0x68 'h') | mc(field)
 *   hash meta     6d | mc(key) | u64BE(0x48 'H')                 (legacy field count; ignored)
 *   list meta     6d | mc(key) | u64BE(0x4c 'L')                 (DDL queues; ignored)
 *   list data     6d | mc(key) | u64BE(0x6c 'l') | EncodeInt(i)  (DDL queues; ignored)
 *
 * e.g. (pkg/tablecodec/tablecodec_test.go TestDecodeAutoIDMeta) hash DB:56 field TID:108 =
 *   6d | 44 42 3a 35 36 00 00 00 fc | 00 00 00 00 00 00 00 68 | 54 49 44 3a 31 30 38 00 fe
 *
 * All fields of one hash lie in [6d mc(key) u64BE('h'), same with the last byte 0x69): mc(key) is
 * self-delimiting, so hash "DB:1" never sees the fields of "DB:10" (whose mc differs inside the
 * first group), unlike a byte-prefix scan on the decimal text.
 */
import { corruption, FormatError, hex, truncated } from '../errors.js';
import { decodeBytes, encodeBytes } from '../tikv/memcomparable.js';

export const META_PREFIX = 0x6d; // 'm'
export const STRING_DATA = 0x73; // 's'
export const HASH_DATA = 0x68; // 'h'
export const HASH_META = 0x48; // 'H'
export const LIST_META = 0x4c; // 'L'
export const LIST_DATA = 0x6c; // 'l'

/** Well-known names (pkg/meta/meta.go). */
export const MetaName = {
  DBs: 'DBs',
  SchemaVersionKey: 'SchemaVersionKey',
  NextGlobalID: 'NextGlobalID',
  dbKey: (dbId: number): string => `DB:${dbId}`,
  tableField: (tableId: number): string => `Table:${tableId}`,
} as const;

export type MetaKey =
  | { kind: 'string'; key: Uint8Array }
  | { kind: 'hash'; key: Uint8Array; field: Uint8Array }
  | { kind: 'hash-meta'; key: Uint8Array }
  | { kind: 'list-meta'; key: Uint8Array }
  | { kind: 'list'; key: Uint8Array; index: bigint };

const enc = new TextEncoder();
const toBytes = (s: string | Uint8Array): Uint8Array => (typeof s === 'string' ? enc.encode(s) : s);

function withType(key: string | Uint8Array, type: number, extra = 0): { buf: Uint8Array; end: number } {
  const mk = encodeBytes(toBytes(key));
  const buf = new Uint8Array(1 + mk.length + 8 + extra);
  buf[0] = META_PREFIX;
  buf.set(mk, 1);
  // u64BE(type): seven zero bytes then the type byte.
  buf[mk.length + 8] = type;
  return { buf, end: 1 + mk.length + 8 };
}

/** `'m' + mc(key) + u64BE('s')`. */
export function encodeStringKey(key: string | Uint8Array): Uint8Array {
  return withType(key, STRING_DATA).buf;
}

/** `'m' + mc(key) + u64BE('h')`: the exact common prefix of every field of hash `key`. */
export function hashDataPrefix(key: string | Uint8Array): Uint8Array {
  return withType(key, HASH_DATA).buf;
}

/** `'m' + mc(key) + u64BE('h') + mc(field)`. */
export function encodeHashDataKey(key: string | Uint8Array, field: string | Uint8Array): Uint8Array {
  const f = encodeBytes(toBytes(field));
  const { buf, end } = withType(key, HASH_DATA, f.length);
  buf.set(f, end);
  return buf;
}

/** `'m' + mc(key) + u64BE('H')` (legacy hash meta, ≤ v5.1). */
export function encodeHashMetaKey(key: string | Uint8Array): Uint8Array {
  return withType(key, HASH_META).buf;
}

/** Raw range [start, end) holding exactly the data fields of hash `key`. */
export function hashRange(key: string | Uint8Array): { start: Uint8Array; end: Uint8Array } {
  const start = hashDataPrefix(key);
  const end = new Uint8Array(start);
  end[end.length - 1] = HASH_DATA + 1;
  return { start, end };
}

/** Strict decode of a raw meta key; any trailing or missing byte is a FormatError. */
export function decodeMetaKey(raw: Uint8Array): MetaKey {
  const context = `meta key ${hex(raw)}`;
  if (raw.length === 0 || raw[0] !== META_PREFIX) {
    throw corruption('not a meta key', { context, offset: 0, expected: "prefix 0x6d 'm'", found: raw.length === 0 ? 'empty key' : `0x${raw[0]!.toString(16)}` });
  }
  let d: { value: Uint8Array; end: number };
  try {
    d = decodeBytes(raw, 1);
  } catch (e) {
    if (e instanceof FormatError) throw new FormatError(e.code, `meta key name: ${e.message}`, { context });
    throw e;
  }
  const key = d.value;
  let pos = d.end;
  if (pos + 8 > raw.length) throw truncated('meta key ends inside the type word', { context, offset: pos, expected: '8 bytes', found: `${raw.length - pos}` });
  for (let i = 0; i < 7; i++) {
    if (raw[pos + i] !== 0) throw corruption('meta key type word is not a small u64', { context, offset: pos + i, expected: '0x00', found: `0x${raw[pos + i]!.toString(16)}` });
  }
  const type = raw[pos + 7]!;
  pos += 8;
  const end = (k: MetaKey): MetaKey => {
    if (pos !== raw.length) throw corruption('trailing bytes after meta key', { context, offset: pos, expected: 'end of key', found: hex(raw.subarray(pos)) });
    return k;
  };
  switch (type) {
    case STRING_DATA:
      return end({ kind: 'string', key });
    case HASH_META:
      return end({ kind: 'hash-meta', key });
    case LIST_META:
      return end({ kind: 'list-meta', key });
    case HASH_DATA: {
      let f: { value: Uint8Array; end: number };
      try {
        f = decodeBytes(raw, pos);
      } catch (e) {
        if (e instanceof FormatError) throw new FormatError(e.code, `meta hash field: ${e.message}`, { context });
        throw e;
      }
      pos = f.end;
      return end({ kind: 'hash', key, field: f.value });
    }
    case LIST_DATA: {
      if (pos + 8 > raw.length) throw truncated('meta list key ends inside the index', { context, offset: pos, expected: '8 bytes', found: `${raw.length - pos}` });
      let u = 0n;
      for (let i = 0; i < 8; i++) u = (u << 8n) | BigInt(raw[pos + i]!);
      pos += 8;
      // EncodeInt: sign bit flipped.
      return end({ kind: 'list', key, index: BigInt.asIntN(64, u ^ 0x8000000000000000n) });
    }
    default:
      throw corruption('unknown meta key type', { context, offset: pos - 1, expected: "one of 's' 'h' 'H' 'L' 'l'", found: `0x${type.toString(16)}` });
  }
}
