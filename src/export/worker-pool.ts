/**
 * Chunked, resumable, parallel table data (issue #5, issue #7 --threads).
 *
 * `ChunkedRun.prepare` (before dumpTables):
 *   - plans every selected table's chunks (chunks.ts: boundaries from the write CF's SSTs);
 *   - with a checkpoint (default): opens OUTDIR/.tikv-export-checkpoint, and when it already
 *     holds one, compares the fingerprint (fingerprint.ts) and refuses on any difference (exit 1,
 *     naming the item, --restart or another --out); otherwise takes the done chunks (a prefix
 *     of each table's chunks, each verified by checksum and by its files' sizes) and deletes
 *     every other output file it finds (files of chunks in flight at the crash, tmp files,
 *     schema files, rejects, metadata: all rewritten).
 * `dumpTable` (called by dumpTables for each table, in order):
 *   - runs the table's chunks (inline for --threads 1, else in worker threads: worker-thread.ts)
 *     and, strictly in chunk order: renames each part file to its final Dumpling name
 *     (`{db}.{table}.{%09d}.csv`, numbered on from the previous chunk's files), fsyncs the
 *     directory, then records the chunk as done in the checkpoint (synced batch).
 *     Part written -> fsynced -> renamed -> recorded: a chunk not recorded is redone from its
 *     start on the next run and its leftover files are deleted first, so no row is lost or
 *     written twice. Numbering depends only on the chunks' contents, never on thread timing.
 * `finish`: removes the checkpoint (unless --keep-checkpoint).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { DataError, UserError } from '../errors.js';
import { recordRange } from '../tidb/record-key.js';
import type { DbInfo, TableInfo } from '../tidb/table-info.js';
import { Checkpoint, CHECKPOINT_DIR, partsDir, type LevelWorker } from './checkpoint.js';
import { chunkEstimates, chunkSpecs, plannedChunkBytes, segmentRange, splitRange, type ChunkSpec } from './chunks.js';
import type { CsvFormatter, CsvOptions } from './csv.js';
import { OutputError, writeFileAtomic, AtomicFile, fsyncDir, syncFile } from './file-writer.js';
import { dataFile, rejectsFile } from './filenames.js';
import { keepFirst, type MissingSample } from './missing-values.js';
import { csvOptionText, fingerprintDiff, tableFingerprint, type Fingerprint } from './fingerprint.js';
import type { DumpSource, Log, TableDecoder } from './source.js';
import type { CollationSetting } from '../tidb/collation-setting.js';
import { runChunk, type ChunkResult } from './worker-chunk.js';
import type { InitNow, OpenNow, WorkerInit, WorkerJob, WorkerMessage } from './worker-thread.js';
import { AUTO_PRESTART_MAX, AUTO_THREADS_MIN_BYTES, spawnBlankWorker, takeBlankWorkers, type BlankWorkers } from './early-workers.js';

export interface ChunkedTarget {
  db: DbInfo;
  table: TableInfo;
}

export interface ChunkedRunOptions {
  outDir: string;
  csv: CsvOptions;
  fileSize: number;
  /** Write-CF SST bytes per chunk (hidden --chunk-bytes). */
  chunkBytes: number;
  /** false = --no-checkpoint. */
  checkpoint: boolean;
  restart: boolean;
  keepCheckpoint: boolean;
  /** --checkpoint-interval in ms. */
  intervalMs: number;
  threads: number;
  /** fsyncs a part file before its chunk is recorded (tests watch it; default file-writer.ts syncFile). */
  syncFile?: (path: string) => void;
  /** Identity of the source (fingerprint items not computed here). */
  source: { dataDir: string; clusterId: string | undefined; storeId: string | undefined; readTs: bigint | undefined; schemaVersion: string | undefined; timeZone: string };
  /** For worker threads: the db dir each worker opens read-only. */
  dbDir: string;
  log: Log;
  /** --new-collation override, for the checkpoint's fingerprint (workers get `collation`). */
  newCollation?: boolean;
  /**
   * The collation setting the main thread's session decodes with (detected or overridden): sent
   * with every chunk, since a worker's session reads no schema (worker-thread.ts).
   */
  collation?: CollationSetting;
  /** Chunk workers started early (prestartWorkers): taken over, or stopped when not needed. */
  prestarted?: PrestartedWorkers;
  /** The checkpoint's LevelDB thread started early: used, or stopped with --no-checkpoint. */
  levelWorker?: LevelWorker;
}

/** What dumpTables puts in the table's summary. */
export interface TableDataResult {
  files: string[];
  rows: number;
  bytes: number;
  deleted: number;
  missing: number;
  rejected: number;
  maxCommitTs: bigint;
  error?: string;
  /** First keys whose value is missing, over the table's chunks (missing-values.ts). */
  missingSamples?: MissingSample[];
}

/** One table handed to the chunk runner by dump.ts. */
export interface ChunkedTableJob {
  db: DbInfo;
  table: TableInfo;
  dbName: string;
  tableName: string;
  decoder: TableDecoder;
  formatter: CsvFormatter;
  onRows: (rows: number, bytes: number) => void;
}

export interface TableChunkRunner {
  dumpTable(t: ChunkedTableJob): TableDataResult;
}

interface DoneFile {
  name: string;
  bytes: number;
  rows: number;
}

interface DoneChunk {
  index: number;
  rows: number;
  bytes: number;
  files: DoneFile[];
  deleted: number;
  missing: number;
  rejected: number;
  rejectsPart?: string;
  maxCommitTs: string;
  error?: string;
  missingSamples?: MissingSample[];
  /** Final file index after this chunk's files. */
  nextFile: number;
}

interface TablePlan {
  key: string;
  prefix: string;
  table: TableInfo;
  chunks: ChunkSpec[];
  /** Estimated source bytes per chunk (chunks.ts chunkEstimates; not in the checkpoint). */
  estimates: (number | undefined)[];
  done: DoneChunk[];
}

const pad6 = (n: number): string => String(n).padStart(6, '0');
const tableKey = (t: ChunkedTarget): string => `${t.db.id}.${t.table.id}`;

function isDumpable(t: TableInfo): boolean {
  return (t.view === undefined || t.view === null) && (t.sequence === undefined || t.sequence === null);
}

/** Output files tikv-export writes (deleted on resume unless recorded as done). */
function isOurOutput(name: string): boolean {
  return name === 'metadata' || /\.(csv|sql|jsonl|incomplete)$/.test(name) || /\.tmp-\d+$/.test(name);
}

export class ChunkedRun implements TableChunkRunner {
  totalChunks = 0;
  reusedChunks = 0;
  resumed = false;
  private readonly plans = new Map<string, TablePlan>();
  private checkpoint: Checkpoint | undefined;
  private readonly parts: string;
  private pool: Pool | undefined;
  private lastFlush = Date.now();
  private rowsDone = 0;

  private constructor(
    private readonly o: ChunkedRunOptions,
    private readonly source: DumpSource,
    targets: readonly ChunkedTarget[],
  ) {
    this.parts = partsDir(o.outDir);
    // Worker threads start now: loading their modules and opening their sessions (~0.2-0.3 s)
    // overlaps the checkpoint, the fingerprint and the chunk planning below; they get every
    // chunk not done yet as soon as the plan is known (Pool.start), and dumpTable() collects the
    // results in chunk order.
    if (o.threads > 1) this.pool = new Pool(o, this.parts, o.threads);
    else o.prestarted?.close();
    try {
      this.prepareRun(o, targets);
    } catch (e) {
      this.pool?.close();
      throw e;
    }
    // the plan is known and the parts directory exists: the workers can begin
    this.pool?.start([...this.plans.values()]);
  }

  private prepareRun(o: ChunkedRunOptions, targets: readonly ChunkedTarget[]): void {
    const log = o.log;
    let cp: Checkpoint | undefined;
    if (o.restart) {
      Checkpoint.remove(o.outDir);
      for (const n of readdirSync(o.outDir)) if (isOurOutput(n)) rmSync(join(o.outDir, n), { force: true });
    }
    let loaded: Map<string, unknown> | undefined;
    const existed = o.checkpoint && Checkpoint.exists(o.outDir);
    // the checkpoint's worker starts and opens LevelDB while the source is fingerprinted and planned
    if (o.checkpoint) cp = Checkpoint.open(o.outDir, o.levelWorker);
    else o.levelWorker?.close();
    const fp = this.fingerprint(targets);
    const planned = targets.map((t) => (isDumpable(t.table) ? this.planTable(t.table) : { chunks: [], estimates: [] }));
    if (cp !== undefined) {
      this.checkpoint = cp;
      // always read it (cheap when new): a checkpoint locked by another running dump must stop
      // this one here, before anything in --out is deleted
      const l = cp.load();
      if (existed) {
        if (l.corrupt.length > 0) log.warn({ entries: l.corrupt.length }, `${l.corrupt.length} checkpoint entr(ies) failed their checksum: treated as not done`);
        const meta = l.entries.get('meta') as Fingerprint | undefined;
        const anyDone = [...l.entries.keys()].some((k) => k.startsWith('done/')) || l.corrupt.length > 0;
        const diff = meta === undefined ? 'the checkpoint metadata is missing or corrupt' : fingerprintDiff(meta, fp);
        if (meta === undefined && !anyDone) {
          // killed before the checkpoint recorded anything: nothing to reuse, start fresh
        } else if (diff !== undefined) {
          cp.close();
          throw new UserError(
            `--out ${o.outDir} holds the checkpoint of a different dump: ${diff}. ` +
              'Rerun with --restart to discard that checkpoint (and its files in --out) and start clean, or choose another --out.',
          );
        }
        if (meta !== undefined) loaded = l.entries;
      }
    } else {
      if (Checkpoint.exists(o.outDir)) {
        throw new UserError(`--out ${o.outDir} holds a checkpoint of an interrupted dump; resume it (without --no-checkpoint), or pass --restart to discard it, or choose another --out`);
      }
      this.checkpoint = undefined;
    }

    // plan
    let total = 0;
    let reused = 0;
    const keep = new Set<string>();
    const planPuts: [string, unknown][] = [];
    for (let ti = 0; ti < targets.length; ti++) {
      const t = targets[ti]!;
      if (!isDumpable(t.table)) continue;
      const key = tableKey(t);
      const { chunks, estimates } = planned[ti]!;
      const stored = loaded?.get(`plan/${key}`) as ChunkSpec[] | undefined;
      if (loaded !== undefined && stored !== undefined && JSON.stringify(stored) !== JSON.stringify(chunks)) {
        cp?.close();
        throw new UserError(
          `--out ${o.outDir} holds a checkpoint whose chunks of table ${t.db.db_name.O}.${t.table.name.O} differ from this run's (a different tikv-export version?). Rerun with --restart to start clean, or choose another --out.`,
        );
      }
      if (stored === undefined) planPuts.push([`plan/${key}`, chunks]);
      const done: DoneChunk[] = [];
      if (loaded !== undefined) {
        for (let i = 0; i < chunks.length; i++) {
          const d = loaded.get(`done/${key}/${pad6(i)}`) as DoneChunk | undefined;
          if (d === undefined || d.index !== i || !this.filesIntact(d)) break;
          done.push(d);
          for (const f of d.files) keep.add(f.name);
        }
      }
      total += chunks.length;
      reused += done.length;
      this.plans.set(key, { key, prefix: `t${ti}`, table: t.table, chunks, estimates, done });
    }
    this.totalChunks = total;
    this.reusedChunks = reused;
    this.resumed = loaded !== undefined;

    // delete every output file not recorded as done (in-flight chunks, tmp files, rewritten
    // files) and every part file except the rejects of done chunks
    const keepParts = new Set<string>();
    for (const p of this.plans.values()) for (const d of p.done) if (d.rejectsPart !== undefined) keepParts.add(d.rejectsPart);
    if (existsSync(this.parts)) {
      for (const n of readdirSync(this.parts)) if (!keepParts.has(n)) rmSync(join(this.parts, n), { force: true });
    }
    for (const n of readdirSync(o.outDir)) {
      if (n === CHECKPOINT_DIR || keep.has(n) || !isOurOutput(n)) continue;
      try {
        unlinkSync(join(o.outDir, n));
      } catch (e) {
        throw new OutputError(join(o.outDir, n), e);
      }
    }
    if (this.checkpoint !== undefined) {
      const stale: string[] = [];
      if (loaded !== undefined) {
        for (const k of loaded.keys()) {
          const m = /^done\/([^/]+)\/(\d+)$/.exec(k);
          if (m === null) continue;
          const p = this.plans.get(m[1]!);
          if (p === undefined || Number(m[2]) >= p.done.length) stale.push(k);
        }
      }
      this.checkpoint.write([['meta', fp], ...planPuts], stale);
    }
    try {
      mkdirSync(this.parts, { recursive: true });
    } catch (e) {
      throw new OutputError(this.parts, e);
    }
    if (this.resumed) {
      log.info({ reused, total }, `resuming: ${reused.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} chunks already done`);
    }
  }

  static prepare(o: ChunkedRunOptions, source: DumpSource, targets: readonly ChunkedTarget[]): ChunkedRun {
    return new ChunkedRun(o, source, targets);
  }

  private fingerprint(targets: readonly ChunkedTarget[]): Fingerprint {
    const s = this.o.source;
    return {
      version: 1,
      dataDir: s.dataDir,
      clusterId: s.clusterId ?? '(none)',
      storeId: s.storeId ?? '(none)',
      readTs: s.readTs === undefined ? 'latest' : s.readTs.toString(),
      schemaVersion: s.schemaVersion ?? '(unknown)',
      sourceFiles: (this.source.sourceFiles?.() ?? []).map((f) => `${f.name}:${f.size}`).sort(),
      tables: targets.map((t) => tableFingerprint(t.db.id, t.table, t.table)),
      options: {
        ...csvOptionText(this.o.csv),
        filesize: String(this.o.fileSize),
        'chunk-bytes': String(this.o.chunkBytes),
        'time-zone': s.timeZone,
        'new-collation': this.o.newCollation === undefined ? 'auto' : this.o.newCollation ? 'on' : 'off',
      },
    };
  }

  private planTable(table: TableInfo): { chunks: ChunkSpec[]; estimates: (number | undefined)[] } {
    const parts = physicalIdsOf(table).map((pid) => {
      const range = recordRange(pid);
      let bounds: Uint8Array[] = [];
      try {
        bounds = this.source.chunkBoundaries?.(pid, this.o.chunkBytes) ?? [];
      } catch (e) {
        this.o.log.warn({ physicalId: pid, err: (e as Error).message }, `cannot plan chunks of table ${table.name.O} (${(e as Error).message}): one chunk`);
      }
      return { physicalId: pid, ranges: splitRange(range, bounds), bytes: plannedChunkBytes(bounds) };
    });
    return { chunks: chunkSpecs(parts), estimates: chunkEstimates(parts) };
  }

  private filesIntact(d: DoneChunk): boolean {
    for (const f of d.files) {
      try {
        if (statSync(join(this.o.outDir, f.name)).size !== f.bytes) return false;
      } catch {
        return false;
      }
    }
    if (d.rejectsPart !== undefined && !existsSync(join(this.parts, d.rejectsPart))) return false;
    return true;
  }

  dumpTable(t: ChunkedTableJob): TableDataResult {
    const plan = this.plans.get(tableKey(t));
    if (plan === undefined) throw new Error(`internal: no chunk plan for table ${t.dbName}.${t.tableName}`);
    const res: TableDataResult = { files: [], rows: 0, bytes: 0, deleted: 0, missing: 0, rejected: 0, maxCommitTs: 0n };
    const rejectsParts: string[] = [];
    let nextFile = 0;
    const add = (d: DoneChunk): void => {
      res.files.push(...d.files.map((f) => f.name));
      res.rows += d.rows;
      res.bytes += d.bytes;
      res.deleted += d.deleted;
      res.missing += d.missing;
      if (d.missingSamples !== undefined && d.missingSamples.length > 0) res.missingSamples = keepFirst(res.missingSamples ?? [], d.missingSamples);
      res.rejected += d.rejected;
      const ts = BigInt(d.maxCommitTs);
      if (ts > res.maxCommitTs) res.maxCommitTs = ts;
      if (d.error !== undefined && res.error === undefined) res.error = d.error;
      if (d.rejectsPart !== undefined) rejectsParts.push(d.rejectsPart);
      nextFile = d.nextFile;
    };
    for (const d of plan.done) {
      add(d);
      t.onRows(d.rows, d.bytes);
    }
    // progress also reaches the checkpoint at least every --checkpoint-interval inside long chunks
    let inFlight = 0;
    const onRows = (rows: number, bytes: number): void => {
      inFlight += rows;
      t.onRows(rows, bytes);
      if (this.checkpoint !== undefined && Date.now() - this.lastFlush >= this.o.intervalMs) {
        this.checkpoint.write([['progress', { at: new Date().toISOString(), rowsInDoneChunks: this.rowsDone, rowsInFlight: inFlight, table: plan.key }]]);
        this.lastFlush = Date.now();
      }
    };
    for (let i = plan.done.length; i < plan.chunks.length; i++) {
      const spec = plan.chunks[i]!;
      let r: ChunkResult;
      if (this.o.threads <= 1) {
        r = runChunk(this.source, t.decoder, t.formatter, {
          index: spec.index,
          segments: spec.segments.map((g) => ({ physicalId: g.physicalId, range: segmentRange(g) })),
          prefix: plan.prefix,
          partsDir: this.parts,
          fileSize: this.o.fileSize,
          header: t.formatter.header(),
        }, onRows);
      } else {
        if (this.pool === undefined) throw new Error('internal: chunk workers stopped before their table was dumped');
        r = this.pool.await(`${plan.key}/${i}`, onRows);
      }
      const d = this.commitChunk(t.dbName, t.tableName, plan, r, nextFile);
      inFlight = 0;
      plan.done.push(d);
      add(d);
    }
    // an empty table still gets file 000000000 (header only), rewritten on every run
    if (res.files.length === 0) {
      const name = dataFile(t.dbName, t.tableName, 0);
      const size = writeFileAtomic(this.o.outDir, name, this.o.csv.header ? t.formatter.header() : new Uint8Array(0));
      res.files.push(name);
      res.bytes += size;
    }
    if (rejectsParts.length > 0) {
      const f = new AtomicFile(this.o.outDir, rejectsFile(t.dbName, t.tableName));
      for (const p of rejectsParts) f.write(readFileSync(join(this.parts, p)));
      f.commit();
    }
    return res;
  }

  /** Part files -> final names (in order), fsync dir, then record the chunk as done. */
  private commitChunk(dbName: string, tableName: string, plan: TablePlan, r: ChunkResult, firstFile: number): DoneChunk {
    let n = firstFile;
    const files: DoneFile[] = [];
    // the workers commit parts without fsync (worker-chunk.ts): durable before recorded as done
    const sync = this.o.syncFile ?? syncFile;
    for (const p of r.files) sync(join(this.parts, p.part));
    if (r.rejectsPart !== undefined) {
      // it stays in the parts directory until the table ends: its name must be durable too
      sync(join(this.parts, r.rejectsPart));
      fsyncDir(this.parts);
    }
    for (const p of r.files) {
      const base = dataFile(dbName, tableName, n++);
      const name = r.error === undefined ? base : `${base}.incomplete`;
      const to = join(this.o.outDir, name);
      if (existsSync(to)) throw new OutputError(to, Object.assign(new Error('exists'), { code: 'EEXIST' }));
      try {
        renameSync(join(this.parts, p.part), to);
      } catch (e) {
        throw new OutputError(to, e);
      }
      files.push({ name, bytes: p.bytes, rows: p.rows });
    }
    fsyncDir(this.o.outDir);
    const d: DoneChunk = {
      index: r.index,
      rows: r.rows,
      bytes: r.bytes,
      files,
      deleted: r.deleted,
      missing: r.missing,
      rejected: r.rejected,
      maxCommitTs: r.maxCommitTs,
      nextFile: n,
      ...(r.rejectsPart === undefined ? {} : { rejectsPart: r.rejectsPart }),
      ...(r.error === undefined ? {} : { error: r.error }),
      ...(r.missingSamples === undefined ? {} : { missingSamples: r.missingSamples }),
    };
    this.rowsDone += r.rows;
    if (this.checkpoint !== undefined) {
      const puts: [string, unknown][] = [[`done/${plan.key}/${pad6(r.index)}`, d]];
      if (Date.now() - this.lastFlush >= this.o.intervalMs) {
        puts.push(['progress', { at: new Date().toISOString(), rowsInDoneChunks: this.rowsDone, rowsInFlight: 0, table: plan.key }]);
        this.lastFlush = Date.now();
      }
      this.checkpoint.write(puts);
    }
    return d;
  }

  /** Metadata lines: whether this dump was resumed and how many chunks were reused. */
  metadataLines(): [string, string][] {
    return [
      ['Chunks', String(this.totalChunks)],
      ['Resumed', this.resumed ? `yes, ${this.reusedChunks} of ${this.totalChunks} chunks reused from the checkpoint` : 'no'],
    ];
  }

  /** After a successful dump: stop workers, remove the checkpoint unless --keep-checkpoint. */
  finish(ok: boolean): void {
    this.pool?.close();
    this.pool = undefined;
    this.checkpoint?.close();
    if (!ok) return;
    if (this.checkpoint === undefined || !this.o.keepCheckpoint) Checkpoint.remove(this.o.outDir);
  }

  /** Stops workers and closes the checkpoint (kept for a resume). */
  abort(): void {
    this.finish(false);
  }
}

function physicalIdsOf(table: TableInfo): number[] {
  const p = table.partition;
  if (p !== null && p !== undefined && Array.isArray(p.definitions) && p.definitions.length > 0) return p.definitions.map((d) => d.id);
  return [table.id];
}

/**
 * Chunks a worker holds at most (the one it runs and the next): one that finishes a chunk while
 * the main thread is busy committing another (renames, directory fsync, synced checkpoint batch)
 * starts the next at once instead of waiting for the main thread to read its result.
 */
const JOBS_AHEAD = 2;
/** The last TAIL_JOBS_PER_WORKER x workers chunks run largest first and one at a time (tailOrder). */
const TAIL_JOBS_PER_WORKER = 4;

/**
 * The last `window` jobs sorted largest first by their estimate (stable), when every one of them
 * has one; the others keep their order. Chunk sizes vary (the planner cuts every 16 MiB from each
 * file's start), and in chunk order a large chunk handed out last ran alone while the other
 * workers had nothing left. Only the tail is reordered: a resume reuses the done chunks up to
 * the first one not done, so chunks out of order would cost an interrupted dump more work.
 */
export function tailOrder<T>(jobs: readonly T[], estimate: (j: T) => number | undefined, window: number): T[] {
  const from = Math.max(0, jobs.length - window);
  const tail = jobs.slice(from).map((j, i) => ({ j, i, e: estimate(j) }));
  if (tail.some((x) => x.e === undefined)) return [...jobs];
  tail.sort((a, b) => b.e! - a.e! || a.i - b.i);
  return [...jobs.slice(0, from), ...tail.map((x) => x.j)];
}

/**
 * Which worker gets the next queued job (-1: none): a worker with nothing first, then one with a
 * single job, but not once the queue is down to its tail (those go to a worker with nothing,
 * so the tail's order decides who runs what).
 */
export function nextWorker(inFlight: readonly number[], queued: number, tail: number): number {
  if (queued === 0) return -1;
  for (let depth = 0; depth < JOBS_AHEAD; depth++) {
    if (depth > 0 && queued <= tail) return -1;
    const i = inFlight.indexOf(depth);
    if (i >= 0) return i;
  }
  return -1;
}

/**
 * Worker threads running chunks in global (table, chunk) order (the tail reordered: tailOrder);
 * results awaited by key, so files are named and committed in chunk order whatever finishes first.
 */
class Pool {
  private readonly workers: { w: Worker; port: MessagePort; inFlight: number }[];
  private readonly counter: Int32Array;
  private readonly queue: WorkerJob[] = [];
  private readonly results = new Map<string, ChunkResult>();
  private readonly errors = new Map<string, Extract<WorkerMessage, { type: 'error' }>>();
  private bootError: string | undefined;
  private readonly log: Log;
  private readonly collation: CollationSetting | undefined;

  /** Takes over `threads` workers (started early with the same settings, or now); they get jobs from start(). */
  constructor(o: ChunkedRunOptions, parts: string, threads: number) {
    this.log = o.log;
    this.collation = o.collation;
    const settings = workerSettings(o, parts);
    let group = o.prestarted?.take(settings, Math.max(1, threads));
    if (group === undefined) {
      group = new ChunkWorkers(settings, 0);
      group.add(Math.max(1, threads));
    }
    this.counter = group.counter;
    this.workers = group.workers.map((x) => ({ ...x, inFlight: 0 }));
  }

  /** Queues every chunk not done yet, in order; workers beyond the number of chunks stop. */
  start(plans: readonly TablePlan[]): void {
    const jobs: { job: WorkerJob; estimate: number | undefined }[] = [];
    for (const p of plans) {
      for (let i = p.done.length; i < p.chunks.length; i++) {
        const c = p.chunks[i]!;
        const segments = c.segments.map((g) => ({ physicalId: g.physicalId, range: segmentRange(g) }));
        jobs.push({ job: { key: `${p.key}/${i}`, table: p.table, collation: this.collation, index: c.index, segments, prefix: p.prefix }, estimate: p.estimates[i] });
      }
    }
    while (this.workers.length > Math.max(1, jobs.length)) void this.workers.pop()!.w.terminate();
    this.tail = TAIL_JOBS_PER_WORKER * this.workers.length;
    for (const j of tailOrder(jobs, (x) => x.estimate, this.tail)) this.queue.push(j.job);
    this.lastHeard = Date.now();
    this.dispatch();
  }

  /** Jobs at the end of the queue handed out only to a worker with nothing to do. */
  private tail = 0;

  private dispatch(): void {
    for (;;) {
      const i = nextWorker(this.workers.map((w) => w.inFlight), this.queue.length, this.tail);
      if (i < 0) return;
      const wk = this.workers[i]!;
      wk.inFlight++;
      wk.port.postMessage(this.queue.shift()!);
    }
  }

  /** When a worker last said anything (a dead worker, e.g. out of memory, never answers again). */
  private lastHeard = Date.now();
  /** Read once: the environment lookup cost the main thread ~12 ms over a 10 M-row dump's wake-ups. */
  private readonly silenceMs = workerSilenceLimitMs();

  private drain(onRows: (rows: number, bytes: number) => void): void {
    for (const wk of this.workers) {
      for (;;) {
        const m = receiveMessageOnPort(wk.port);
        if (m === undefined) break;
        this.lastHeard = Date.now();
        const msg = m.message as WorkerMessage;
        if ('id' in msg) {
          this.bootError = msg.error;
          continue;
        }
        if (msg.type === 'rows') onRows(msg.rows, msg.bytes);
        else if (msg.type === 'result') {
          this.results.set(msg.key, msg.result);
          wk.inFlight--;
        } else {
          this.errors.set(msg.key, msg);
          wk.inFlight--;
        }
      }
    }
    this.dispatch();
    this.retireIdle();
  }

  /**
   * Stops the workers that will get no more jobs (queue empty, none in flight): a worker's exit
   * (freeing its heap) then overlaps the last chunks and the main thread's final commits instead
   * of delaying the process exit, which waits for every worker thread.
   */
  private retireIdle(): void {
    if (this.queue.length > 0) return;
    for (let i = this.workers.length - 1; i >= 0; i--) {
      const wk = this.workers[i]!;
      if (wk.inFlight > 0) continue;
      // drain() read its messages: with nothing in flight it has nothing more to say
      this.workers.splice(i, 1);
      void wk.w.terminate();
      this.log.debug({ running: this.workers.length }, 'chunk worker stopped: no chunk left for it');
    }
  }

  await(key: string, onRows: (rows: number, bytes: number) => void): ChunkResult {
    for (;;) {
      const before = Atomics.load(this.counter, 0);
      this.drain(onRows);
      const r = this.results.get(key);
      if (r !== undefined) {
        this.results.delete(key);
        return r;
      }
      const e = this.errors.get(key);
      if (e !== undefined) {
        if (e.kind === 'output') throw new OutputError(e.path ?? '?', Object.assign(new Error(e.message), { code: e.errno }));
        if (e.kind === 'user') throw new UserError(e.message);
        if (e.kind === 'format' || e.kind === 'data') throw new DataError(e.message);
        throw new Error(`worker: ${e.message}`);
      }
      if (this.bootError !== undefined) throw new Error(this.bootError);
      // This loop blocks the event loop, so a worker's 'exit' event cannot reach us: a worker
      // that died (out of memory, killed) is noticed by its silence instead of hanging forever.
      if (Date.now() - this.lastHeard > this.silenceMs) {
        throw new Error(
          `no worker thread has answered for ${Math.round(this.silenceMs / 1000)} s (one may have run out of memory); ` +
            'the chunks finished so far are in the checkpoint: run the same command again to resume (or use --threads 1)',
        );
      }
      Atomics.wait(this.counter, 0, before, 500);
    }
  }

  close(): void {
    for (const wk of this.workers) void wk.w.terminate();
  }
}

/** What every chunk worker of a run is told first (WorkerInit without deferOpen). */
export type WorkerSettings = Omit<WorkerInit, 'deferOpen'>;

function workerSettings(o: { dbDir: string; source: { readTs: bigint | undefined; timeZone: string }; csv: CsvOptions; fileSize: number }, parts: string): WorkerSettings {
  return {
    dbDir: o.dbDir,
    readTs: o.source.readTs?.toString(),
    timeZone: o.source.timeZone,
    csv: o.csv,
    fileSize: o.fileSize,
    partsDir: parts,
  };
}

/**
 * Chunk worker threads sharing one wake-up counter. Each is started blank (early-workers.ts) and
 * told the run's settings in its first message; `blank` are workers bin/tikv-export started
 * before the CLI was loaded, used first (the surplus stops).
 */
class ChunkWorkers {
  readonly counter: Int32Array;
  private readonly signal: SharedArrayBuffer;
  readonly workers: { w: Worker; port: MessagePort }[] = [];

  constructor(
    readonly settings: WorkerSettings,
    n: number,
    private readonly deferOpen = false,
    blank?: BlankWorkers,
  ) {
    this.signal = blank?.signal ?? new SharedArrayBuffer(4);
    this.counter = new Int32Array(this.signal);
    const adopted = blank?.workers ?? [];
    for (const x of adopted.splice(Math.min(n, adopted.length))) void x.w.terminate();
    for (const x of adopted) this.tell(x);
    this.add(n - adopted.length);
  }

  add(n: number): void {
    for (let i = 0; i < n; i++) this.tell(spawnBlankWorker(this.signal));
  }

  private tell(x: { w: Worker; port: MessagePort }): void {
    const init: InitNow = { init: { ...this.settings, ...(this.deferOpen ? { deferOpen: true } : {}) } };
    x.port.postMessage(init);
    this.workers.push(x);
  }

  close(): void {
    for (const x of this.workers.splice(0)) void x.w.terminate();
  }
}

/**
 * Chunk workers started before the dump knows its tables and chunks (src/cli/main.ts, before the
 * session is opened): loading a worker's modules and opening its session takes 0.1-0.3 s, which
 * then overlaps the main thread's own open, catalog and planning. The chunked run takes them
 * over when its settings are the same (else they stop and it starts its own); a run on one
 * thread stops them. `close()` stops whatever was not taken.
 */
export class PrestartedWorkers {
  private group: ChunkWorkers | undefined;

  constructor(settings: WorkerSettings, n: number, deferOpen = false, blank?: BlankWorkers) {
    this.group = new ChunkWorkers(settings, n, deferOpen, blank);
  }

  /** How many are running (not taken, not closed). */
  get size(): number {
    return this.group?.workers.length ?? 0;
  }

  /** The workers, `n` of them (started or stopped as needed), if started with these settings. */
  take(settings: WorkerSettings, n: number): ChunkWorkers | undefined {
    const g = this.group;
    this.group = undefined;
    if (g === undefined) return undefined;
    if (JSON.stringify(g.settings) !== JSON.stringify(settings)) {
      g.close();
      return undefined;
    }
    while (g.workers.length > n) void g.workers.pop()!.w.terminate();
    if (g.workers.length < n) g.add(n - g.workers.length);
    const open: OpenNow = { open: true };
    for (const x of g.workers) x.port.postMessage(open); // deferOpen workers open their sessions now
    return g;
  }

  close(): void {
    this.group?.close();
    this.group = undefined;
  }
}

/**
 * Workers to start before the session is open, for a dump into `outDir` on `threads` threads
 * (undefined = the default); undefined when the run would most likely use one thread: --threads
 * 1, one core, or (default thread count) less SST data in the whole db dir than the run's
 * threshold for one table's files.
 *
 * With --threads N the run starts N workers whatever the tables (as it always did): they open
 * their sessions at once. With the default count a small table of a large db runs on one
 * thread, which only the catalog tells: then at most AUTO_PRESTART_MAX start, loading their
 * modules only (deferOpen: no WAL replay, no catalog), and open their sessions when the run
 * takes them (PrestartedWorkers.take) or stop unused.
 */
export function prestartWorkers(
  o: { threads: string | undefined; outDir: string; dbDir: string; readTs: bigint | undefined; timeZone: string; csv: CsvOptions; fileSize: number },
  sstBytes: () => number,
): PrestartedWorkers | undefined {
  let n = availableParallelism();
  const auto = o.threads === undefined;
  if (!auto) {
    n = Number(o.threads);
    if (!/^\d+$/.test(o.threads!) || n < 1 || n > 256) return undefined; // the run reports the bad value
  } else if (n > 1 && sstBytes() < AUTO_THREADS_MIN_BYTES) return undefined;
  if (n <= 1) return undefined;
  const settings = workerSettings({ dbDir: o.dbDir, source: { readTs: o.readTs, timeZone: o.timeZone }, csv: o.csv, fileSize: o.fileSize }, partsDir(o.outDir));
  // the workers bin/tikv-export started before loading the CLI, if any (early-workers.ts)
  const blank = takeBlankWorkers();
  return auto ? new PrestartedWorkers(settings, Math.min(n, AUTO_PRESTART_MAX), true, blank) : new PrestartedWorkers(settings, n, false, blank);
}

/** How long the worker threads may all stay silent (TIKV_EXPORT_WORKER_SILENCE_MS for tests). */
function workerSilenceLimitMs(): number {
  const v = Number(process.env.TIKV_EXPORT_WORKER_SILENCE_MS);
  return Number.isFinite(v) && v > 0 ? v : 300_000;
}

/** The dump command's flags for chunks, resume and threads (src/cli/main.ts). */
export interface ResumeFlags {
  threads?: string;
  /** commander's --no-checkpoint */
  checkpoint: boolean;
  restart?: boolean;
  keepCheckpoint?: boolean;
  checkpointInterval: string;
  chunkBytes: string;
}


export function resumeOptionsFrom(
  f: ResumeFlags,
  x: {
    out: string;
    csv: CsvOptions;
    fileSize: number;
    dataDirs: string[];
    dbDir: string;
    multiNode: boolean;
    clusterId: string | undefined;
    storeId: string | undefined;
    readTs: bigint | undefined;
    schemaVersion: string | undefined;
    timeZone: string;
    log: Log;
    parseSize: (text: string) => number;
  },
): ChunkedRunOptions & { threadsExplicit: boolean } {
  let threads = availableParallelism();
  if (f.threads !== undefined) {
    if (!/^\d+$/.test(f.threads) || Number(f.threads) < 1 || Number(f.threads) > 256) throw new UserError(`--threads must be an integer from 1 to 256 (got "${f.threads}")`);
    threads = Number(f.threads);
  }
  if (x.multiNode && threads > 1) {
    if (f.threads !== undefined) x.log.warn({}, 'several --data-dir: chunks are read in the main thread (--threads ignored)');
    threads = 1;
  }
  if (!/^\d+(\.\d+)?$/.test(f.checkpointInterval)) throw new UserError(`--checkpoint-interval must be a number of seconds (got "${f.checkpointInterval}")`);
  return {
    outDir: x.out,
    csv: x.csv,
    fileSize: x.fileSize,
    chunkBytes: x.parseSize(f.chunkBytes),
    checkpoint: f.checkpoint,
    restart: f.restart === true,
    keepCheckpoint: f.keepCheckpoint === true,
    intervalMs: Number(f.checkpointInterval) * 1000,
    threads,
    threadsExplicit: f.threads !== undefined,
    source: { dataDir: x.dataDirs.join(' + '), clusterId: x.clusterId, storeId: x.storeId, readTs: x.readTs, schemaVersion: x.schemaVersion, timeZone: x.timeZone },
    dbDir: x.dbDir,
    log: x.log,
  };
}

export function startChunkedRun(o: ChunkedRunOptions & { threadsExplicit: boolean }, source: DumpSource, targets: readonly ChunkedTarget[], early?: { workers?: PrestartedWorkers; level?: LevelWorker }): ChunkedRun {
  let threads = o.threads;
  // workers reopen the db dir themselves: only for the real RocksDB-backed source
  if (source.chunkBoundaries === undefined) threads = 1;
  if (!o.threadsExplicit && threads > 1 && source.estimateBytes !== undefined) {
    const bytes = targets.filter((t) => isDumpable(t.table)).reduce((a, t) => a + physicalIdsOf(t.table).reduce((b, pid) => b + source.estimateBytes!(pid), 0), 0);
    if (bytes < AUTO_THREADS_MIN_BYTES) threads = 1;
  }
  return ChunkedRun.prepare({ ...o, threads, ...(early?.workers === undefined ? {} : { prestarted: early.workers }), ...(early?.level === undefined ? {} : { levelWorker: early.level }) }, source, targets);
}
