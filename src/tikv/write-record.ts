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

/**
 * Allocation-free reading of a write record for the scan hot path (LatestScanner): the same
 * grammar as `parseWrite` above, but the fields land in this reusable object as numbers and
 * offsets instead of a new record with bigints (start_ts only when asked: decodeStart()). `read`
 * returns false exactly when `parseWrite`
 * would throw (unknown type, truncation, varint overflow); the caller then calls `parseWrite`
 * for the error. test/tikv/write-record.test.ts checks the equivalence on every fixture shape
 * and on random bytes.
 */
export class WriteView {
  /** The type byte: 0x50 Put, 0x44 Delete, 0x4C Lock, 0x52 Rollback. */
  type = 0;
  /**
   * start_ts as two unsigned 32-bit halves: set by decodeStart(), not by read() (read() only
   * checks the uvarint: a short-value Put's start_ts is not needed per row).
   */
  startHi = 0;
  startLo = 0;
  /** The record read() last accepted (decodeStart() reads its start_ts): buf from start. */
  private buf: Uint8Array = new Uint8Array(0);
  private start = 0;
  /** Offset and length of the short value inside the buffer; shortAt = -1 when there is none. */
  shortAt = -1;
  shortLen = 0;
  /** Offset of the 8-byte gc_fence inside the buffer, -1 when there is none. */
  fenceAt = -1;

  /**
   * Reads the record buf[start, end) (default: all of buf); offsets it sets (shortAt, fenceAt)
   * are offsets into buf.
   */
  read(buf: Uint8Array, start = 0, end = buf.length): boolean {
    const len = end;
    if (len <= start) return false;
    const t = buf[start]!;
    if (t !== 0x50 && t !== 0x44 && t !== 0x4c && t !== 0x52) return false;
    this.type = t;
    this.shortAt = -1;
    this.shortLen = 0;
    this.fenceAt = -1;
    // start_ts: a uvarint that readUvarint64 accepts (<= 10 bytes, the 10th <= 1); decodeStart()
    // decodes it
    let pos = start + 1;
    for (let i = 0; ; i++) {
      if (pos >= len || i === 10) return false;
      const b = buf[pos++]!;
      if (b < 0x80) {
        if (i === 9 && b > 1) return false;
        break;
      }
    }
    while (pos < len) {
      const tag = buf[pos++]!;
      if (tag === SHORT_VALUE_PREFIX) {
        if (pos >= len) return false;
        const n = buf[pos++]!;
        if (pos + n > len) return false;
        this.shortAt = pos;
        this.shortLen = n;
        pos += n;
      } else if (tag === FLAG_OVERLAPPED_ROLLBACK) {
        // no payload
      } else if (tag === GC_FENCE_PREFIX) {
        if (pos + 8 > len) return false;
        this.fenceAt = pos;
        pos += 8;
      } else if (tag === LAST_CHANGE_PREFIX) {
        if (pos + 8 > len) return false;
        pos = skipUvarint(buf, pos + 8, len);
        if (pos < 0) return false;
      } else if (tag === TXN_SOURCE_PREFIX) {
        pos = skipUvarint(buf, pos, len);
        if (pos < 0) return false;
      } else {
        break; // unknown tag: the rest is ignored (forward compatibility), like parseWrite
      }
    }
    this.buf = buf; // only an accepted record: decodeStart() never reads a refused one
    this.start = start;
    return true;
  }

  /** Decode the start_ts of the record read() last accepted into startHi/startLo. */
  decodeStart(): void {
    const buf = this.buf;
    let pos = this.start + 1;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      const b = buf[pos++]!;
      const c = b & 0x7f;
      if (i < 4) lo |= c << (7 * i);
      else if (i === 4) {
        lo |= c << 28;
        hi |= c >>> 4;
      } else if (i < 9) hi |= c << (7 * i - 32);
      else hi |= c << 31; // 10th byte: read() checked it is <= 1
      if (b < 0x80) break;
    }
    this.startLo = lo >>> 0;
    this.startHi = hi >>> 0;
  }

  /** start_ts as a bigint, decoded (allocates; not for the per-row path). */
  startTs(): bigint {
    this.decodeStart();
    return (BigInt(this.startHi) << 32n) | BigInt(this.startLo);
  }
}

/** Offset past a uvarint that readUvarint64 would accept, or -1 where it would throw. */
function skipUvarint(buf: Uint8Array, pos: number, end: number): number {
  const start = pos;
  for (;;) {
    if (pos >= end) return -1;
    const b = buf[pos++]!;
    if (pos - start === 10 && b > 1) return -1;
    if (b < 0x80) return pos;
    if (pos - start >= 10) return -1;
  }
}
