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

/**
 * Where the log bytes come from: a whole buffer (readLogRecords) or positioned reads of a file,
 * one 32 KiB block at a time (streamLogRecords over a FileReader: memory does not grow with the
 * log, and files over 2 GiB work). `read` returns exactly `length` bytes at `offset`; the result
 * must stay valid after later reads (record payloads are views into it).
 */
export interface LogSource {
  readonly size: number;
  read(offset: number, length: number): Uint8Array;
}

/** What streamLogRecords found besides the records it handed out. */
export interface LogStreamResult {
  /** Logical records delivered to the callback. */
  count: number;
  corruption?: { offset: number; error: FormatError };
  tornTail: LogTail | null;
  staleTail: LogTail | null;
}

/** Block-at-a-time view of a LogSource. */
class BlockCursor {
  private index = -1;
  block: Uint8Array = new Uint8Array(0);
  base = 0;
  constructor(private readonly src: LogSource) {}

  /** Make the block holding `pos` current. */
  at(pos: number): void {
    const i = Math.floor(pos / LOG_BLOCK_SIZE);
    if (i === this.index) return;
    const start = i * LOG_BLOCK_SIZE;
    this.block = this.src.read(start, Math.min(LOG_BLOCK_SIZE, this.src.size - start));
    this.index = i;
    this.base = start;
  }

  /** True when every byte from `from` to the end of the source is zero (reads block by block). */
  allZeroFrom(from: number): boolean {
    const size = this.src.size;
    for (let p = from; p < size; ) {
      const blockStart = Math.floor(p / LOG_BLOCK_SIZE) * LOG_BLOCK_SIZE;
      const n = Math.min(blockStart + LOG_BLOCK_SIZE, size);
      const b = this.src.read(p, n - p);
      for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
      p = n;
    }
    return true;
  }
}

/**
 * Split a whole log file into logical records (zero-copy views for single-fragment records,
 * fresh buffers for reassembled ones). Checksums are always verified.
 */
export function readLogRecords(buf: Uint8Array, opts: LogReadOptions = {}): LogReadResult {
  const records: LogRecord[] = [];
  const src: LogSource = { size: buf.length, read: (o, n) => buf.subarray(o, o + n) };
  const r = streamLogRecords(src, opts, (rec) => records.push(rec));
  return {
    records,
    tornTail: r.tornTail,
    staleTail: r.staleTail,
    ...(r.corruption === undefined ? {} : { corruption: r.corruption }),
  };
}

/**
 * readLogRecords over any LogSource, handing each logical record to `onRecord` as soon as it is
 * complete (nothing is kept but the open fragments of one record). On mid-file corruption the
 * records before it have been delivered; it throws, or with `stopAtCorruption` returns it.
 */
export function streamLogRecords(src: LogSource, opts: LogReadOptions, onRecord: (r: LogRecord) => void): LogStreamResult {
  const counter = { count: 0 };
  const deliver = (r: LogRecord): void => {
    counter.count++;
    onRecord(r);
  };
  try {
    const t = readInto(src, opts, deliver);
    return { count: counter.count, tornTail: t.tornTail, staleTail: t.staleTail };
  } catch (e) {
    if (opts.stopAtCorruption === true && e instanceof FormatError && e.code === 'corruption') {
      return { count: counter.count, tornTail: null, staleTail: null, corruption: { offset: e.offset ?? 0, error: e } };
    }
    throw e;
  }
}

type Tails = Pick<LogStreamResult, 'tornTail' | 'staleTail'>;

function readInto(src: LogSource, opts: LogReadOptions, deliver: (r: LogRecord) => void): Tails {
  const file = opts.file;
  let pos = 0;
  let fragments: Uint8Array[] | null = null; // non-null while inside first..last
  let fragmentStart = 0;
  const len = src.size;
  const cur = new BlockCursor(src);

  const tail = (offset: number, reason: string): Tails => ({
    tornTail: { offset, reason },
    staleTail: null,
  });

  // Damage at `at`; `resumeFrom` is the first byte after the damaged record as far as we can
  // tell. Torn tail if nothing but zeros follows, corruption otherwise.
  const damage = (at: number, resumeFrom: number, reason: string, expected?: string, found?: string): Tails => {
    const start = fragments !== null ? fragmentStart : at;
    if (cur.allZeroFrom(Math.min(resumeFrom, len))) return tail(start, reason);
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
      if (cur.allZeroFrom(pos)) break;
      return damage(pos, len, 'header cut by end of file');
    }
    // A record never straddles a block: every byte of it is in the block holding `pos`.
    cur.at(pos);
    const buf = cur.block;
    const p = pos - cur.base;
    const type = buf[p + 6]!;
    const length = buf[p + 4]! | (buf[p + 5]! << 8);
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
      (buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16) | (buf[p + 3]! << 24)) >>> 0,
    );
    const actualCrc = crc32c(buf.subarray(p + 6, end - cur.base));
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
      const num = (buf[p + 7]! | (buf[p + 8]! << 8) | (buf[p + 9]! << 16) | (buf[p + 10]! << 24)) >>> 0;
      const own = opts.logNumber;
      if (own !== undefined && num !== own % 2 ** 32) {
        // Bytes of an earlier incarnation of a recycled log file: the real log ends here.
        return {
          tornTail: fragments !== null ? { offset: fragmentStart, reason: 'fragmented record cut by recycled data' } : null,
          staleTail: { offset: pos, reason: `recyclable record of log ${num} in log ${own}` },
        };
      }
    }
    const payload = buf.subarray(p + headerSize, end - cur.base);
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
        deliver({ offset: recordAt, data: payload });
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
        deliver({ offset: fragmentStart, data });
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
  return { tornTail: null, staleTail: null };
}
