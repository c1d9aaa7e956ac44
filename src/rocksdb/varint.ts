/**
 * Primitive encodings of RocksDB (facebook/rocksdb:util/coding.h, util/coding_lean.h).
 *
 *   fixed32 / fixed64   little-endian, 4 / 8 bytes
 *   varint32 / varint64 LEB128: 7 bits per byte, low group first, bit 7 = "more";
 *                       varint32 at most 5 bytes, varint64 at most 10 bytes
 *   varsigned64         zigzag ((v << 1) ^ (v >> 63)) then varint64
 *   length-prefixed     varint32 length, then that many bytes
 *
 * Cursor-free API: every reader takes (buf, offset) and reports the value and the offset just
 * after it. The `*Into` forms write into a caller-owned result object, so hot loops allocate
 * nothing; the plain forms return a fresh object.
 *
 * Errors carry no file offset (these readers only know the buffer); they say the buffer
 * position in `context`, and callers add file/offset with `FormatError.withLocation`.
 * 64-bit values come out as `number` when <= Number.MAX_SAFE_INTEGER, otherwise an 'overflow'
 * FormatError; the `Big` forms return bigint for callers that need the full 64 bits.
 */
import { FormatError, truncated } from '../errors.js';

/** Result of a numeric read: the value and the offset just after the encoding. */
export interface NumRead {
  value: number;
  next: number;
}
export interface BigRead {
  value: bigint;
  next: number;
}
export interface SliceRead {
  value: Uint8Array;
  next: number;
}

export const newNumRead = (): NumRead => ({ value: 0, next: 0 });

function at(offset: number, len: number): string {
  return `buffer byte ${offset} of ${len}`;
}

function truncatedVarint(what: string, start: number, len: number): FormatError {
  return truncated(`${what} runs past the end of the buffer`, { context: at(start, len) });
}

function overflow(message: string, start: number, len: number, found?: string): FormatError {
  return new FormatError('overflow', message, { context: at(start, len), found });
}

/** varint32 (at most 5 bytes, value < 2^32) into `out`. */
export function readVarint32Into(buf: Uint8Array, offset: number, out: NumRead): NumRead {
  const len = buf.length;
  let p = offset;
  if (p < len) {
    const b = buf[p]!;
    if (b < 0x80) {
      out.value = b;
      out.next = p + 1;
      return out;
    }
  }
  let result = 0;
  // scale = 2 ** shift, kept by multiplying: `2 ** shift` was a call to pow (a native
  // function) per byte, ~0.3% of a chunk worker's CPU in the 1 KiB-row bench
  for (let shift = 0, scale = 1; shift <= 28; shift += 7, scale *= 128) {
    if (p >= len) throw truncatedVarint('varint32', offset, len);
    const b = buf[p++]!;
    if (shift === 28 && b > 0x0f) {
      throw overflow('varint32 does not fit in 32 bits', offset, len, `byte 0x${b.toString(16)} in 5th position`);
    }
    result += (b & 0x7f) * scale;
    if (b < 0x80) {
      out.value = result;
      out.next = p;
      return out;
    }
  }
  throw overflow('varint32 longer than 5 bytes', offset, len);
}

export function readVarint32(buf: Uint8Array, offset: number): NumRead {
  return readVarint32Into(buf, offset, { value: 0, next: 0 });
}

/**
 * varint64 as a JS number (at most 10 bytes). Values above Number.MAX_SAFE_INTEGER raise
 * 'overflow' (no real RocksDB offset, size or sequence number gets there).
 */
export function readVarint64Into(buf: Uint8Array, offset: number, out: NumRead): NumRead {
  const len = buf.length;
  let p = offset;
  if (p < len) {
    const b0 = buf[p]!;
    if (b0 < 0x80) {
      out.value = b0;
      out.next = p + 1;
      return out;
    }
  }
  // Two halves: lo = bits 0..27 (bytes 1-4), hi = bits 28..55 (bytes 5-8), top = bits 56..63.
  let lo = 0;
  let hi = 0;
  let top = 0;
  for (let i = 0; i < 10; i++) {
    if (p >= len) throw truncatedVarint('varint64', offset, len);
    const b = buf[p++]!;
    const g = b & 0x7f;
    if (i < 4) lo |= g << (7 * i);
    else if (i < 8) hi |= g << (7 * (i - 4));
    else if (i === 8) top = g;
    else {
      if (b > 0x01) throw overflow('varint64 does not fit in 64 bits', offset, len, `byte 0x${b.toString(16)} in 10th position`);
      top |= g << 7;
    }
    if (b < 0x80) {
      // value = top * 2^56 + hi * 2^28 + lo; safe only when top = 0 and hi < 2^25.
      if (top !== 0 || hi >= 0x2000000) throw overflow('varint64 value above 2^53-1', offset, len);
      out.value = hi * 0x10000000 + lo;
      out.next = p;
      return out;
    }
  }
  throw overflow('varint64 longer than 10 bytes', offset, len);
}

export function readVarint64(buf: Uint8Array, offset: number): NumRead {
  return readVarint64Into(buf, offset, { value: 0, next: 0 });
}

/** varint64 with all 64 bits, as an unsigned bigint. */
export function readVarint64Big(buf: Uint8Array, offset: number): BigRead {
  const len = buf.length;
  let p = offset;
  let lo = 0; // bits 0..27 (4 groups)
  let mid = 0; // bits 28..55
  let hi = 0; // bits 56..63
  for (let i = 0; i < 10; i++) {
    if (p >= len) throw truncatedVarint('varint64', offset, len);
    const b = buf[p++]!;
    const g = b & 0x7f;
    if (i < 4) lo |= g << (7 * i);
    else if (i < 8) mid |= g << (7 * (i - 4));
    else if (i === 8) hi = g;
    else {
      if (b > 0x01) throw overflow('varint64 does not fit in 64 bits', offset, len, `byte 0x${b.toString(16)} in 10th position`);
      hi |= g << 7;
    }
    if (b < 0x80) {
      const value = BigInt(lo >>> 0) | (BigInt(mid >>> 0) << 28n) | (BigInt(hi) << 56n);
      return { value, next: p };
    }
  }
  throw overflow('varint64 longer than 10 bytes', offset, len);
}

/** Zigzag-decoded varint64 (facebook/rocksdb:util/coding.h GetVarsignedint64). */
export function readVarsigned64Into(buf: Uint8Array, offset: number, out: NumRead): NumRead {
  readVarint64Into(buf, offset, out);
  const n = out.value;
  // n <= 2^53-1 here; (n >>> 1) ^ -(n & 1) written without 32-bit operators.
  const half = Math.floor(n / 2);
  out.value = n % 2 === 0 ? half : -half - 1;
  return out;
}

export function readVarsigned64(buf: Uint8Array, offset: number): NumRead {
  return readVarsigned64Into(buf, offset, { value: 0, next: 0 });
}

/** Little-endian fixed32 (unsigned). Throws 'truncated' when fewer than 4 bytes remain. */
export function readFixed32(buf: Uint8Array, offset: number): number {
  if (offset < 0 || offset + 4 > buf.length) {
    throw truncated('fixed32 runs past the end of the buffer', { context: at(offset, buf.length) });
  }
  return (buf[offset]! | (buf[offset + 1]! << 8) | (buf[offset + 2]! << 16) | (buf[offset + 3]! << 24)) >>> 0;
}

/** Little-endian fixed16 (unsigned). */
export function readFixed16(buf: Uint8Array, offset: number): number {
  if (offset < 0 || offset + 2 > buf.length) {
    throw truncated('fixed16 runs past the end of the buffer', { context: at(offset, buf.length) });
  }
  return buf[offset]! | (buf[offset + 1]! << 8);
}

/** Little-endian fixed64 as a number; 'overflow' above Number.MAX_SAFE_INTEGER. */
export function readFixed64(buf: Uint8Array, offset: number): number {
  if (offset < 0 || offset + 8 > buf.length) {
    throw truncated('fixed64 runs past the end of the buffer', { context: at(offset, buf.length) });
  }
  const lo = readFixed32(buf, offset);
  const hi = readFixed32(buf, offset + 4);
  if (hi >= 0x200000) throw overflow('fixed64 value above 2^53-1', offset, buf.length, `high word 0x${hi.toString(16)}`);
  return hi * 0x100000000 + lo;
}

/** Little-endian fixed64 as an unsigned bigint. */
export function readFixed64Big(buf: Uint8Array, offset: number): bigint {
  if (offset < 0 || offset + 8 > buf.length) {
    throw truncated('fixed64 runs past the end of the buffer', { context: at(offset, buf.length) });
  }
  return (BigInt(readFixed32(buf, offset + 4)) << 32n) | BigInt(readFixed32(buf, offset));
}

/** varint32 length then bytes; the slice is a zero-copy view into `buf`. */
export function readLengthPrefixed(buf: Uint8Array, offset: number): SliceRead {
  const n = readVarint32(buf, offset);
  const end = n.next + n.value;
  if (end > buf.length) {
    throw truncated('length-prefixed slice runs past the end of the buffer', {
      context: at(offset, buf.length),
      expected: `${n.value} bytes`,
      found: `${buf.length - n.next} bytes`,
    });
  }
  return { value: buf.subarray(n.next, end), next: end };
}

/** Append a varint (for tests and key building; value must be a safe non-negative integer). */
export function encodeVarint(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`encodeVarint: ${value}`);
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Uint8Array.from(out);
}
