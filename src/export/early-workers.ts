/**
 * Chunk worker threads started by bin/tikv-export before it loads the CLI, for `dump`: a worker
 * spends its first ~0.1-0.15 s in Node's own start-up and loading its ~70 modules, which then
 * overlaps the main thread's own module loading (~0.15 s) instead of starting after it. They
 * are blank: their workerData is only the port and wake-up counter (worker-thread.ts
 * WorkerBoot), and the run's settings come in the first message, from whoever takes them
 * (worker-pool.ts prestartWorkers). Nothing here reads the command's options beyond a count:
 * what the dump then decides (one thread, --salvage, several --data-dir) stops them.
 *
 * This module imports only node: builtins and worker-spawn.ts, so importing it first costs
 * next to nothing.
 */
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import type { WorkerBoot } from './worker-thread.js';
import { spawnWorker } from './worker-spawn.js';

/** Chunk workers sharing one wake-up counter, not yet told their run. */
export interface BlankWorkers {
  signal: SharedArrayBuffer;
  workers: { w: Worker; port: MessagePort }[];
}

/** With the default thread count, at most this many workers start before the tables are known. */
export const AUTO_PRESTART_MAX = 4;

/** Below this much source data, the default thread count is 1 (starting workers costs more). */
export const AUTO_THREADS_MIN_BYTES = 16 * 1024 * 1024;

/**
 * How many workers `dump <args>` would start before opening the db (as prestartWorkers does):
 * --threads N when N >= 2; with the default thread count, min(cores, AUTO_PRESTART_MAX) on more
 * than one core when the --data-dir holds at least AUTO_THREADS_MIN_BYTES of SSTs (sstBytes);
 * else 0: what runs on one thread anyway (--threads 1, a bad value, --salvage, several
 * --data-dir, a small db), --help, or a command line this does not follow.
 */
export function earlyWorkerCount(args: readonly string[], cores = availableParallelism(), sstBytes = dataDirSstBytes): number {
  let threads: string | undefined;
  const dataDirs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') break;
    if (a === '--help' || a === '-h' || a === '--salvage' || a === '--salvage-older-versions') return 0;
    if (a === '--threads') threads = args[++i] ?? '';
    else if (a.startsWith('--threads=')) threads = a.slice('--threads='.length);
    else if (a === '--data-dir') dataDirs.push(args[++i] ?? '');
    else if (a.startsWith('--data-dir=')) dataDirs.push(a.slice('--data-dir='.length));
  }
  if (dataDirs.length !== 1) return 0;
  if (threads === undefined) return cores > 1 && sstBytes(dataDirs[0]!) >= AUTO_THREADS_MIN_BYTES ? Math.min(cores, AUTO_PRESTART_MAX) : 0;
  const n = Number(threads);
  return /^\d+$/.test(threads) && n >= 2 && n <= 256 ? n : 0;
}

/** Bytes of the .sst files in `dir`/db, or else in `dir` (a TiKV data dir or its db dir); 0 when unreadable. */
export function dataDirSstBytes(dir: string): number {
  for (const d of [join(dir, 'db'), dir]) {
    const n = sstBytesIn(d);
    if (n > 0) return n;
  }
  return 0;
}

/**
 * Bytes of the .sst files directly in `dbDir`: 0 when it cannot be read (the open reports that),
 * a file gone meanwhile counts 0. Also the dump's default thread count (cli/main.ts).
 */
export function sstBytesIn(dbDir: string): number {
  let names: string[];
  try {
    names = readdirSync(dbDir);
  } catch {
    return 0;
  }
  let n = 0;
  for (const f of names) {
    if (!f.endsWith('.sst')) continue;
    try {
      n += statSync(join(dbDir, f)).size;
    } catch {
      // gone meanwhile
    }
  }
  return n;
}

let started: BlankWorkers | undefined;

/** Starts `n` blank chunk workers (none for n < 1); they wait for takeBlankWorkers(). */
export function startBlankWorkers(n: number): void {
  if (n < 1 || started !== undefined) return;
  const signal = new SharedArrayBuffer(4);
  const group: BlankWorkers = { signal, workers: [] };
  for (let i = 0; i < n; i++) group.workers.push(spawnBlankWorker(signal));
  started = group;
}

/** One chunk worker that waits for its settings (worker-thread.ts InitNow). */
export function spawnBlankWorker(signal: SharedArrayBuffer): { w: Worker; port: MessagePort } {
  const { port1, port2 } = new MessageChannel();
  const boot: WorkerBoot = { port: port2, signal };
  const w = spawnWorker('worker-thread', boot, [port2]);
  w.unref();
  return { w, port: port1 };
}

/** The blank workers started by startBlankWorkers, once (then undefined). */
export function takeBlankWorkers(): BlankWorkers | undefined {
  const g = started;
  started = undefined;
  return g;
}

/** Stops the blank workers nobody took. */
export function stopBlankWorkers(): void {
  for (const x of takeBlankWorkers()?.workers ?? []) void x.w.terminate();
}
