/**
 * Write CF value: one committed (or rolled back) MVCC version.
 * Source: tikv/tikv:components/txn_types/src/write.rs (`WriteRef::parse`, `WriteRef::to_bytes`),
 * SHORT_VALUE_PREFIX / SHORT_VALUE_MAX_LEN in components/txn_types/src/types.rs.
 *
 *   type      1 byte  'P' 0x50 Put | 'D' 0x44 Delete | 'L' 0x4C Lock | 'R' 0x52 Rollback
 *   start_ts  uvarint
 *   then optional tagged fields, in this order, until the end of the value:
 *     'v' 0x76  len(1 byte, <= 255) value bytes     short value
 *     'R' 0x52  (no payload)                        overlapped rollback
 *     'F' 0x46  u64BE                               gc_fence
 *     'l' 0x6C  u64BE ts + uvarint versions         last_change
 *     'S' 0x53  uvarint                             txn_source
 *   An unknown tag stops parsing (forward compatibility); the rest is ignored.
 *
 * Example: 50 00 76 0b "short_value" = Put start_ts=0 short_value="short_value".
 * A protected rollback is Rollback with short value "p".
 */
import { FormatError, corruption, hex, truncated } from '../errors.js';
import { readU64BE, readUvarint64 } from './number-codec.js';

export type WriteType = 'put' | 'delete' | 'lock' | 'rollback';

export interface WriteRecord {
  type: WriteType;
  startTs: bigint;
  /** Subarray of the input (valid as long as the input is). */
  shortValue?: Uint8Array;
  overlappedRollback: boolean;
  /** Present when the record carries an 'F' field (0 = fence set, pointing at nothing). */
  gcFence?: bigint;
  lastChange?: { ts: bigint; estimatedVersions: bigint };
  txnSource?: bigint;
  /** A Rollback with short value "p" (write.rs `is_protected`). */
  protectedRollback: boolean;
  /** Offset of the first unknown tag, when parsing stopped early. */
  unknownTagAt?: number;
}

const TYPES: Record<number, WriteType> = { 0x50: 'put', 0x44: 'delete', 0x4c: 'lock', 0x52: 'rollback' };

export const SHORT_VALUE_PREFIX = 0x76; // 'v'
export const SHORT_VALUE_MAX_LEN = 255;
const FLAG_OVERLAPPED_ROLLBACK = 0x52; // 'R'
const GC_FENCE_PREFIX = 0x46; // 'F'
const LAST_CHANGE_PREFIX = 0x6c; // 'l'
const TXN_SOURCE_PREFIX = 0x53; // 'S'

/** Parse a write-CF value. Errors carry the offset inside the value; `context` names the key when given. */
export function parseWrite(buf: Uint8Array, context?: string): WriteRecord {
  try {
    return parse(buf);
  } catch (e) {
    if (e instanceof FormatError && context !== undefined && e.context === undefined) {
      throw new FormatError(e.code, `bad write record: ${e.message.replace(/^\w+: /, '')}`, { context });
    }
    throw e;
  }
}

function parse(buf: Uint8Array): WriteRecord {
  if (buf.length === 0) throw truncated('empty write record', { offset: 0, expected: 'write type byte' });
  const type = TYPES[buf[0]!];
  if (type === undefined) {
    throw corruption('unknown write type', {
      offset: 0,
      expected: "'P', 'D', 'L' or 'R'",
      found: `0x${buf[0]!.toString(16).padStart(2, '0')} (value ${hex(buf)})`,
    });
  }
  const st = readUvarint64(buf, 1);
  const rec: WriteRecord = { type, startTs: st.value, overlappedRollback: false, protectedRollback: false };
  let pos = st.end;
  while (pos < buf.length) {
    const tag = buf[pos]!;
    const tagAt = pos;
    pos++;
    switch (tag) {
      case SHORT_VALUE_PREFIX: {
        if (pos >= buf.length) throw truncated('short value length missing', { offset: pos });
        const len = buf[pos]!;
        pos++;
        if (pos + len > buf.length) {
          throw truncated('short value runs past the end of the write record', {
            offset: pos,
            expected: `${len} bytes`,
            found: `${buf.length - pos}`,
          });
        }
        rec.shortValue = buf.subarray(pos, pos + len);
        pos += len;
        break;
      }
      case FLAG_OVERLAPPED_ROLLBACK:
        rec.overlappedRollback = true;
        break;
      case GC_FENCE_PREFIX: {
        const r = readU64BE(buf, pos);
        rec.gcFence = r.value;
        pos = r.end;
        break;
      }
      case LAST_CHANGE_PREFIX: {
        const t = readU64BE(buf, pos);
        const n = readUvarint64(buf, t.end);
        rec.lastChange = { ts: t.value, estimatedVersions: n.value };
        pos = n.end;
        break;
      }
      case TXN_SOURCE_PREFIX: {
        const r = readUvarint64(buf, pos);
        rec.txnSource = r.value;
        pos = r.end;
        break;
      }
      default:
        rec.unknownTagAt = tagAt;
        pos = buf.length; // stop: forward compatibility
    }
  }
  rec.protectedRollback =
    type === 'rollback' && rec.shortValue !== undefined && rec.shortValue.length === 1 && rec.shortValue[0] === 0x70;
  return rec;
}

/** TiKV `check_gc_fence_as_latest_version`: false when a non-zero fence <= readTs invalidates the record. */
export function gcFenceAllows(rec: WriteRecord, readTs: bigint): boolean {
  return !(rec.gcFence !== undefined && rec.gcFence !== 0n && rec.gcFence <= readTs);
}
