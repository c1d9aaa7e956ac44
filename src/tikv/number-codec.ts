/**
 * TiKV's number codec, the subset the MVCC records use.
 * Source: tikv/tikv:components/tikv_util/src/codec/number.rs (`encode_var_u64`/`decode_var_u64`,
 * `encode_var_i64` zigzag, `encode_u64` big-endian, `encode_u64_desc` = BE of !v).
 *
 *   uvarint  LEB128: 7 bits per byte, low group first, high bit = "more follows"; at most 10 bytes
 *            e.g. 1<<20 -> 80 80 40
 *   varint   zigzag ((v << 1) ^ (v >> 63)) then uvarint; e.g. 2 -> 04
 *   u64BE    8 bytes big-endian
 *
 * Every reader takes (buf, offset) and returns the value and the offset just past it; nothing is
 * copied. Errors are FormatErrors with the offset *inside buf*; callers that know the record's
 * key add it as context.
 */
import { FormatError, truncated } from '../errors.js';

export interface Read<T> {
  value: T;
  end: number;
}

const MAX_VARINT_LEN = 10;

/** Unsigned LEB128 up to 64 bits as a bigint. Truncated -> 'truncated', > 64 bits -> 'overflow'. */
export function readUvarint64(buf: Uint8Array, offset: number): Read<bigint> {
  // Fast path: up to 4 bytes fit a 28-bit number.
  let lo = 0;
  let i = offset;
  for (let shift = 0; shift < 28; shift += 7) {
    if (i >= buf.length) throw truncated('uvarint runs past the end of the record', { offset: i });
    const b = buf[i++]!;
    lo |= (b & 0x7f) << shift;
    if (b < 0x80) return { value: BigInt(lo >>> 0), end: i };
  }
  let value = BigInt(lo >>> 0);
  let shift = 28n;
  while (true) {
    if (i - offset >= MAX_VARINT_LEN) {
      throw new FormatError('overflow', 'uvarint longer than 10 bytes', { offset });
    }
    if (i >= buf.length) throw truncated('uvarint runs past the end of the record', { offset: i });
    const b = buf[i++]!;
    if (i - offset === MAX_VARINT_LEN && b > 1) {
      throw new FormatError('overflow', 'uvarint does not fit in 64 bits', { offset, found: `last byte 0x${b.toString(16)}` });
    }
    value |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) return { value, end: i };
    shift += 7n;
  }
}

/** Zigzag varint (Go `binary.PutVarint`, TiKV `encode_var_i64`) as a bigint. */
export function readVarint64(buf: Uint8Array, offset: number): Read<bigint> {
  const u = readUvarint64(buf, offset);
  const v = u.value;
  return { value: (v >> 1n) ^ -(v & 1n), end: u.end };
}

/** 8-byte big-endian unsigned. */
export function readU64BE(buf: Uint8Array, offset: number): Read<bigint> {
  if (offset + 8 > buf.length) {
    throw truncated('u64 runs past the end of the record', {
      offset,
      expected: '8 bytes',
      found: `${Math.max(0, buf.length - offset)}`,
    });
  }
  const hi = ((buf[offset]! << 24) | (buf[offset + 1]! << 16) | (buf[offset + 2]! << 8) | buf[offset + 3]!) >>> 0;
  const lo = ((buf[offset + 4]! << 24) | (buf[offset + 5]! << 16) | (buf[offset + 6]! << 8) | buf[offset + 7]!) >>> 0;
  return { value: (BigInt(hi) << 32n) | BigInt(lo), end: offset + 8 };
}

export const U64_MAX = 0xffff_ffff_ffff_ffffn;

/** Write v (0 <= v < 2^64) as 8 bytes big-endian into out at offset. */
export function writeU64BE(out: Uint8Array, offset: number, v: bigint): void {
  if (v < 0n || v > U64_MAX) throw new RangeError(`u64 out of range: ${v}`);
  const hi = Number(v >> 32n);
  const lo = Number(v & 0xffff_ffffn);
  out[offset] = hi >>> 24;
  out[offset + 1] = (hi >>> 16) & 0xff;
  out[offset + 2] = (hi >>> 8) & 0xff;
  out[offset + 3] = hi & 0xff;
  out[offset + 4] = lo >>> 24;
  out[offset + 5] = (lo >>> 16) & 0xff;
  out[offset + 6] = (lo >>> 8) & 0xff;
  out[offset + 7] = lo & 0xff;
}

/** Encode an unsigned LEB128 (used by tests and fixture builders). */
export function encodeUvarint64(v: bigint): Uint8Array {
  if (v < 0n || v > U64_MAX) throw new RangeError(`u64 out of range: ${v}`);
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Uint8Array.from(out);
}

/** Encode a zigzag varint. */
export function encodeVarint64(v: bigint): Uint8Array {
  return encodeUvarint64(BigInt.asUintN(64, (v << 1n) ^ (v >> 63n)));
}
