/**
 * VECTOR(FLOAT32) values (pingcap/tidb:pkg/types/vector.go: ZeroCopyDeserializeVectorFloat32,
 * VectorFloat32.String; datum flag 0x14 in pkg/util/codec/codec.go).
 *
 *   u32LE dimension | dimension × f32LE
 *   e.g. [1.1, 2.2] = 02000000 cdcc8c3f cdcc0c40 -> "[1.1,2.2]"; [] = 00000000 -> "[]"
 * Text: '[' + elements joined by ',' (no spaces) + ']', each strconv.FormatFloat(v,'f',-1,32).
 * TiDB rejects NaN/Inf and dimension > 16383 on write; we reject them on read (DataError).
 */
import { DataError } from '../errors.js';
import { goFormatFixed } from './float-format.js';

export const MAX_VECTOR_DIMENSION = 16383;

/** Byte length of the serialized vector starting at `offset` (4 + 4*dim). */
export function peekVector(buf: Uint8Array, offset: number): number {
  if (offset + 4 > buf.length) throw new DataError(`truncated vector header at offset ${offset}`);
  const dim = new DataView(buf.buffer, buf.byteOffset + offset, 4).getUint32(0, true);
  if (dim > MAX_VECTOR_DIMENSION) throw new DataError(`vector dimension ${dim} exceeds ${MAX_VECTOR_DIMENSION}`);
  const len = 4 + dim * 4;
  if (offset + len > buf.length) throw new DataError(`truncated vector of dimension ${dim} at offset ${offset}`);
  return len;
}

export function decodeVector(bytes: Uint8Array): Float32Array {
  const len = peekVector(bytes, 0);
  if (len !== bytes.length) {
    throw new DataError(`vector of ${len} bytes followed by ${bytes.length - len} extra bytes`);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array((len - 4) / 4);
  for (let i = 0; i < out.length; i++) {
    const v = dv.getFloat32(4 + i * 4, true);
    if (!Number.isFinite(v)) throw new DataError(`vector element ${i} is not finite`);
    out[i] = v;
  }
  return out;
}

export function vectorToText(bytes: Uint8Array): string {
  const v = decodeVector(bytes);
  const parts: string[] = [];
  for (const x of v) parts.push(goFormatFixed(x, 32));
  return `[${parts.join(',')}]`;
}
