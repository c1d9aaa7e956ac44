/**
 * One chunk of one table -> its CSV part files. Runs in the main thread (--threads 1) or in a
 * worker thread (worker-thread.ts); the main thread later renames the parts to their final
 * Dumpling names (worker-pool.ts), so the numbering never depends on thread timing.
 *
 * Part files go to PARTS/<prefix>.<chunk%06d>.<k%04d>.csv: written as `<name>.tmp-<pid>`, fsynced
 * and renamed (file-writer.ts AtomicFile), so a part under its name is complete. Rotation
 * follows -F like RotatingWriter: a file is closed after the row that makes it reach the size.
 * Each part's size and rows are recorded in the checkpoint (a resumed run checks the size; the
 * fsync before the rename is what makes a committed part whole, so no checksum of the output is
 * kept: it was computed and never read, ~3-5% of a worker's CPU). Rows that do not decode go to
 * PARTS/<prefix>.<chunk%06d>.rejects.jsonl.
 *
 * A FormatError (corrupt data) stops the chunk: the rows read so far are kept (their part files
 * are committed) and the result carries the error; any other error propagates.
 */
import { damagedKeyRange } from './salvage-report.js';
import { basename } from 'node:path';
import { DataError, FormatError } from '../errors.js';
import type { CsvFormatter } from './csv.js';
import { AtomicFile } from './file-writer.js';
import { CsvRowWriter, MaxCommitTs } from './row-csv.js';
import type { DumpSource, TableDecoder } from './source.js';
import { corruptWriteRejectLines } from './corrupt-writes.js';
import { keepFirst, missingRejectLines, type MissingSample } from './missing-values.js';

export interface PartFile {
  /** Name inside the parts directory. */
  part: string;
  bytes: number;
  rows: number;
}

export interface ChunkResult {
  index: number;
  rows: number;
  bytes: number;
  files: PartFile[];
  deleted: number;
  missing: number;
  rejected: number;
  /** Name of the rejects part (in the parts directory), when some row did not decode. */
  rejectsPart?: string;
  /** First keys whose value is missing (missing-values.ts). */
  missingSamples?: MissingSample[];
  maxCommitTs: string;
  /** Corruption met in this chunk: the rows before it are in `files`. */
  error?: string;
}

export interface ChunkTask {
  index: number;
  /** Key ranges of physical tables, scanned in this order into the same files. */
  segments: { physicalId: number; range: { start: Uint8Array; end: Uint8Array } }[];
  /** Part-file name prefix (unique per table). */
  prefix: string;
  partsDir: string;
  fileSize: number;
  header: Uint8Array;
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

/**
 * Part writer with rotation. Rows are not copied here: CsvRowWriter.append
 * leaves each line in the formatter's buffer (CsvFormatter.keepRow), and rowAdded() writes the
 * kept lines out in pieces of about FLUSH_BYTES, so every line is written into memory once.
 */
const FLUSH_BYTES = 1 << 20;

class PartWriter {
  private file: AtomicFile | undefined;
  private fileRows = 0;
  private k = 0;
  readonly files: PartFile[] = [];
  /** Bytes of rows and headers written (kept rows included). */
  bytes = 0;

  constructor(
    private readonly t: ChunkTask,
    private readonly formatter: CsvFormatter,
  ) {
    formatter.takeKept(); // the formatter is shared by the chunks of a worker: start empty
  }

  private open(): AtomicFile {
    const f = new AtomicFile(this.t.partsDir, `${this.t.prefix}.${pad(this.t.index, 6)}.${pad(this.k++, 4)}.csv`, undefined, 1);
    this.file = f;
    this.fileRows = 0;
    const h = this.t.header;
    if (h.length > 0) {
      f.write(h);
      this.bytes += h.length;
    }
    return f;
  }

  private flush(): void {
    if (this.formatter.keptBytes() === 0) return;
    const chunk = this.formatter.takeKept();
    this.file!.write(chunk);
  }

  /** The row `len` bytes long just kept in the formatter belongs to the current part. */
  rowAdded(len: number): void {
    const f = this.file ?? this.open();
    this.bytes += len;
    this.fileRows++;
    const kept = this.formatter.keptBytes();
    if (this.t.fileSize > 0 && f.size + kept >= this.t.fileSize) this.close();
    else if (kept >= FLUSH_BYTES) this.flush();
  }

  close(): void {
    const f = this.file;
    if (f === undefined) return;
    this.flush();
    f.commit();
    this.files.push({ part: basename(f.finalPath), bytes: f.size, rows: this.fileRows });
    this.file = undefined;
  }

  abort(): void {
    this.formatter.takeKept(); // rows of an abandoned part never reach the next chunk's files
    this.file?.abort();
    this.file = undefined;
  }
}

/**
 * onRows is called every 32768 rows (some 30 ms of a worker), every 64 MiB of CSV (large rows:
 * a worker's messages also tell the main thread it is alive), and at the end. Every 4096 rows
 * made each worker post ~250 progress messages a second (1% of its CPU in profiles).
 */
const ROWS_EVERY = 0x7fff;
const REPORT_BYTES = 64 << 20;

const hexOf = (u: Uint8Array): string => Buffer.from(u.buffer, u.byteOffset, u.length).toString('hex');
const enc = new TextEncoder();

export function runChunk(
  source: DumpSource,
  decoder: TableDecoder,
  formatter: CsvFormatter,
  t: ChunkTask,
  onRows?: (rows: number, bytes: number) => void,
): ChunkResult {
  const w = new PartWriter(t, formatter);
  let rejects: AtomicFile | undefined;
  const res: ChunkResult = { index: t.index, rows: 0, bytes: 0, files: [], deleted: 0, missing: 0, rejected: 0, maxCommitTs: '0' };
  const maxTs = new MaxCommitTs();
  const rowWriter = new CsvRowWriter(decoder, formatter); // row value -> CSV line (row-csv.ts)
  let reported = 0;
  let reportedBytes = 0;
  try {
    try {
      for (const seg of t.segments) {
        const scan = source.scanRows(seg.physicalId, seg.range);
        // the value as buffer + range when the scan offers it: no view per row
        const ranged = scan.valueBuffer !== undefined && scan.valueStart !== undefined && scan.valueEnd !== undefined;
        while (scan.next()) {
          const key = scan.rawKeyView !== undefined ? scan.rawKeyView() : scan.rawKey();
          const before = formatter.keptBytes();
          try {
            if (ranged) rowWriter.append(key, scan.valueBuffer!(), scan.valueStart!(), scan.valueEnd!(), true);
            else {
              const value = scan.value();
              rowWriter.append(key, value, 0, value.length);
            }
          } catch (e) {
            if (!(e instanceof DataError) && !(e instanceof FormatError)) throw e;
            rejects ??= new AtomicFile(t.partsDir, `${t.prefix}.${pad(t.index, 6)}.rejects.jsonl`);
            const j = JSON.stringify({ physical_id: seg.physicalId, key: hexOf(key), value: hexOf(scan.value()), commit_ts: scan.commitTs().toString(), error: e.message });
            rejects.write(enc.encode(`${j}\n`));
            res.rejected++;
            continue;
          }
          maxTs.note(scan);
          w.rowAdded(formatter.keptBytes() - before);
          res.rows++;
          if (onRows !== undefined && ((res.rows & ROWS_EVERY) === 0 || w.bytes - reportedBytes >= REPORT_BYTES)) {
            onRows(res.rows - reported, w.bytes - reportedBytes);
            reported = res.rows;
            reportedBytes = w.bytes;
          }
        }
        const c = scan.counters();
        res.deleted += c.deleted;
        res.missing += c.valuesMissing;
        if (c.missingValues !== undefined && c.missingValues.samples.length > 0) {
          // the keys whose value is missing: rejects lines with "value": null (missing-values.ts)
          rejects ??= new AtomicFile(t.partsDir, `${t.prefix}.${pad(t.index, 6)}.rejects.jsonl`);
          rejects.write(enc.encode(missingRejectLines(seg.physicalId, c.missingValues.samples)));
          res.missingSamples = keepFirst(res.missingSamples ?? [], c.missingValues.samples);
        }
        if (c.corruptWrites !== undefined && c.corruptWrites.count > 0) {
          // keys whose write record does not parse: rejects, like rows that do not decode
          if (c.corruptWrites.samples.length > 0) {
            rejects ??= new AtomicFile(t.partsDir, `${t.prefix}.${pad(t.index, 6)}.rejects.jsonl`);
            rejects.write(enc.encode(corruptWriteRejectLines(seg.physicalId, c.corruptWrites)));
          }
          res.rejected += c.corruptWrites.count;
        }
      }
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      res.error = e.message + damagedKeyRange(e);
    }
    w.close();
    if (rejects !== undefined) {
      rejects.commit();
      res.rejectsPart = basename(rejects.finalPath);
    }
  } catch (e) {
    w.abort();
    rejects?.abort();
    throw e;
  }
  res.files = w.files;
  res.bytes = w.bytes;
  res.maxCommitTs = maxTs.value().toString();
  onRows?.(res.rows - reported, w.bytes - reportedBytes);
  return res;
}
