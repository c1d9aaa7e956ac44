/**
 * Test-side encoders for TiKV MVCC keys, Write records and Lock records
 * (tikv-tidb-encoding.md §1.5, §2.1, §2.4; tikv/tikv:components/txn_types/src/{types,write,lock}.rs).
 */
import { type Bytes, compactBytes, concat, encodeU64Desc, mcBytes, u64BE, uvarint } from './codec.js';

/** Data key: 'z' + mc(raw) (lock CF key). */
export function dataKey(raw: Bytes): Bytes {
  return concat(new Uint8Array([0x7a]), mcBytes(raw));
}

/** Write/default CF key: 'z' + mc(raw) + u64BE(NOT ts). */
export function mvccKey(raw: Bytes, ts: bigint | number): Bytes {
  return concat(dataKey(raw), encodeU64Desc(ts));
}

export type WriteType = 'Put' | 'Delete' | 'Lock' | 'Rollback';
const WRITE_TYPE: Record<WriteType, number> = { Put: 0x50, Delete: 0x44, Lock: 0x4c, Rollback: 0x52 };

export interface WriteRecord {
  type: WriteType;
  startTs: bigint | number;
  shortValue?: Bytes;
  overlappedRollback?: boolean;
  gcFence?: bigint | number;
  lastChange?: { ts: bigint | number; versions: bigint | number };
  txnSource?: bigint | number;
}

/**
 * WriteRef::to_bytes field order: type, uvarint start_ts, ['v' len value], ['R'],
 * ['F' u64BE gc_fence], ['l' u64BE ts + uvarint versions], ['S' uvarint txn_source].
 */
export function encodeWrite(w: WriteRecord): Bytes {
  const parts: Bytes[] = [new Uint8Array([WRITE_TYPE[w.type]]), uvarint(w.startTs)];
  if (w.shortValue !== undefined) {
    if (w.shortValue.length > 255) throw new Error('short value > 255 bytes');
    parts.push(new Uint8Array([0x76, w.shortValue.length]), w.shortValue);
  }
  if (w.overlappedRollback) parts.push(new Uint8Array([0x52]));
  if (w.gcFence !== undefined) parts.push(new Uint8Array([0x46]), u64BE(w.gcFence));
  if (w.lastChange !== undefined) parts.push(new Uint8Array([0x6c]), u64BE(w.lastChange.ts), uvarint(w.lastChange.versions));
  if (w.txnSource !== undefined) parts.push(new Uint8Array([0x53]), uvarint(w.txnSource));
  return concat(...parts);
}

export type LockType = 'Put' | 'Delete' | 'Lock' | 'Pessimistic';
const LOCK_TYPE: Record<LockType, number> = { Put: 0x50, Delete: 0x44, Lock: 0x4c, Pessimistic: 0x53 };

export interface LockRecord {
  type: LockType;
  primary: Bytes; // raw key, not mc-encoded
  startTs: bigint | number;
  ttl: bigint | number;
  shortValue?: Bytes;
  forUpdateTs?: bigint | number;
  txnSize?: bigint | number;
  minCommitTs?: bigint | number;
  asyncCommit?: Bytes[];
}

/**
 * Lock::to_bytes: type, compact-bytes primary, uvarint start_ts, uvarint ttl, then
 * ['v' len value], ['f' u64BE], ['t' u64BE], ['c' u64BE], ['a' uvarint n + n compact bytes].
 */
export function encodeLock(l: LockRecord): Bytes {
  const parts: Bytes[] = [new Uint8Array([LOCK_TYPE[l.type]]), compactBytes(l.primary), uvarint(l.startTs), uvarint(l.ttl)];
  if (l.shortValue !== undefined) {
    if (l.shortValue.length > 255) throw new Error('short value > 255 bytes');
    parts.push(new Uint8Array([0x76, l.shortValue.length]), l.shortValue);
  }
  if (l.forUpdateTs !== undefined) parts.push(new Uint8Array([0x66]), u64BE(l.forUpdateTs));
  if (l.txnSize !== undefined) parts.push(new Uint8Array([0x74]), u64BE(l.txnSize));
  if (l.minCommitTs !== undefined) parts.push(new Uint8Array([0x63]), u64BE(l.minCommitTs));
  if (l.asyncCommit !== undefined) parts.push(new Uint8Array([0x61]), uvarint(l.asyncCommit.length), ...l.asyncCommit.map(compactBytes));
  return concat(...parts);
}

/** TSO: (physical_ms << 18) + logical (§1.6). */
export function tso(physicalMs: number, logical = 0): bigint {
  return (BigInt(physicalMs) << 18n) + BigInt(logical);
}
