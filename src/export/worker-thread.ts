/**
 * Chunk worker thread (--threads N): opens its own read-only session over the same db dir,
 * runs the chunks the main thread sends (worker-chunk.ts runChunk) and answers with their part
 * files. It never names final files and never touches the checkpoint: the main thread does
 * both, in chunk order (worker-pool.ts).
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import { DataError, FormatError, UserError } from '../errors.js';
import type { TableInfo } from '../tidb/table-info.js';
import { CsvFormatter, type CsvOptions } from './csv.js';
import { OutputError } from './file-writer.js';
import { openSession } from './session.js';
import type { DumpSource, TableDecoder } from './source.js';
import { runChunk, type ChunkResult } from './worker-chunk.js';

export interface WorkerInit {
  port: MessagePort;
  signal: SharedArrayBuffer;
  dbDir: string;
  readTs: string | undefined;
  timeZone: string;
  csv: CsvOptions;
  fileSize: number;
  partsDir: string;
  /** --new-collation override; undefined = the worker's session detects it like the main one. */
  newCollation?: boolean;
}

export interface WorkerJob {
  key: string;
  table: TableInfo;
  index: number;
  segments: { physicalId: number; range: { start: Uint8Array; end: Uint8Array } }[];
  prefix: string;
}

export type WorkerMessage =
  | { type: 'result'; key: string; result: ChunkResult }
  | { type: 'rows'; rows: number; bytes: number }
  | { type: 'error'; key: string; kind: 'output' | 'user' | 'format' | 'data' | 'internal'; message: string; path?: string; errno?: string }
  | { id: number; ok: false; error: string };

const init = workerData as WorkerInit;
const counter = new Int32Array(init.signal);
let source: DumpSource | undefined;
const decoders = new Map<number, { decoder: TableDecoder; formatter: CsvFormatter }>();

function send(m: WorkerMessage): void {
  init.port.postMessage(m);
  Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0);
}

function run(job: WorkerJob): void {
  source ??= openSession(init.dbDir, {
    ...(init.readTs === undefined ? {} : { readTs: BigInt(init.readTs) }),
    ...(init.newCollation === undefined ? {} : { newCollation: init.newCollation }),
  }).dumpSource(init.timeZone);
  let d = decoders.get(job.table.id);
  if (d === undefined) {
    const decoder = source.decoder(job.table);
    d = { decoder, formatter: new CsvFormatter(decoder.columns, init.csv) };
    decoders.set(job.table.id, d);
  }
  const result = runChunk(
    source,
    d.decoder,
    d.formatter,
    {
      index: job.index,
      segments: job.segments,
      prefix: job.prefix,
      partsDir: init.partsDir,
      fileSize: init.fileSize,
      header: d.formatter.header(),
    },
    (rows, bytes) => send({ type: 'rows', rows, bytes }),
  );
  send({ type: 'result', key: job.key, result });
}

init.port.on('message', (job: WorkerJob) => {
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
