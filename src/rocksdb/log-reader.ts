/**
 * RocksDB log format: the container of both the WAL (`NNNNNN.log`) and the MANIFEST.
 *
 * Byte layout (facebook/rocksdb:db/log_format.h, db/log_reader.cc, db/log_writer.cc):
 *
 *   file     = block*            each block is 32768 bytes (the last may be short)
 *   block    = record* padding   a record never straddles a block; if fewer than a header's
 *                                worth of bytes remain, the writer fills them with zeros
 *   record   = crc:fixed32  length:fixed16  type:u8  [logNumber:fixed32]  payload[length]
 *              - crc is masked crc32c over type, the log number (if present) and the payload
 *              - header 7 bytes; 11 bytes for the recyclable types 5..8 and odd types >= 10
 *   type     = 0 zero (preallocated space; length 0 -> skip the rest of the block)
 *              1 full, 2 first, 3 middle, 4 last        (a logical record = full, or
 *              5..8 recyclable full/first/middle/last      first middle* last)
 *              9 set compression (WAL compression: we do not read it -> 'unsupported')
 *              10 / 11 user-defined timestamp sizes (metadata, skipped)
 *              types with bit 7 set (130/131 predecessor WAL info, ...) may be ignored
 *   recyclable records carry the log number of the file; a different number means stale bytes
 *   of a recycled file: that is the end of the log.
 *
 * Damage policy (what an operator needs to hear):
 *   - damage whose every following byte is zero or missing is a *torn tail* (the writer died
 *     mid-write; normal for the live WAL). Reading stops; `tornTail` gives the byte offset.
 *   - damage followed by more non-zero bytes is *mid-file corruption*: FormatError 'corruption'
 *     with the file and byte offset. We never skip over it silently.
 */
import { FormatError, corruption, unsupported } from '../errors.js';
import { crc32c, unmaskCrc } from './checksum.js';

export const LOG_BLOCK_SIZE = 32768;
export const LOG_HEADER_SIZE = 7;
export const LOG_RECYCLABLE_HEADER_SIZE = 11;

export const LogRecordType = {
  Zero: 0,
  Full: 1,
  First: 2,
  Middle: 3,
  Last: 4,
  RecyclableFull: 5,
  RecyclableFirst: 6,
  RecyclableMiddle: 7,
  RecyclableLast: 8,
  SetCompression: 9,
  UserDefinedTimestampSize: 10,
  RecyclableUserDefinedTimestampSize: 11,
} as const;

const SAFE_IGNORE_MASK = 0x80;

/** One logical record and the byte offset of its first physical fragment's header. */
export interface LogRecord {
  offset: number;
  data: Uint8Array;
}

export interface LogTail {
  /** Byte offset where the damaged/incomplete data starts. */
  offset: number;
  reason: string;
}

export interface LogReadResult {
  records: LogRecord[];
  /**
   * Only with `stopAtCorruption`: mid-file damage where reading stopped (RocksDB's
   * point-in-time recovery behaviour); `records` holds what came before it.
   */
  corruption?: { offset: number; error: FormatError };
  /** Set when the file ends in an incomplete or damaged record followed only by zeros/EOF. */
  tornTail: LogTail | null;
  /** Set when a recyclable record from an older incarnation of the file ended the log. */
  staleTail: LogTail | null;
}

export interface LogReadOptions {
  /** Path, for error messages. */
  file?: string;
  /** The file's own number (needed for recyclable records). */
  logNumber?: number;
  /** Return the records before mid-file corruption instead of throwing (salvage). */
  stopAtCorruption?: boolean;
}

function isRecyclable(type: number): boolean {
  return (type >= 5 && type <= 8) || (type >= 10 && (type & 1) === 1);
}

function allZero(buf: Uint8Array, from: number): boolean {
  for (let i = from; i < buf.length; i++) if (buf[i] !== 0) return false;
  return true;
}

/**
 * Split a whole log file into logical records (zero-copy views for single-fragment records,
 * fresh buffers for reassembled ones). Checksums are always verified.
 */
export function readLogRecords(buf: Uint8Array, opts: LogReadOptions = {}): LogReadResult {
  const records: LogRecord[] = [];
  try {
    return readInto(buf, opts, records);
  } catch (e) {
    if (opts.stopAtCorruption === true && e instanceof FormatError && e.code === 'corruption') {
      return { records, tornTail: null, staleTail: null, corruption: { offset: e.offset ?? 0, error: e } };
    }
    throw e;
  }
}

function readInto(buf: Uint8Array, opts: LogReadOptions, records: LogRecord[]): LogReadResult {
  const file = opts.file;
  let pos = 0;
  let fragments: Uint8Array[] | null = null; // non-null while inside first..last
  let fragmentStart = 0;
  const len = buf.length;

  const tail = (offset: number, reason: string): LogReadResult => ({
    records,
    tornTail: { offset, reason },
    staleTail: null,
  });

  // Damage at `at`; `resumeFrom` is the first byte after the damaged record as far as we can
  // tell. Torn tail if nothing but zeros follows, corruption otherwise.
  const damage = (at: number, resumeFrom: number, reason: string, expected?: string, found?: string): LogReadResult => {
    const start = fragments !== null ? fragmentStart : at;
    if (allZero(buf, Math.min(resumeFrom, len))) return tail(start, reason);
    throw corruption(`log record ${reason}`, { file, offset: at, expected, found, context: 'log record header' });
  };

  while (pos < len) {
    const blockEnd = (Math.floor(pos / LOG_BLOCK_SIZE) + 1) * LOG_BLOCK_SIZE;
    const leftInBlock = blockEnd - pos;
    if (leftInBlock < LOG_HEADER_SIZE) {
      // Block trailer padding (zeros by the writer; RocksDB's reader does not check them).
      pos = blockEnd;
      continue;
    }
    if (len - pos < LOG_HEADER_SIZE) {
      if (allZero(buf, pos)) break;
      return damage(pos, len, 'header cut by end of file');
    }
    const type = buf[pos + 6]!;
    const length = buf[pos + 4]! | (buf[pos + 5]! << 8);
    if (type === LogRecordType.Zero && length === 0) {
      // Preallocated space (mmap writers): skip the rest of this block.
      pos = blockEnd;
      continue;
    }
    const headerSize = isRecyclable(type) ? LOG_RECYCLABLE_HEADER_SIZE : LOG_HEADER_SIZE;
    const end = pos + headerSize + length;
    if (end > blockEnd || end > len) {
      if (end > len && blockEnd >= len) {
        // The file ends inside this record: the writer died while appending it.
        return damage(pos, len, 'cut by end of file', `${headerSize + length} bytes`, `${len - pos} bytes`);
      }
      return damage(pos, blockEnd, 'length crosses the 32 KiB block boundary', `<= ${leftInBlock - headerSize}`, `${length}`);
    }
    const storedCrc = unmaskCrc(
      (buf[pos]! | (buf[pos + 1]! << 8) | (buf[pos + 2]! << 16) | (buf[pos + 3]! << 24)) >>> 0,
    );
    const actualCrc = crc32c(buf.subarray(pos + 6, end));
    if (storedCrc !== actualCrc) {
      // RocksDB drops the rest of the block here, since "length" may itself be garbage.
      return damage(
        pos,
        end,
        'checksum mismatch',
        `crc32c 0x${storedCrc.toString(16).padStart(8, '0')}`,
        `0x${actualCrc.toString(16).padStart(8, '0')}`,
      );
    }
    if (headerSize === LOG_RECYCLABLE_HEADER_SIZE) {
      const num = (buf[pos + 7]! | (buf[pos + 8]! << 8) | (buf[pos + 9]! << 16) | (buf[pos + 10]! << 24)) >>> 0;
      const own = opts.logNumber;
      if (own !== undefined && num !== own % 2 ** 32) {
        // Bytes of an earlier incarnation of a recycled log file: the real log ends here.
        return {
          records,
          tornTail: fragments !== null ? { offset: fragmentStart, reason: 'fragmented record cut by recycled data' } : null,
          staleTail: { offset: pos, reason: `recyclable record of log ${num} in log ${own}` },
        };
      }
    }
    const payload = buf.subarray(pos + headerSize, end);
    const recordAt = pos;
    pos = end;
    switch (type) {
      case LogRecordType.Full:
      case LogRecordType.RecyclableFull:
        if (fragments !== null && fragments.length > 0 && fragments.some((f) => f.length > 0)) {
          throw corruption('log: full record while a fragmented record is open (partial record without end)', {
            file,
            offset: recordAt,
          });
        }
        fragments = null;
        records.push({ offset: recordAt, data: payload });
        break;
      case LogRecordType.First:
      case LogRecordType.RecyclableFirst:
        if (fragments !== null && fragments.some((f) => f.length > 0)) {
          throw corruption('log: first fragment while a fragmented record is open (partial record without end)', {
            file,
            offset: recordAt,
          });
        }
        fragments = [payload];
        fragmentStart = recordAt;
        break;
      case LogRecordType.Middle:
      case LogRecordType.RecyclableMiddle:
        if (fragments === null) {
          throw corruption('log: middle fragment without a first fragment', { file, offset: recordAt });
        }
        fragments.push(payload);
        break;
      case LogRecordType.Last:
      case LogRecordType.RecyclableLast: {
        if (fragments === null) {
          throw corruption('log: last fragment without a first fragment', { file, offset: recordAt });
        }
        fragments.push(payload);
        let total = 0;
        for (const f of fragments) total += f.length;
        const data = new Uint8Array(total);
        let o = 0;
        for (const f of fragments) {
          data.set(f, o);
          o += f.length;
        }
        records.push({ offset: fragmentStart, data });
        fragments = null;
        break;
      }
      case LogRecordType.SetCompression:
        throw unsupported('compressed WAL (log record type 9, wal_compression) is not supported', {
          file,
          offset: recordAt,
        });
      case LogRecordType.UserDefinedTimestampSize:
      case LogRecordType.RecyclableUserDefinedTimestampSize:
        break; // metadata about user-defined timestamps; TiKV does not use them
      default:
        if ((type & SAFE_IGNORE_MASK) !== 0) break; // safe-to-ignore (e.g. predecessor WAL info)
        throw corruption('log: unknown record type', { file, offset: recordAt, found: `type ${type}` });
    }
  }
  if (fragments !== null) {
    return tail(fragmentStart, 'fragmented record without its last fragment at end of file');
  }
  return { records, tornTail: null, staleTail: null };
}
