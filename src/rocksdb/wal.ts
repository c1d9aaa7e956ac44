/**
 * WAL replay: rebuild per-CF memtables from the write-ahead logs, as RocksDB's read-only open
 * does (facebook/rocksdb:db/db_impl/db_impl_open.cc `RecoverLogFiles`, db/write_batch.cc
 * `MemTableInserter`).
 *
 *   - WAL files (`NNNNNN.log`, log-reader.ts) are replayed in file-number order.
 *   - Each logical record is a WriteBatch (write-batch.ts).
 *   - An entry for CF c is applied only if the WAL's number >= c's log number from the MANIFEST
 *     (older WALs hold only data already flushed to SSTs); entries of dropped or unknown CFs
 *     are skipped.
 *   - A torn tail (record cut by the end of the file) ends that WAL: the data before it is
 *     used and a 'wal-torn-tail' warning gives the byte offset. Mid-file damage is a
 *     FormatError.
 *   - A merge operand in a CF we apply is an 'unsupported' FormatError naming WAL and offset.
 *   - A WAL is read with positioned reads, one 32 KiB log block at a time (log-reader.ts
 *     streamLogRecords), never whole: no 2 GiB limit, and only the blocks holding entries the
 *     memtables keep stay in memory.
 */
import { FileReader } from './file-reader.js';
import { ValueType, type Warning } from './types.js';
import { streamLogRecords, type LogRecord, type LogSource, type LogStreamResult } from './log-reader.js';
import { parseWriteBatch, mergeUnsupported } from './write-batch.js';
import { Memtable } from './memtable.js';
import { unsupported } from '../errors.js';

export interface WalInput {
  fileNumber: number;
  path: string;
}

export interface WalReplayResult {
  /** Memtables by CF id (only CFs that received entries). */
  memtables: Map<number, Memtable>;
  /** Highest sequence number seen in an applied batch (0 when none). */
  lastSequence: number;
  /** Entries applied / skipped (old WAL for the CF, dropped or unknown CF). */
  applied: number;
  skipped: number;
}

export interface WalReplayOptions {
  /** Log number per live CF id. CFs not in the map are dropped/unknown: their entries are skipped. */
  cfLogNumbers: Map<number, number>;
  /** CF ids the MANIFEST records as dropped: their entries are skipped silently, as RocksDB does. */
  droppedCfs?: Set<number>;
  onWarning?: (w: Warning) => void;
  /**
   * 'error' (default): mid-file WAL damage is a FormatError. 'stop': use the records before it,
   * skip the rest of that WAL and warn ('wal-corruption'), like RocksDB's point-in-time recovery.
   */
  walCorruption?: 'error' | 'stop';
  /** Override file reading (tests): the whole file as one buffer. */
  readFile?: (path: string) => Uint8Array;
  /** Override positioned reads (tests); default FileReader.open(path). */
  openLog?: (path: string) => LogSource & { close(): void };
}

export function replayWals(wals: WalInput[], opts: WalReplayOptions): WalReplayResult {
  const sorted = [...wals].sort((a, b) => a.fileNumber - b.fileNumber);
  const memtables = new Map<number, Memtable>();
  const warn = opts.onWarning ?? (() => {});
  const readFile = opts.readFile;
  const open =
    opts.openLog ??
    ((p: string): LogSource & { close(): void } => {
      if (readFile !== undefined) {
        const buf = readFile(p);
        return { size: buf.length, read: (o, n) => buf.subarray(o, o + n), close: () => {} };
      }
      return FileReader.open(p);
    });
  let minLog = Infinity;
  for (const n of opts.cfLogNumbers.values()) minLog = Math.min(minLog, n);
  const res: WalReplayResult = { memtables, lastSequence: 0, applied: 0, skipped: 0 };
  const unknownCfs = new Set<number>();

  sorted.forEach((wal, idx) => {
    if (wal.fileNumber < minLog) return; // obsolete: every CF flushed past it
    const apply = (rec: LogRecord): void => {
      const header = parseWriteBatch(
        rec.data,
        (e) => {
          const cfLog = opts.cfLogNumbers.get(e.cfId);
          if (cfLog === undefined) {
            if (!unknownCfs.has(e.cfId) && opts.droppedCfs?.has(e.cfId) !== true) {
              unknownCfs.add(e.cfId);
              warn({
                code: 'wal-unknown-cf',
                message: `WAL has entries for column family id ${e.cfId}, which is dropped or unknown; skipped`,
                file: wal.path,
              });
            }
            res.skipped++;
            return;
          }
          if (wal.fileNumber < cfLog) {
            res.skipped++;
            return;
          }
          let mt = memtables.get(e.cfId);
          if (mt === undefined) {
            mt = new Memtable();
            memtables.set(e.cfId, mt);
          }
          switch (e.kind) {
            case ValueType.Value:
            case ValueType.Deletion:
            case ValueType.SingleDeletion:
            case ValueType.BlobIndex:
              mt.add(e.key, e.seq, e.kind, e.value);
              break;
            case ValueType.RangeDeletion:
              mt.addRangeTombstone(e.key, e.value, e.seq);
              break;
            case ValueType.Merge:
              throw mergeUnsupported(wal.path, rec.offset, e.key);
            default:
              throw unsupported('WAL entry type not supported', {
                file: wal.path,
                offset: rec.offset,
                found: `type 0x${e.kind.toString(16)}`,
              });
          }
          if (e.seq > res.lastSequence) res.lastSequence = e.seq;
          res.applied++;
        },
        { file: wal.path, offset: rec.offset },
      );
      if ((header.twoPhaseMarkers ?? 0) > 0) {
        // Data between prepare and commit markers is not committed until a later commit record;
        // replaying it as plain writes could show uncommitted data. TiKV never writes these.
        throw unsupported('two-phase-commit (transaction) markers in the WAL are not supported', {
          file: wal.path,
          offset: rec.offset,
        });
      }
    };
    const src = open(wal.path);
    let log: LogStreamResult;
    try {
      log = streamLogRecords(src, { file: wal.path, logNumber: wal.fileNumber, stopAtCorruption: opts.walCorruption === 'stop' }, apply);
    } finally {
      src.close();
    }
    if (log.corruption !== undefined) {
      warn({
        code: 'wal-corruption',
        message:
          `WAL damaged at byte ${log.corruption.offset} (${log.corruption.error.message}); ` +
          `the ${log.count} record(s) before it were used, the rest of this WAL was not read`,
        file: wal.path,
      });
    }
    if (log.tornTail !== null) {
      const last = idx === sorted.length - 1;
      warn({
        code: 'wal-torn-tail',
        message:
          `WAL ends in an incomplete record at byte ${log.tornTail.offset} (${log.tornTail.reason}); ` +
          (last
            ? 'records before it were used (normal after a crash)'
            : 'this is not the newest WAL, so writes after this point in it may be missing'),
        file: wal.path,
      });
    }
  });
  return res;
}
