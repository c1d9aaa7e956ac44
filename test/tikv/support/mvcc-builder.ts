/**
 * Hand-written encoders for TiKV MVCC data, following the spec (tikv-tidb-encoding.md §1.4,
 * §1.5, §2.1, §2.4) and checked against the vectors in test/tikv/builder.test.ts. They are
 * deliberately independent of src/tikv so tests do not check the code against itself.
 */
import { ValueType } from '../../../src/rocksdb/types.js';
import { MemCfSource } from './mem-source.js';

export const te = (s: string): Uint8Array => new TextEncoder().encode(s);
export const fromHex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** memcomparable ascending: 8-byte groups, marker 0xFF - pad. */
export function mc(raw: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i <= raw.length; i += 8) {
    const group = Array.from(raw.subarray(i, i + 8));
    const pad = 8 - group.length;
    while (group.length < 8) group.push(0);
    out.push(...group, 0xff - pad);
  }
  return Uint8Array.from(out);
}

export function u64be(v: bigint): number[] {
  const out: number[] = [];
  for (let i = 7; i >= 0; i--) out.push(Number((v >> BigInt(i * 8)) & 0xffn));
  return out;
}

export function uvarint(v: bigint): number[] {
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

export function zigzag(v: bigint): number[] {
  return uvarint(BigInt.asUintN(64, (v << 1n) ^ (v >> 63n)));
}

const NOT = (ts: bigint): bigint => 0xffff_ffff_ffff_ffffn ^ ts;

/** 'z' + mc(raw) */
export function lockKey(raw: Uint8Array): Uint8Array {
  return Uint8Array.from([0x7a, ...mc(raw)]);
}

/** 'z' + mc(raw) + u64BE(NOT ts) */
export function tsKey(raw: Uint8Array, ts: bigint): Uint8Array {
  return Uint8Array.from([0x7a, ...mc(raw), ...u64be(NOT(ts))]);
}

export interface WriteOpts {
  shortValue?: Uint8Array;
  overlappedRollback?: boolean;
  gcFence?: bigint;
  lastChange?: [bigint, bigint];
  txnSource?: bigint;
}

const WRITE_TYPE = { put: 0x50, delete: 0x44, lock: 0x4c, rollback: 0x52 } as const;

export function encodeWrite(type: keyof typeof WRITE_TYPE, startTs: bigint, o: WriteOpts = {}): Uint8Array {
  const b: number[] = [WRITE_TYPE[type], ...uvarint(startTs)];
  if (o.shortValue !== undefined) b.push(0x76, o.shortValue.length, ...o.shortValue);
  if (o.overlappedRollback) b.push(0x52);
  if (o.gcFence !== undefined) b.push(0x46, ...u64be(o.gcFence));
  if (o.lastChange !== undefined) b.push(0x6c, ...u64be(o.lastChange[0]), ...uvarint(o.lastChange[1]));
  if (o.txnSource !== undefined) b.push(0x53, ...uvarint(o.txnSource));
  return Uint8Array.from(b);
}

export interface LockOpts {
  shortValue?: Uint8Array;
  forUpdateTs?: bigint;
  txnSize?: bigint;
  minCommitTs?: bigint;
  secondaries?: Uint8Array[];
  rollbackTs?: bigint[];
  lastChange?: [bigint, bigint];
  txnSource?: bigint;
  lockedWithConflict?: boolean;
  generation?: bigint;
}

const LOCK_TYPE = { put: 0x50, delete: 0x44, lock: 0x4c, pessimistic: 0x53 } as const;

export function encodeLock(
  type: keyof typeof LOCK_TYPE,
  primary: Uint8Array,
  startTs: bigint,
  ttl: bigint,
  o: LockOpts = {},
): Uint8Array {
  const b: number[] = [LOCK_TYPE[type], ...zigzag(BigInt(primary.length)), ...primary, ...uvarint(startTs), ...uvarint(ttl)];
  if (o.shortValue !== undefined) b.push(0x76, o.shortValue.length, ...o.shortValue);
  if (o.forUpdateTs !== undefined) b.push(0x66, ...u64be(o.forUpdateTs));
  if (o.txnSize !== undefined) b.push(0x74, ...u64be(o.txnSize));
  if (o.minCommitTs !== undefined) b.push(0x63, ...u64be(o.minCommitTs));
  if (o.secondaries !== undefined) {
    b.push(0x61, ...uvarint(BigInt(o.secondaries.length)));
    for (const s of o.secondaries) b.push(...zigzag(BigInt(s.length)), ...s);
  }
  if (o.rollbackTs !== undefined) {
    b.push(0x72, ...uvarint(BigInt(o.rollbackTs.length)));
    for (const t of o.rollbackTs) b.push(...u64be(t));
  }
  if (o.lastChange !== undefined) b.push(0x6c, ...u64be(o.lastChange[0]), ...uvarint(o.lastChange[1]));
  if (o.txnSource !== undefined) b.push(0x73, ...uvarint(o.txnSource));
  if (o.lockedWithConflict) b.push(0x46);
  if (o.generation !== undefined) b.push(0x67, ...u64be(o.generation));
  return Uint8Array.from(b);
}

/** Builds MVCC column families the way TiKV's percolator commit leaves them. */
export class MvccBuilder {
  readonly src: MemCfSource;
  /** keySharing: the source's cursors have keyShared(), as the RocksDB cursors do. */
  constructor(opts: { keySharing?: boolean } = {}) {
    this.src = new MemCfSource(opts);
  }

  /** A committed Put: short value in the write CF when <= 255 bytes, else default CF at start_ts. */
  put(raw: Uint8Array, value: Uint8Array, startTs: bigint, commitTs: bigint, extra: WriteOpts = {}): this {
    if (value.length <= 255) {
      this.src.put('write', tsKey(raw, commitTs), encodeWrite('put', startTs, { ...extra, shortValue: value }));
    } else {
      this.src.put('default', tsKey(raw, startTs), value);
      this.src.put('write', tsKey(raw, commitTs), encodeWrite('put', startTs, extra));
    }
    return this;
  }

  del(raw: Uint8Array, startTs: bigint, commitTs: bigint, extra: WriteOpts = {}): this {
    this.src.put('write', tsKey(raw, commitTs), encodeWrite('delete', startTs, extra));
    return this;
  }

  /** SELECT ... FOR UPDATE commit: a Lock-type write record. */
  lockWrite(raw: Uint8Array, startTs: bigint, commitTs: bigint, extra: WriteOpts = {}): this {
    this.src.put('write', tsKey(raw, commitTs), encodeWrite('lock', startTs, extra));
    return this;
  }

  /** Rollback records are keyed at start_ts. */
  rollback(raw: Uint8Array, startTs: bigint, isProtected = false): this {
    this.src.put('write', tsKey(raw, startTs), encodeWrite('rollback', startTs, isProtected ? { shortValue: te('p') } : {}));
    return this;
  }

  /** An uncommitted prewrite: lock CF record, large value in the default CF. */
  prewrite(raw: Uint8Array, value: Uint8Array, startTs: bigint, primary: Uint8Array = raw): this {
    if (value.length <= 255) {
      this.src.put('lock', lockKey(raw), encodeLock('put', primary, startTs, 3000n, { shortValue: value }));
    } else {
      this.src.put('lock', lockKey(raw), encodeLock('put', primary, startTs, 3000n));
      this.src.put('default', tsKey(raw, startTs), value);
    }
    return this;
  }

  rawWrite(raw: Uint8Array, commitTs: bigint, record: Uint8Array): this {
    this.src.put('write', tsKey(raw, commitTs), record);
    return this;
  }

  rawDefault(raw: Uint8Array, startTs: bigint, value: Uint8Array, kind: number = ValueType.Value): this {
    this.src.put('default', tsKey(raw, startTs), value, kind);
    return this;
  }
}
