/**
 * Integer codecs used by TiDB keys, datums and row values.
 *
 * Sources: pingcap/tidb:pkg/util/codec/number.go (EncodeInt/DecodeInt, EncodeUint, EncodeVarint,
 * EncodeUvarint), pingcap/tidb:pkg/util/rowcodec/common.go (decodeInt/decodeUint, narrow LE ints),
 * tikv/tikv:components/tikv_util/src/codec/number.rs.
 *
 * Comparable int (EncodeInt), 8 bytes:
 *   u64BE(uint64(v) XOR 0x8000_0000_0000_0000)      e.g. 1 -> 80 00 00 00 00 00 00 01, -1 -> 7f ff … ff
 * Comparable uint (EncodeUint): u64BE(v).
 * uvarint (LEB128): 7 bits per byte, low group first, high bit = more; at most 10 bytes, and the
 *   10th byte may only carry bit 63 (value 0 or 1).                      e.g. 300 -> ac 02
 * varint (Go zigzag): uvarint((v << 1) ^ (v >> 63))                      e.g. -1 -> 01, 64 -> 80 01
 * Narrow LE ints (row v2): 1, 2, 4 or 8 bytes little-endian; signed values sign-extended. TiDB's
 *   decodeInt treats any other width as 8 bytes; we reject it (DataError).
 */
import { DataError, FormatError } from '../errors.js';
import { encodeUvarint64, encodeVarint64, readUvarint64, readVarint64, writeU64BE as writeU64BEInto } from '../tikv/number-codec.js';

/** The varint readers are TiKV's (tikv/number-codec.ts); in a TiDB value a bad one is a DataError. */
function asDataError(e: unknown): unknown {
  return e instanceof FormatError ? new DataError(e.message) : e;
}

const SIGN = 0x8000000000000000n;
const U64 = 0xffffffffffffffffn;

export interface Decoded<T> {
  value: T;
  /** Offset just past the decoded bytes. */
  end: number;
}

function need(buf: Uint8Array, offset: number, n: number, what: string): void {
  if (offset < 0 || offset + n > buf.length) {
    throw new DataError(`truncated ${what}: need ${n} bytes at offset ${offset}, have ${Math.max(0, buf.length - offset)}`);
  }
}

/** Reads a u64 big-endian as bigint. */
export function readU64BE(buf: Uint8Array, offset: number): bigint {
  need(buf, offset, 8, 'u64');
  const hi = ((buf[offset]! << 24) | (buf[offset + 1]! << 16) | (buf[offset + 2]! << 8) | buf[offset + 3]!) >>> 0;
  const lo = ((buf[offset + 4]! << 24) | (buf[offset + 5]! << 16) | (buf[offset + 6]! << 8) | buf[offset + 7]!) >>> 0;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

export function writeU64BE(v: bigint, out: Uint8Array = new Uint8Array(8), offset = 0): Uint8Array {
  writeU64BEInto(out, offset, BigInt.asUintN(64, v));
  return out;
}

/** EncodeInt: comparable 8-byte form of an int64. */
export function encodeCmpInt(v: bigint): Uint8Array {
  return writeU64BE(BigInt.asUintN(64, v) ^ SIGN);
}

/** DecodeInt: int64 from its comparable 8-byte form at `offset`. */
export function decodeCmpInt(buf: Uint8Array, offset: number): bigint {
  return BigInt.asIntN(64, readU64BE(buf, offset) ^ SIGN);
}

/** EncodeUint: plain u64BE. */
export function encodeCmpUint(v: bigint): Uint8Array {
  return writeU64BE(v);
}

export function decodeCmpUint(buf: Uint8Array, offset: number): bigint {
  return readU64BE(buf, offset);
}

/** LEB128 uvarint (max 10 bytes, value < 2^64). */
export function readUvarint(buf: Uint8Array, offset: number): Decoded<bigint> {
  try {
    return readUvarint64(buf, offset);
  } catch (e) {
    throw asDataError(e);
  }
}

/** Go zigzag varint. */
export function readVarint(buf: Uint8Array, offset: number): Decoded<bigint> {
  try {
    return readVarint64(buf, offset);
  } catch (e) {
    throw asDataError(e);
  }
}

export function encodeUvarint(v: bigint): Uint8Array {
  return encodeUvarint64(BigInt.asUintN(64, v));
}

export function encodeVarint(v: bigint): Uint8Array {
  return encodeVarint64(BigInt.asIntN(64, v));
}

function checkWidth(bytes: Uint8Array): void {
  const n = bytes.length;
  if (n !== 1 && n !== 2 && n !== 4 && n !== 8) {
    throw new DataError(`integer of ${n} bytes: row v2 integers are 1, 2, 4 or 8 bytes`);
  }
}

function leUnsigned(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  return v;
}

/** Row-v2 signed int: 1/2/4/8 bytes LE, sign-extended. */
export function decodeNarrowInt(bytes: Uint8Array): bigint {
  checkWidth(bytes);
  return BigInt.asIntN(bytes.length * 8, leUnsigned(bytes));
}

/** Row-v2 unsigned int: 1/2/4/8 bytes LE. */
export function decodeNarrowUint(bytes: Uint8Array): bigint {
  checkWidth(bytes);
  return leUnsigned(bytes);
}

function leBytes(v: bigint, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = v;
  for (let i = 0; i < n; i++) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

/** Row-v2 encoder for signed ints (narrowest width), as TiDB's encodeInt. */
export function encodeNarrowInt(v: bigint): Uint8Array {
  const x = BigInt.asIntN(64, v);
  if (x >= -128n && x <= 127n) return leBytes(BigInt.asUintN(8, x), 1);
  if (x >= -32768n && x <= 32767n) return leBytes(BigInt.asUintN(16, x), 2);
  if (x >= -2147483648n && x <= 2147483647n) return leBytes(BigInt.asUintN(32, x), 4);
  return leBytes(BigInt.asUintN(64, x), 8);
}

/** Row-v2 encoder for unsigned ints (narrowest width), as TiDB's encodeUint. */
export function encodeNarrowUint(v: bigint): Uint8Array {
  const x = BigInt.asUintN(64, v);
  if (x <= 0xffn) return leBytes(x, 1);
  if (x <= 0xffffn) return leBytes(x, 2);
  if (x <= 0xffffffffn) return leBytes(x, 4);
  return leBytes(x & U64, 8);
}
