/**
 * Lock CF value: an in-flight (uncommitted) transaction's lock on a key.
 * Source: tikv/tikv:components/txn_types/src/lock.rs (`Lock::parse`, `Lock::to_bytes`,
 * `SharedLocks::parse`), compact bytes from components/tikv_util/src/codec/bytes.rs.
 *
 *   type      1 byte  'P' Put | 'D' Delete | 'L' Lock | 'S' 0x53 Pessimistic | 'H' 0x48 Shared
 *   primary   compact bytes = zigzag varint length + raw key bytes (not mc-encoded)
 *   start_ts  uvarint
 *   ttl       uvarint (absent in very old records -> 0)
 *   then optional tagged fields in order, an unknown tag stops parsing:
 *     'v' len(1) bytes short value        'f' u64BE for_update_ts    't' u64BE txn_size
 *     'c' u64BE min_commit_ts             'a' uvarint n + n x compact bytes (async-commit secondaries)
 *     'r' uvarint n + n x u64BE rollback_ts                          'l' u64BE + uvarint last_change
 *     's' uvarint txn_source              'F' locked with conflict   'g' u64BE generation
 *
 * Shared lock container ('H'): no primary/ts; tagged fields 'i' + 1 flags byte (bit0
 * SHRINK_ONLY), 'h' + uvarint n + n x compact bytes, each an ordinary encoded Lock.
 *
 * Example: 50 04 "pk" 01 0a = Put primary="pk" start_ts=1 ttl=10.
 */
import { FormatError, corruption, hex, truncated } from '../errors.js';
import { readU64BE, readUvarint64, readVarint64 } from './number-codec.js';

export type LockType = 'put' | 'delete' | 'lock' | 'pessimistic' | 'shared';

export interface LockRecord {
  type: Exclude<LockType, 'shared'>;
  primary: Uint8Array; // subarray
  startTs: bigint;
  ttl: bigint;
  shortValue?: Uint8Array; // subarray
  forUpdateTs: bigint;
  txnSize: bigint;
  minCommitTs: bigint;
  useAsyncCommit: boolean;
  secondaries: Uint8Array[];
  rollbackTs: bigint[];
  lastChange?: { ts: bigint; estimatedVersions: bigint };
  txnSource: bigint;
  lockedWithConflict: boolean;
  generation: bigint;
  unknownTagAt?: number;
}

export interface SharedLocks {
  type: 'shared';
  shrinkOnly: boolean;
  flags: number;
  locks: LockRecord[];
  unknownTagAt?: number;
}

const TYPES: Record<number, LockType> = { 0x50: 'put', 0x44: 'delete', 0x4c: 'lock', 0x53: 'pessimistic', 0x48: 'shared' };
const MAX_COUNT = 1 << 20; // a corrupt count must not allocate gigabytes

function readCompactBytes(buf: Uint8Array, offset: number): { value: Uint8Array; end: number } {
  const l = readVarint64(buf, offset);
  if (l.value < 0n) throw corruption('negative compact-bytes length', { offset, found: `${l.value}` });
  if (l.value > BigInt(buf.length - l.end)) {
    throw truncated('compact bytes run past the end of the lock record', {
      offset: l.end,
      expected: `${l.value} bytes`,
      found: `${buf.length - l.end}`,
    });
  }
  const end = l.end + Number(l.value);
  return { value: buf.subarray(l.end, end), end };
}

function readCount(buf: Uint8Array, offset: number): { value: number; end: number } {
  const c = readUvarint64(buf, offset);
  if (c.value > BigInt(Math.min(MAX_COUNT, buf.length - c.end))) {
    throw corruption('lock field count larger than the record', { offset, found: `${c.value}` });
  }
  return { value: Number(c.value), end: c.end };
}

function lockType(buf: Uint8Array): LockType {
  if (buf.length === 0) throw truncated('empty lock record', { offset: 0, expected: 'lock type byte' });
  const t = TYPES[buf[0]!];
  if (t === undefined) {
    throw corruption('unknown lock type', {
      offset: 0,
      expected: "'P', 'D', 'L', 'S' or 'H'",
      found: `0x${buf[0]!.toString(16).padStart(2, '0')} (value ${hex(buf)})`,
    });
  }
  return t;
}

/** Parse a lock-CF value (an ordinary lock or a shared-lock container). */
export function parseLock(buf: Uint8Array, context?: string): LockRecord | SharedLocks {
  try {
    return lockType(buf) === 'shared' ? parseShared(buf) : parseSingle(buf);
  } catch (e) {
    if (e instanceof FormatError && context !== undefined && e.context === undefined) {
      throw new FormatError(e.code, `bad lock record: ${e.message.replace(/^\w+: /, '')}`, { context });
    }
    throw e;
  }
}

function parseSingle(buf: Uint8Array): LockRecord {
  const type = lockType(buf) as LockRecord['type'];
  const primary = readCompactBytes(buf, 1);
  const ts = readUvarint64(buf, primary.end);
  let pos = ts.end;
  let ttl = 0n;
  if (pos < buf.length) {
    const t = readUvarint64(buf, pos);
    ttl = t.value;
    pos = t.end;
  }
  const rec: LockRecord = {
    type,
    primary: primary.value,
    startTs: ts.value,
    ttl,
    forUpdateTs: 0n,
    txnSize: 0n,
    minCommitTs: 0n,
    useAsyncCommit: false,
    secondaries: [],
    rollbackTs: [],
    txnSource: 0n,
    lockedWithConflict: false,
    generation: 0n,
  };
  while (pos < buf.length) {
    const tagAt = pos;
    const tag = buf[pos++]!;
    switch (tag) {
      case 0x76: {
        // 'v'
        if (pos >= buf.length) throw truncated('short value length missing', { offset: pos });
        const len = buf[pos++]!;
        if (pos + len > buf.length) {
          throw truncated('short value runs past the end of the lock record', { offset: pos, expected: `${len} bytes`, found: `${buf.length - pos}` });
        }
        rec.shortValue = buf.subarray(pos, pos + len);
        pos += len;
        break;
      }
      case 0x66: // 'f'
        ({ value: rec.forUpdateTs, end: pos } = readU64BE(buf, pos));
        break;
      case 0x74: // 't'
        ({ value: rec.txnSize, end: pos } = readU64BE(buf, pos));
        break;
      case 0x63: // 'c'
        ({ value: rec.minCommitTs, end: pos } = readU64BE(buf, pos));
        break;
      case 0x61: {
        // 'a'
        rec.useAsyncCommit = true;
        const n = readCount(buf, pos);
        pos = n.end;
        rec.secondaries = [];
        for (let i = 0; i < n.value; i++) {
          const s = readCompactBytes(buf, pos);
          rec.secondaries.push(s.value);
          pos = s.end;
        }
        break;
      }
      case 0x72: {
        // 'r'
        const n = readCount(buf, pos);
        pos = n.end;
        rec.rollbackTs = [];
        for (let i = 0; i < n.value; i++) {
          const r = readU64BE(buf, pos);
          rec.rollbackTs.push(r.value);
          pos = r.end;
        }
        break;
      }
      case 0x6c: {
        // 'l'
        const t = readU64BE(buf, pos);
        const v = readUvarint64(buf, t.end);
        rec.lastChange = { ts: t.value, estimatedVersions: v.value };
        pos = v.end;
        break;
      }
      case 0x73: // 's'
        ({ value: rec.txnSource, end: pos } = readUvarint64(buf, pos));
        break;
      case 0x46: // 'F'
        rec.lockedWithConflict = true;
        break;
      case 0x67: // 'g'
        ({ value: rec.generation, end: pos } = readU64BE(buf, pos));
        break;
      default:
        rec.unknownTagAt = tagAt;
        pos = buf.length;
    }
  }
  return rec;
}

function parseShared(buf: Uint8Array): SharedLocks {
  const out: SharedLocks = { type: 'shared', shrinkOnly: false, flags: 0, locks: [] };
  let pos = 1;
  while (pos < buf.length) {
    const tagAt = pos;
    const tag = buf[pos++]!;
    if (tag === 0x69) {
      // 'i'
      if (pos >= buf.length) throw truncated('shared-lock flags byte missing', { offset: pos });
      const f = buf[pos++]!;
      if ((f & ~0x01) !== 0) throw corruption('unknown shared-lock flags', { offset: pos - 1, expected: 'bit 0 only', found: `0x${f.toString(16)}` });
      out.flags = f;
      out.shrinkOnly = (f & 1) !== 0;
    } else if (tag === 0x68) {
      // 'h'
      const n = readCount(buf, pos);
      pos = n.end;
      for (let i = 0; i < n.value; i++) {
        const seg = readCompactBytes(buf, pos);
        const inner = lockType(seg.value);
        if (inner === 'shared') throw corruption('shared lock nested in a shared lock', { offset: pos });
        try {
          out.locks.push(parseSingle(seg.value));
        } catch (e) {
          if (e instanceof FormatError) {
            throw new FormatError(e.code, 'bad lock inside a shared lock', {
              offset: e.offset,
              expected: e.expected,
              found: e.found,
              context: `segment ${i} starting at offset ${seg.end - seg.value.length} (offset is inside the segment)`,
            });
          }
          throw e;
        }
        pos = seg.end;
      }
    } else {
      out.unknownTagAt = tagAt;
      break;
    }
  }
  return out;
}
