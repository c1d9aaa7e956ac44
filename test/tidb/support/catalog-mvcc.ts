/**
 * Test-side encoders for meta keys and their MVCC records, written from the spec
 * (tikv-tidb-encoding.md §1.4 memcomparable, §1.5 key layout, §2.1 write records, §3.3 meta keys),
 * independent of src/ so the catalog is not checked against its own encoders. Records go into the
 * TiKV engineer's in-memory CfSource (test/tikv/support/mem-source.ts).
 */
import { MemCfSource } from '../../tikv/support/mem-source.js';

const te = (s: string): number[] => Array.from(new TextEncoder().encode(s));

/** memcomparable ascending: 8-byte groups + marker 0xFF - pad, always a final partial group. */
export function mc(raw: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i <= raw.length; i += 8) {
    const g = raw.slice(i, i + 8);
    const pad = 8 - g.length;
    out.push(...g, ...new Array<number>(pad).fill(0), 0xff - pad);
  }
  return out;
}

const u64 = (v: bigint): number[] => Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(56 - 8 * i)) & 0xffn));
const uvarint = (v: bigint): number[] => {
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
};

/** 'm' + mc(key) + u64BE('h') + mc(field) */
export const hashKey = (key: string, field: string): number[] => [0x6d, ...mc(te(key)), ...u64(0x68n), ...mc(te(field))];
/** 'm' + mc(key) + u64BE('H') */
export const hashMetaKey = (key: string): number[] => [0x6d, ...mc(te(key)), ...u64(0x48n)];
/** 'm' + mc(key) + u64BE('s') */
export const stringKey = (key: string): number[] => [0x6d, ...mc(te(key)), ...u64(0x73n)];

const NOT = (ts: bigint): bigint => 0xffff_ffff_ffff_ffffn ^ ts;
const tsKey = (raw: number[], ts: bigint): Uint8Array => Uint8Array.from([0x7a, ...mc(raw), ...u64(NOT(ts))]);

/** Builds write/default/lock CF records for raw meta keys. */
export class MetaMvcc {
  readonly src = new MemCfSource();

  /** Committed Put: short value (≤255 bytes) in the write CF, else the default CF at start_ts. */
  put(raw: number[], value: string | Uint8Array, startTs: bigint, commitTs: bigint): this {
    const v = typeof value === 'string' ? new TextEncoder().encode(value) : value;
    if (v.length <= 255) {
      this.src.put('write', tsKey(raw, commitTs), Uint8Array.from([0x50, ...uvarint(startTs), 0x76, v.length, ...v]));
    } else {
      this.src.put('default', tsKey(raw, startTs), v);
      this.src.put('write', tsKey(raw, commitTs), Uint8Array.from([0x50, ...uvarint(startTs)]));
    }
    return this;
  }

  /** A Put whose value should be in the default CF but is not there. */
  putMissingDefault(raw: number[], startTs: bigint, commitTs: bigint): this {
    this.src.put('write', tsKey(raw, commitTs), Uint8Array.from([0x50, ...uvarint(startTs)]));
    return this;
  }

  del(raw: number[], startTs: bigint, commitTs: bigint): this {
    this.src.put('write', tsKey(raw, commitTs), Uint8Array.from([0x44, ...uvarint(startTs)]));
    return this;
  }

  lockRecord(raw: number[], startTs: bigint, commitTs: bigint): this {
    this.src.put('write', tsKey(raw, commitTs), Uint8Array.from([0x4c, ...uvarint(startTs)]));
    return this;
  }

  /** Rollback records are keyed by their start_ts. */
  rollback(raw: number[], startTs: bigint): this {
    this.src.put('write', tsKey(raw, startTs), Uint8Array.from([0x52, ...uvarint(startTs)]));
    return this;
  }

  /** An uncommitted optimistic Put lock (lock CF, key without ts) with a short value. */
  pendingLock(raw: number[], primary: number[], startTs: bigint, value: string): this {
    const v = te(value);
    // type 'P', compact-bytes primary (zigzag varint length), start_ts, ttl, 'v' short value
    this.src.put(
      'lock',
      Uint8Array.from([0x7a, ...mc(raw)]),
      Uint8Array.from([0x50, ...uvarint(BigInt(primary.length) * 2n), ...primary, ...uvarint(startTs), ...uvarint(3000n), 0x76, v.length, ...v]),
    );
    return this;
  }

  /** A raw write-CF entry (for keys in odd shapes). */
  rawPut(raw: number[], value: number[], startTs: bigint, commitTs: bigint): this {
    this.src.put('write', tsKey(raw, commitTs), Uint8Array.from([0x50, ...uvarint(startTs), 0x76, value.length, ...value]));
    return this;
  }
}
