/**
 * One chunk of one table -> its CSV part files. Runs in the main thread (--threads 1) or in a
 * worker thread (worker-thread.ts); the main thread later renames the parts to their final
 * Dumpling names (worker-pool.ts), so the numbering never depends on thread timing.
 *
 * Part files go to PARTS/<prefix>.<chunk%06d>.<k%04d>.csv: written as `<name>.tmp-<pid>` and
 * renamed when complete (file-writer.ts AtomicFile), so a part under its name is complete. They
 * are not fsynced here: the main thread fsyncs each part before it records the chunk as done
 * (worker-pool.ts commitChunk; a part not recorded is deleted by a resume), so a worker never
 * waits for the disk. Rotation follows -F like RotatingWriter: a file is closed after the row
 * that makes it reach the size. Each part's size and rows are recorded in the checkpoint (a
 * resumed run checks the size; the main thread's fsync before it records a part is what makes a
 * committed part whole, so no checksum of the output is kept: it was computed and never read,
 * ~3-5% of a worker's CPU). Rows that do not decode go to PARTS/<prefix>.<chunk%06d>.rejects.jsonl.
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
import type { DumpSource, RowScan, TableDecoder } from './source.js';
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
 * leaves each line in the formatter's buffer (CsvFormatter.keepRow), and the kept lines are
 * written out in pieces of about FLUSH_BYTES, so every line is written into memory once.
 *
 * Per row, rowAdded() only counts and compares (the hot loop, pumpRows); opening, flushing and
 * rotating are service(), which the caller runs when rowAdded() says so. Kept out of the loop,
 * those rare first-time paths no longer deoptimize the function TurboFan compiled the whole
 * inlined pipeline into (see pumpRows).
 */
const FLUSH_BYTES = 1 << 20;

class PartWriter {
  private file: AtomicFile | undefined;
  private fileRows = 0;
  private k = 0;
  /**
   * service() is due once the kept bytes reach this: 0 while no part is open (the next row opens
   * one), else the least of FLUSH_BYTES and what the open part may still take before -F.
   */
  private serviceAt = 0;
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
    this.file = f; // fileRows already counts the row that opens it (rowAdded before service)
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

  /**
   * The row `len` bytes long just kept in the formatter belongs to the current part. True when
   * service() must run before the next row (a part to open, kept rows to write, -F reached).
   */
  rowAdded(len: number): boolean {
    this.bytes += len;
    this.fileRows++;
    return this.formatter.keptBytes() >= this.serviceAt;
  }

  /**
   * Opens the part of the row just added if none is open, then closes it when it reached -F
   * (after that row) or writes the kept rows out once they reach FLUSH_BYTES.
   */
  service(): void {
    const f = this.file ?? this.open();
    const kept = this.formatter.keptBytes();
    const fileSize = this.t.fileSize;
    if (fileSize > 0 && f.size + kept >= fileSize) this.close();
    else if (kept >= FLUSH_BYTES) this.flush();
    this.serviceAt = this.file === undefined ? 0 : fileSize > 0 ? Math.min(FLUSH_BYTES, fileSize - this.file.size) : FLUSH_BYTES;
  }

  close(): void {
    const f = this.file;
    if (f === undefined) return;
    this.flush();
    f.commit(false); // the main thread makes it durable before recording the chunk (commitChunk)
    this.files.push({ part: basename(f.finalPath), bytes: f.size, rows: this.fileRows });
    this.file = undefined;
    this.fileRows = 0;
    this.serviceAt = 0;
  }

  abort(): void {
    this.formatter.takeKept(); // rows of an abandoned part never reach the next chunk's files
    this.file?.abort();
    this.file = undefined;
    this.serviceAt = 0;
  }
}

/**
 * onRows is called every 32768 rows (some 30 ms of a worker), every 64 MiB of CSV (large rows:
 * a worker's messages also tell the main thread it is alive), and at the end. Every 4096 rows
 * made each worker post ~250 progress messages a second (1% of its CPU in profiles).
 */
const ROWS_EVERY = 0x7fff;
const REPORT_BYTES = 64 << 20;

/**
 * The row writer of a formatter's chunks, made once per decoder and formatter (a worker keeps
 * both per table): with a new writer per chunk, the WebAssembly module reloaded its column table
 * at the start of every chunk (RowCsvWasm.use, a new owner), and TurboFan code compiled during
 * the first chunk deoptimized there the first time. A writer holds no rows between calls (its
 * arrays are scratch), so what it writes does not depend on the chunks before.
 */
const rowWriters = new WeakMap<CsvFormatter, { decoder: TableDecoder; writer: CsvRowWriter }>();

function rowWriterFor(decoder: TableDecoder, formatter: CsvFormatter): CsvRowWriter {
  const cached = rowWriters.get(formatter);
  if (cached !== undefined && cached.decoder === decoder) return cached.writer;
  const writer = new CsvRowWriter(decoder, formatter); // row value -> CSV line (row-csv.ts)
  rowWriters.set(formatter, { decoder, writer });
  return writer;
}

const hexOf = (u: Uint8Array): string => Buffer.from(u.buffer, u.byteOffset, u.length).toString('hex');
const enc = new TextEncoder();

/** Why pumpRows returned. */
const END = 0; // the scan has no more rows
const PAUSE = 1; // a row limit, byte limit or PartWriter.service() is due
const REJECT = 2; // the row did not decode: its key and error are in the pump

/** What the hot loop reads and updates; the rare work is its caller's (runChunk). */
interface Pump {
  readonly scan: RowScan;
  /** The scan offers value buffer + range (no view per row). */
  readonly ranged: boolean;
  readonly formatter: CsvFormatter;
  readonly rowWriter: CsvRowWriter;
  readonly w: PartWriter;
  readonly maxTs: MaxCommitTs;
  /** Rows of the chunk written so far. */
  rows: number;
  /** The last row's PartWriter.rowAdded() asked for service(). */
  serviceDue: boolean;
  /** Set with REJECT: the row's key (a view valid until the scan moves on) and its error. */
  rejectKey: Uint8Array;
  rejectError: DataError | FormatError | undefined;
}

/**
 * The per-row loop of a chunk: rows until the scan ends, `rows` reaches `stopRows`, the written
 * bytes reach `stopBytes`, or the part writer wants service. Nothing rare happens in here (no
 * progress message, no part to open, no reject line): TurboFan inlines the scan, decoder and CSV
 * writer into this function, and code first reached after that compile had no type feedback and
 * deoptimized the whole of it (measured: runChunk, which held this loop, was compiled ~5 times per
 * worker, 20-50 ms each). Returns END, PAUSE or REJECT.
 */
function pumpRows(p: Pump, stopRows: number, stopBytes: number): number {
  const { scan, ranged, formatter, rowWriter, w, maxTs } = p;
  // p.rows is kept current row by row: a FormatError from scan.next() leaves here with it
  for (;;) {
    // both exits return a constant: an exit compiled before it was ever taken (the end of the
    // scan) then has nothing without type feedback (`p.rows >= stopRows` after the loop
    // deoptimized this function at the end of every chunk)
    if (p.rows >= stopRows) return PAUSE;
    if (!scan.next()) return END;
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
      p.rejectKey = key;
      p.rejectError = e;
      return REJECT;
    }
    maxTs.note(scan);
    p.rows++;
    const due = w.rowAdded(formatter.keptBytes() - before);
    if (due || w.bytes >= stopBytes) {
      p.serviceDue = due;
      return PAUSE;
    }
  }
}

/** Rows of a chunk worker's first chunk read by a scan of their own (warmUpSegments). */
export const WARM_UP_ROWS = 50;

/**
 * The segments of a chunk worker's first chunk, with the first segment cut in two after its
 * first `rows` rows: the same rows in the same order into the same files, read by two scans
 * instead of one. The cut key is found by a scan of its own, read that far and dropped.
 *
 * Why: TurboFan compiles the row loop (pumpRows with the scan, merge and CSV writer inlined)
 * early in a worker's first chunk. The end of a scan and the start of the next (cursors
 * exhausted and released, new key buffers) were then first met at the end of that chunk, with
 * no type feedback, and deoptimized most of the compiled pipeline at once: in the 1 KiB-row
 * bench, some 15 deoptimizations per worker and a second wave of TurboFan recompiles, ~0.15 s
 * of CPU. Cut a few dozen rows in, both paths run while the code is still interpreted (the
 * peek scan adds another start), so the first compile has their feedback.
 * Measured: 1 KiB-row dump, 10 alternating runs: wall 1.81 -> 1.74 s, CPU 3.36 -> 3.27 s;
 * deoptimizations per dump 35 -> 12.
 *
 * A segment of at most `rows` rows, or a peek that meets corrupt data (the chunk's own scan
 * then reports it as usual), leaves the segments as they are. Only worker threads use it: the
 * progress estimate of the main thread's source counts the bytes its scans passed.
 */
export function warmUpSegments(source: DumpSource, segments: ChunkTask['segments'], rows = WARM_UP_ROWS): ChunkTask['segments'] {
  const first = segments[0];
  if (first === undefined || rows < 1) return segments;
  let cut: Uint8Array | undefined;
  let scan: RowScan | undefined;
  try {
    scan = source.scanRows(first.physicalId, first.range);
    for (let n = 0; scan.next(); n++) {
      if (n === rows) {
        cut = scan.rawKey().slice();
        break;
      }
    }
  } catch (e) {
    if (e instanceof FormatError || e instanceof DataError) return segments;
    throw e;
  } finally {
    scan?.close?.(); // left midway: its files and buffers are released now, not when the db closes
  }
  if (cut === undefined) return segments;
  return [
    { physicalId: first.physicalId, range: { start: first.range.start, end: cut } },
    { physicalId: first.physicalId, range: { start: cut, end: first.range.end } },
    ...segments.slice(1),
  ];
}

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
  const rowWriter = rowWriterFor(decoder, formatter);
  let reported = 0;
  let reportedBytes = 0;
  let p: Pump | undefined;
  try {
    try {
      for (const seg of t.segments) {
        const scan = source.scanRows(seg.physicalId, seg.range);
        p = {
          scan,
          ranged: scan.valueBuffer !== undefined && scan.valueStart !== undefined && scan.valueEnd !== undefined,
          formatter,
          rowWriter,
          w,
          maxTs,
          rows: res.rows,
          serviceDue: false,
          rejectKey: new Uint8Array(0),
          rejectError: undefined,
        };
        for (;;) {
          // progress: every ROWS_EVERY + 1 rows and every REPORT_BYTES of CSV (see above)
          const why = onRows === undefined ? pumpRows(p, Infinity, Infinity) : pumpRows(p, (p.rows | ROWS_EVERY) + 1, reportedBytes + REPORT_BYTES);
          res.rows = p.rows;
          if (why === REJECT) {
            rejects ??= new AtomicFile(t.partsDir, `${t.prefix}.${pad(t.index, 6)}.rejects.jsonl`);
            const j = JSON.stringify({ physical_id: seg.physicalId, key: hexOf(p.rejectKey), value: hexOf(scan.value()), commit_ts: scan.commitTs().toString(), error: p.rejectError!.message });
            rejects.write(enc.encode(`${j}\n`));
            res.rejected++;
            continue;
          }
          if (p.serviceDue) {
            p.serviceDue = false;
            w.service();
          }
          // the check the loop made after every row (again after service(), which may add a header)
          if (onRows !== undefined && res.rows > reported && ((res.rows & ROWS_EVERY) === 0 || w.bytes - reportedBytes >= REPORT_BYTES)) {
            onRows(res.rows - reported, w.bytes - reportedBytes);
            reported = res.rows;
            reportedBytes = w.bytes;
          }
          if (why === END) break;
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
      if (p !== undefined) res.rows = p.rows; // the rows before the corruption are in the parts
      res.error = e.message + damagedKeyRange(e);
    }
    w.close();
    if (rejects !== undefined) {
      rejects.commit(false); // made durable by the main thread, as the parts
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
