/**
 * Internal keys (facebook/rocksdb:db/dbformat.h `PackSequenceAndType`, `ParseInternalKey`).
 *
 *   internal key = user key ++ fixed64 LE trailer, trailer = (seq << 8) | type
 *   byte [n-8]        type (ValueType, see types.ts)
 *   bytes [n-7..n-1]  seq, 56-bit little-endian
 *
 * Order: user key ascending (bytewise), then trailer descending (newest first).
 * Sequence numbers are JS numbers; above Number.MAX_SAFE_INTEGER -> 'overflow'.
 */
import { FormatError, corruption, hex } from '../errors.js';

export const TRAILER_SIZE = 8;
/** 2^56 - 1, RocksDB's kMaxSequenceNumber (not a safe JS integer; only used symbolically). */
export const MAX_SEQ_BIG = (1n << 56n) - 1n;

export interface ParsedInternalKey {
  userKey: Uint8Array;
  seq: number;
  type: number;
}

/** Throws 'corruption' when `len` cannot hold a trailer. */
export function userKeyLength(ikey: Uint8Array, context?: string): number {
  if (ikey.length < TRAILER_SIZE) {
    throw corruption('internal key shorter than its 8-byte trailer', {
      context,
      expected: '>= 8 bytes',
      found: `${ikey.length} bytes (${hex(ikey)})`,
    });
  }
  return ikey.length - TRAILER_SIZE;
}

/** Type byte of the internal key stored at buf[start, end). */
export function trailerType(buf: Uint8Array, end: number): number {
  return buf[end - TRAILER_SIZE]!;
}

/** Sequence number of the internal key ending at `end` (56-bit, checked against 2^53). */
export function trailerSeq(buf: Uint8Array, end: number): number {
  const p = end - 7;
  // bytes p..p+6, little-endian: low 24 bits from p..p+2, high 32 bits from p+3..p+6.
  const lo = buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16);
  const hi = (buf[p + 3]! | (buf[p + 4]! << 8) | (buf[p + 5]! << 16) | (buf[p + 6]! << 24)) >>> 0;
  if (hi >= 0x20000000) {
    throw new FormatError('overflow', 'sequence number above 2^53-1', {
      found: `trailer ${hex(buf.subarray(end - 8, end))}`,
    });
  }
  return hi * 0x1000000 + lo;
}

export function parseInternalKey(ikey: Uint8Array, context?: string): ParsedInternalKey {
  const n = userKeyLength(ikey, context);
  return { userKey: ikey.subarray(0, n), seq: trailerSeq(ikey, ikey.length), type: trailerType(ikey, ikey.length) };
}

/** Build user key ++ trailer(seq, type). */
export function makeInternalKey(userKey: Uint8Array, seq: number, type: number): Uint8Array {
  if (!Number.isSafeInteger(seq) || seq < 0) throw new RangeError(`makeInternalKey: bad seq ${seq}`);
  const out = new Uint8Array(userKey.length + TRAILER_SIZE);
  out.set(userKey, 0);
  const p = userKey.length;
  out[p] = type & 0xff;
  let s = seq;
  for (let i = 1; i < 8; i++) {
    out[p + i] = s % 256;
    s = Math.floor(s / 256);
  }
  return out;
}

/** Bytewise comparison of a[aStart,aEnd) and b[bStart,bEnd) (leveldb.BytewiseComparator). */
export function compareBytesRange(
  a: Uint8Array,
  aStart: number,
  aEnd: number,
  b: Uint8Array,
  bStart: number,
  bEnd: number,
): number {
  const la = aEnd - aStart;
  const lb = bEnd - bStart;
  const n = la < lb ? la : lb;
  for (let i = 0; i < n; i++) {
    const d = a[aStart + i]! - b[bStart + i]!;
    if (d !== 0) return d;
  }
  return la - lb;
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return compareBytesRange(a, 0, a.length, b, 0, b.length);
}

/** Internal-key order: user key ascending, then (seq, type) descending. */
export function compareInternalKeys(a: Uint8Array, b: Uint8Array): number {
  const ua = userKeyLength(a);
  const ub = userKeyLength(b);
  const c = compareBytesRange(a, 0, ua, b, 0, ub);
  if (c !== 0) return c;
  // Compare trailers as unsigned 64-bit little-endian numbers, descending.
  for (let i = 7; i >= 0; i--) {
    const d = b[ub + i]! - a[ua + i]!;
    if (d !== 0) return d;
  }
  return 0;
}
