/**
 * Memcomparable bytes encoding (the MyRocks format), used by TiKV for every MVCC user key and
 * by TiDB for string datums.
 * Sources: tikv/tikv:components/tikv_util/src/codec/bytes.rs (`encode_bytes`, `decode_bytes`,
 * `encode_bytes_desc`), pingcap/tidb:pkg/util/codec/bytes.go (`EncodeBytes`, `DecodeBytes`).
 *
 * Ascending layout: the input is cut into 8-byte groups; each group is written as 8 bytes
 * (a short last group right-padded with 0x00) followed by a marker byte 0xFF - padCount.
 * The loop runs for idx = 0; idx <= len; idx += 8, so a length that is a multiple of 8 (also
 * the empty input) ends with an all-padding group 00x8 F7. Encoded length = (len/8 + 1) * 9.
 *
 *   01 02 03           -> 01 02 03 00 00 00 00 00 | FA
 *   01 .. 08           -> 01 .. 08 | FF   00 x8 | F7
 *
 * Decoding reads 9-byte chunks: pad = 0xFF - marker; pad 0 = full group, more follows;
 * pad > 8 or a non-zero padding byte = corruption; the first chunk with pad > 0 ends the value.
 *
 * Descending layout (`encode_bytes_desc`): every output byte complemented, so the marker is
 * `pad` and padding bytes are 0xFF. Only TiDB descending encodings use it.
 */
import { corruption, hex, truncated } from '../errors.js';

const GROUP = 8;
const CHUNK = GROUP + 1;
const MARKER = 0xff;

export interface Decoded {
  /** The decoded bytes (a fresh copy). */
  value: Uint8Array;
  /** Offset just past the encoded value in the input. */
  end: number;
}

/** Encoded length of a raw input of `rawLen` bytes. */
export function encodedLength(rawLen: number): number {
  return (Math.floor(rawLen / GROUP) + 1) * CHUNK;
}

export function encodeBytes(raw: Uint8Array): Uint8Array {
  return encodeInto(raw, false);
}

export function encodeBytesDesc(raw: Uint8Array): Uint8Array {
  return encodeInto(raw, true);
}

function encodeInto(raw: Uint8Array, desc: boolean): Uint8Array {
  const out = new Uint8Array(encodedLength(raw.length));
  let o = 0;
  for (let idx = 0; idx <= raw.length; idx += GROUP) {
    const remain = raw.length - idx;
    const n = remain >= GROUP ? GROUP : remain;
    out.set(raw.subarray(idx, idx + n), o);
    // padding bytes are already 0
    const pad = GROUP - n;
    out[o + GROUP] = MARKER - pad;
    o += CHUNK;
  }
  if (desc) for (let i = 0; i < out.length; i++) out[i] = ~out[i]! & 0xff;
  return out;
}

/**
 * Validate one encoded value starting at `offset` and return its end offset and decoded length,
 * without copying. Strict: bad marker, pad > 8, non-zero padding -> FormatError 'corruption';
 * input ending mid-chunk -> 'truncated'. Offsets in errors are relative to `buf`.
 */
export function cutBytes(buf: Uint8Array, offset = 0): { end: number; rawLength: number } {
  return cut(buf, offset, false);
}

export function cutBytesDesc(buf: Uint8Array, offset = 0): { end: number; rawLength: number } {
  return cut(buf, offset, true);
}

function cut(buf: Uint8Array, offset: number, desc: boolean): { end: number; rawLength: number } {
  const flip = desc ? 0xff : 0;
  let pos = offset;
  let rawLength = 0;
  while (true) {
    if (pos + CHUNK > buf.length) {
      throw truncated('memcomparable bytes end mid-group', {
        offset: pos,
        expected: `${CHUNK} bytes`,
        found: `${buf.length - pos} (${hex(buf.subarray(pos))})`,
      });
    }
    const marker = buf[pos + GROUP]! ^ flip;
    const pad = MARKER - marker;
    if (pad > GROUP) {
      throw corruption('memcomparable marker out of range', {
        offset: pos + GROUP,
        expected: desc ? 'marker 0x00..0x08' : 'marker 0xf7..0xff',
        found: `0x${buf[pos + GROUP]!.toString(16).padStart(2, '0')}`,
      });
    }
    if (pad === 0) {
      rawLength += GROUP;
      pos += CHUNK;
      continue;
    }
    const realLen = GROUP - pad;
    for (let i = realLen; i < GROUP; i++) {
      if ((buf[pos + i]! ^ flip) !== 0) {
        throw corruption('memcomparable padding byte is not zero', {
          offset: pos + i,
          expected: desc ? 'padding 0xff' : 'padding 0x00',
          found: `0x${buf[pos + i]!.toString(16).padStart(2, '0')} in group ${hex(buf.subarray(pos, pos + CHUNK))}`,
        });
      }
    }
    rawLength += realLen;
    pos += CHUNK;
    return { end: pos, rawLength };
  }
}

export function decodeBytes(buf: Uint8Array, offset = 0): Decoded {
  return decode(buf, offset, false);
}

export function decodeBytesDesc(buf: Uint8Array, offset = 0): Decoded {
  return decode(buf, offset, true);
}

function decode(buf: Uint8Array, offset: number, desc: boolean): Decoded {
  const { end, rawLength } = cut(buf, offset, desc);
  const value = new Uint8Array(rawLength);
  let o = 0;
  for (let pos = offset; pos < end; pos += CHUNK) {
    const n = Math.min(GROUP, rawLength - o);
    if (desc) for (let i = 0; i < n; i++) value[o + i] = ~buf[pos + i]! & 0xff;
    else value.set(buf.subarray(pos, pos + n), o);
    o += n;
  }
  return { value, end };
}

/** Bytewise comparison (RocksDB's BytewiseComparator): negative, 0 or positive. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}
