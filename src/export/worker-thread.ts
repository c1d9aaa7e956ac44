/**
 * Chunk worker thread (--threads N): opens its own read-only session over the same db dir,
 * runs the chunks the main thread sends (worker-chunk.ts runChunk) and answers with their part
 * files. It never names final files and never touches the checkpoint: the main thread does
 * both, in chunk order (worker-pool.ts).
 */
import { readFileSync, writeSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';
import { threadId, workerData, type MessagePort } from 'node:worker_threads';
import { DataError, FormatError, UserError } from '../errors.js';
import type { CollationSetting } from '../tidb/collation-setting.js';
import type { TableInfo } from '../tidb/table-info.js';
import { CsvFormatter, type CsvOptions } from './csv.js';
import { OutputError } from './file-writer.js';
import { openSession } from './session.js';
import type { DumpSource, TableDecoder } from './source.js';
import { runChunk, warmUpSegments, type ChunkResult } from './worker-chunk.js';
import { RecentMap } from './recent-map.js';

/**
 * The workerData of a chunk worker: only what it needs before it knows its run, so that it can
 * start loading its modules before the CLI has parsed the command (early-workers.ts).
 */
export interface WorkerBoot {
  port: MessagePort;
  signal: SharedArrayBuffer;
}

/** The run's settings: the first message on a chunk worker's port (InitNow). */
export interface WorkerInit {
  dbDir: string;
  readTs: string | undefined;
  timeZone: string;
  csv: CsvOptions;
  fileSize: number;
  partsDir: string;
  /**
   * Do not open the session at start but at the first OpenNow message or job: a worker started
   * before the run knows it needs threads (worker-pool.ts prestartWorkers, default thread count)
   * loads its modules only, and reads nothing of the db (WAL, catalog) unless it is used.
   */
  deferOpen?: boolean;
}

/** The first message: the settings of the run (then jobs, or OpenNow for a deferOpen worker). */
export interface InitNow {
  init: WorkerInit;
}

/** Open the session now (a deferOpen worker taken over by the pool). */
export interface OpenNow {
  open: true;
}

export interface WorkerJob {
  key: string;
  table: TableInfo;
  /**
   * The run's collation setting (the main thread's session's): this worker's session reads no
   * schema. undefined only from a main session without one (test fakes, which never use workers).
   */
  collation: CollationSetting | undefined;
  index: number;
  segments: { physicalId: number; range: { start: Uint8Array; end: Uint8Array } }[];
  prefix: string;
}

export type WorkerMessage =
  | { type: 'result'; key: string; result: ChunkResult }
  | { type: 'rows'; rows: number; bytes: number }
  | { type: 'error'; key: string; kind: 'output' | 'user' | 'format' | 'data' | 'internal'; message: string; path?: string; errno?: string }
  | { id: number; ok: false; error: string };

const boot = workerData as WorkerBoot;
const counter = new Int32Array(boot.signal);
/** Set by the first message (InitNow). */
let init: WorkerInit | undefined;
let source: DumpSource | undefined;
/** Per table: its decoder and CSV formatter, for the last few tables only (recent-map.ts). */
const decoders = new RecentMap<number, { decoder: TableDecoder; formatter: CsvFormatter }>(4);

function send(m: WorkerMessage): void {
  boot.port.postMessage(m);
  Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0);
}

/**
 * TIKV_EXPORT_MEMPROBE=<ms>: a memory diagnostic for issue #7 (where does peak RSS go?). Every
 * <ms> of a chunk (checked every 32768 rows) and at each chunk's end (`chunk` = the job's key)
 * this worker writes one JSON line to stderr: its own CPU time so far (threadCpuMs), its V8 heap
 * (total, used, new space), external memory and ArrayBuffers, and the whole process's RSS split
 * into anonymous and file-backed pages (/proc/self/status; the page cache of the files read is
 * not in RSS). Written with writeSync: a worker's process.stderr goes through the main thread,
 * which is blocked in Atomics.wait while chunks run, so asynchronous output arrives late or is
 * lost.
 */
const probeMs = Number(process.env.TIKV_EXPORT_MEMPROBE);
const probing = Number.isFinite(probeMs) && probeMs > 0;
let lastProbe = 0;

function procStatusMiB(status: string, field: string): number | undefined {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return m === null ? undefined : Math.round(Number(m[1]) / 102.4) / 10;
}

function probe(chunk: string, end: boolean): void {
  const now = Date.now();
  if (!end && now - lastProbe < probeMs) return;
  lastProbe = now;
  const mib = (n: number): number => Math.round(n / 104857.6) / 10;
  const m = process.memoryUsage();
  let status = '';
  try {
    status = readFileSync('/proc/self/status', 'utf8');
  } catch {
    // not Linux: RSS from memoryUsage only
  }
  const newSpace = getHeapSpaceStatistics().find((x) => x.space_name === 'new_space');
  let cpuMs: number | undefined;
  try {
    // this thread's utime + stime (fields 14 and 15 after the parenthesised name), in ticks of
    // 10 ms (USER_HZ is 100 on Linux): per-chunk CPU without process-wide noise
    const f = readFileSync('/proc/thread-self/stat', 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    cpuMs = (Number(rest[11]) + Number(rest[12])) * 10;
  } catch {
    // not Linux
  }
  const line = {
    memprobe: threadId,
    at: now,
    chunk,
    end,
    threadCpuMs: cpuMs,
    rss: mib(m.rss),
    rssAnon: procStatusMiB(status, 'RssAnon'),
    rssFile: procStatusMiB(status, 'RssFile'),
    rssPeak: procStatusMiB(status, 'VmHWM'),
    heapTotal: mib(m.heapTotal),
    heapUsed: mib(m.heapUsed),
    newSpace: newSpace === undefined ? undefined : mib(newSpace.space_size),
    external: mib(m.external),
    arrayBuffers: mib(m.arrayBuffers),
  };
  writeSync(2, `${JSON.stringify(line)}\n`);
}

function settings(): WorkerInit {
  if (init === undefined) throw new Error('internal: chunk worker got a message before its settings');
  return init;
}

function openSource(): DumpSource {
  const init = settings();
  // no catalog: each job brings its table's schema and the run's collation setting, so a worker
  // does not load the whole schema again (thousands of tables in a large cluster)
  return openSession(init.dbDir, {
    ...(init.readTs === undefined ? {} : { readTs: BigInt(init.readTs) }),
    catalog: false,
  }).dumpSource(init.timeZone);
}

// The session is opened as soon as the worker has its settings (the pool starts workers while the
// main thread plans the chunks), not at the first job; an error opening it is reported with that
// job. A deferOpen worker opens it when told (OpenNow) or at its first job.
let openError: unknown;
function openNow(): void {
  if (source !== undefined || openError !== undefined) return;
  try {
    source = openSource();
  } catch (e) {
    openError = e;
  }
}
/** Whether this worker has run a chunk (its first is cut for type feedback: warmUpSegments). */
let warmedUp = false;
function run(job: WorkerJob): void {
  const init = settings();
  if (openError !== undefined) throw openError;
  source ??= openSource();
  let d = decoders.get(job.table.id);
  if (d === undefined) {
    // this worker's session reads no schema, so it has no collation setting of its own to fall back on
    if (job.collation === undefined) throw new Error('internal: a chunk job without the run\'s collation setting');
    const decoder = source.decoder(job.table, job.collation);
    d = { decoder, formatter: new CsvFormatter(decoder.columns, init.csv) };
    decoders.set(job.table.id, d);
  }
  const result = runChunk(
    source,
    d.decoder,
    d.formatter,
    {
      index: job.index,
      segments: warmedUp ? job.segments : warmUpSegments(source, job.segments),
      prefix: job.prefix,
      partsDir: init.partsDir,
      fileSize: init.fileSize,
      header: d.formatter.header(),
    },
    probing
      ? (rows, bytes) => {
          send({ type: 'rows', rows, bytes });
          probe(job.key, false);
        }
      : (rows, bytes) => send({ type: 'rows', rows, bytes }),
  );
  warmedUp = true;
  if (probing) probe(job.key, true);
  send({ type: 'result', key: job.key, result });
}

boot.port.on('message', (job: WorkerJob | InitNow | OpenNow) => {
  if ('init' in job) {
    init = job.init;
    if (init.deferOpen !== true) openNow();
    return;
  }
  if ('open' in job) {
    openNow();
    return;
  }
  try {
    run(job);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (e instanceof OutputError) send({ type: 'error', key: job.key, kind: 'output', message, path: e.path, ...(e.errno === undefined ? {} : { errno: e.errno }) });
    else if (e instanceof UserError) send({ type: 'error', key: job.key, kind: 'user', message });
    else if (e instanceof FormatError) send({ type: 'error', key: job.key, kind: 'format', message });
    else if (e instanceof DataError) send({ type: 'error', key: job.key, kind: 'data', message });
    else send({ type: 'error', key: job.key, kind: 'internal', message: e instanceof Error && e.stack !== undefined ? e.stack : message });
  }
});
