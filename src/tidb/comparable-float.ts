/**
 * Comparable float64 (datum floatFlag payload, and the row-v2 value of FLOAT/DOUBLE).
 *
 * Source: pingcap/tidb:pkg/util/codec/float.go (encodeFloatToCmpUint64 / decodeCmpUintToFloat),
 * tikv/tikv:components/tikv_util/src/codec/number.rs (encode_f64 / decode_f64).
 *
 *   u = float64 bits; if sign bit clear: u |= 1<<63 else u = ^u;  written as u64BE (8 bytes)
 *   e.g. 1.0 -> bf f0 00 00 00 00 00 00, -1.0 -> 40 0f ff ff ff ff ff ff, 0.0 -> 80 00 … 00
 * Byte order of the encoding equals numeric order. FLOAT columns are stored as float64 and
 * narrowed to float32 on decode (Math.fround).
 */
import { DataError } from '../errors.js';

const scratch = new DataView(new ArrayBuffer(8));

export function encodeCmpFloat(v: number): Uint8Array {
  scratch.setFloat64(0, v);
  let hi = scratch.getUint32(0);
  let lo = scratch.getUint32(4);
  if ((hi & 0x80000000) === 0) {
    hi = (hi | 0x80000000) >>> 0;
  } else {
    hi = ~hi >>> 0;
    lo = ~lo >>> 0;
  }
  const out = new Uint8Array(8);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, hi);
  dv.setUint32(4, lo);
  return out;
}

export function decodeCmpFloat(buf: Uint8Array, offset: number): number {
  if (offset < 0 || offset + 8 > buf.length) {
    throw new DataError(`truncated comparable float at offset ${offset}: need 8 bytes`);
  }
  const dv = new DataView(buf.buffer, buf.byteOffset + offset, 8);
  let hi = dv.getUint32(0);
  let lo = dv.getUint32(4);
  if ((hi & 0x80000000) !== 0) {
    hi = (hi & 0x7fffffff) >>> 0;
  } else {
    hi = ~hi >>> 0;
    lo = ~lo >>> 0;
  }
  scratch.setUint32(0, hi);
  scratch.setUint32(4, lo);
  return scratch.getFloat64(0);
}
