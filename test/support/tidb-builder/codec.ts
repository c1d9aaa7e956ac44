/**
 * Test-side ENCODERS for the primitive TiKV/TiDB codecs. Written from
 * /work/shared/docs/tikv-tidb-encoding.md (§1.4, §3.1, §4), not from src/, so fixtures built
 * with them can catch mistakes in our decoders. Every function here is checked against
 * fixtures/vectors/vectors.json in test/support/tidb-builder.test.ts.
 */

export type Bytes = Uint8Array;

export function concat(...parts: Bytes[]): Bytes {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export const utf8 = (s: string): Bytes => new TextEncoder().encode(s);
export const toHex = (b: Bytes): string => Buffer.from(b).toString('hex');
export const fromHex = (h: string): Bytes => new Uint8Array(Buffer.from(h, 'hex'));

const MASK64 = (1n << 64n) - 1n;

/** u64 big-endian (pingcap/tidb:pkg/util/codec/number.go EncodeUint). */
export function u64BE(v: bigint | number): Bytes {
  const x = BigInt(v) & MASK64;
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, x, false);
  return out;
}

export function u64LE(v: bigint | number): Bytes {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(v) & MASK64, true);
  return out;
}

export function u32LE(v: number): Bytes {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, v >>> 0, true);
  return out;
}

export function u16LE(v: number): Bytes {
  return new Uint8Array([v & 0xff, (v >>> 8) & 0xff]);
}

/** EncodeInt: u64BE(uint64(v) XOR 1<<63) (pingcap/tidb:pkg/util/codec/number.go). */
export function encodeIntComparable(v: bigint | number): Bytes {
  return u64BE((BigInt(v) & MASK64) ^ (1n << 63n));
}

/** NOT(ts) big-endian, the MVCC key suffix (tikv/tikv:components/tikv_util/src/codec/number.rs encode_u64_desc). */
export function encodeU64Desc(v: bigint | number): Bytes {
  return u64BE(~BigInt(v) & MASK64);
}

/** LEB128 uvarint (Go binary.PutUvarint, TiKV encode_var_u64). */
export function uvarint(v: bigint | number): Bytes {
  let x = BigInt(v);
  if (x < 0n) throw new Error('uvarint of a negative number');
  const out: number[] = [];
  while (x >= 0x80n) {
    out.push(Number(x & 0x7fn) | 0x80);
    x >>= 7n;
  }
  out.push(Number(x));
  return new Uint8Array(out);
}

/** Go zigzag varint: (v<<1) ^ (v>>63), then uvarint. */
export function varint(v: bigint | number): Bytes {
  const x = BigInt.asIntN(64, BigInt(v));
  const z = ((x << 1n) ^ (x >> 63n)) & MASK64;
  return uvarint(z);
}

/** Memcomparable bytes, ascending (§1.4): 8-byte groups + marker 0xFF - pad; extra group when len % 8 == 0. */
export function mcBytes(raw: Bytes): Bytes {
  const groups = Math.floor(raw.length / 8) + 1;
  const out = new Uint8Array(groups * 9);
  for (let g = 0; g < groups; g++) {
    const start = g * 8;
    const n = Math.min(8, raw.length - start);
    out.set(raw.subarray(start, start + n), g * 9);
    out[g * 9 + 8] = 0xff - (8 - n);
  }
  return out;
}

/** Descending memcomparable: every byte of the ascending form complemented. */
export function mcBytesDesc(raw: Bytes): Bytes {
  return mcBytes(raw).map((b) => 0xff ^ b);
}

/** Comparable float64 (pingcap/tidb:pkg/util/codec/float.go): sign clear -> set bit 63, else complement; BE. */
export function comparableFloat(f: number): Bytes {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, f, false);
  let u = new DataView(b.buffer).getBigUint64(0, false);
  if ((u & (1n << 63n)) === 0n) u |= 1n << 63n;
  else u = ~u & MASK64;
  return u64BE(u);
}

/** Narrowest little-endian signed int (rowcodec encodeInt): 1/2/4/8 bytes. */
export function narrowInt(v: bigint | number): Bytes {
  const x = BigInt.asIntN(64, BigInt(v));
  if (x >= -128n && x <= 127n) return new Uint8Array([Number(x) & 0xff]);
  if (x >= -32768n && x <= 32767n) {
    const o = new Uint8Array(2);
    new DataView(o.buffer).setInt16(0, Number(x), true);
    return o;
  }
  if (x >= -2147483648n && x <= 2147483647n) {
    const o = new Uint8Array(4);
    new DataView(o.buffer).setInt32(0, Number(x), true);
    return o;
  }
  const o = new Uint8Array(8);
  new DataView(o.buffer).setBigInt64(0, x, true);
  return o;
}

/** Narrowest little-endian unsigned int (rowcodec encodeUint): 1/2/4/8 bytes. */
export function narrowUint(v: bigint | number): Bytes {
  const x = BigInt(v);
  if (x < 0n || x > MASK64) throw new Error(`uint out of range: ${x}`);
  if (x <= 0xffn) return new Uint8Array([Number(x)]);
  if (x <= 0xffffn) return u16LE(Number(x));
  if (x <= 0xffffffffn) return u32LE(Number(x));
  return u64LE(x);
}

/** Datum flags (pingcap/tidb:pkg/util/codec/codec.go). */
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
} as const;

/** compact bytes: zigzag varint length + raw bytes (codec.EncodeCompactBytes). */
export function compactBytes(raw: Bytes): Bytes {
  return concat(varint(raw.length), raw);
}
