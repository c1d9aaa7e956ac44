/**
 * Starts one of src/export's worker-thread entry files (worker-level, worker-thread), both when
 * running compiled JavaScript (dist/) and when running the TypeScript sources through tsx: a
 * worker does not inherit loader hooks registered with `register()`, so from source it first
 * registers tsx itself, then imports the .ts entry. workerData must hold `port` (a MessagePort)
 * and `signal` (a SharedArrayBuffer counter): a start failure is reported there.
 */
import { createRequire } from 'node:module';
import { Worker, type ResourceLimits, type TransferListItem } from 'node:worker_threads';

/**
 * Chunk workers get a fixed young generation. V8 starts a worker's new space at 8 MiB and
 * doubles it to 16 MiB after some 10 s of steady allocation, so only long dumps paid that
 * growth: measured on the 10 M-row sysbench table (2 threads), each worker's heap went
 * 18 -> 26 MiB half-way through and peak RSS was 218-224 MiB vs 205-207 MiB with this cap,
 * user+sys CPU 19.27 s vs 19.50 s (medians of 3, within noise). With the cap (12 MiB young
 * generation = 4 MiB semi-spaces, new space 8 MiB) a worker's V8 heap stays ~18 MiB whatever
 * the table size. TIKV_EXPORT_WORKER_YOUNG_MB overrides it (0 = V8's default) for measuring.
 */
const CHUNK_WORKER_YOUNG_MB = 12;

/**
 * The checkpoint's LevelDB worker (worker-level.ts) allocates little (one small batch per
 * chunk), so V8's default young generation there is mostly idle memory: 3 MiB (1 MiB semi-spaces)
 * measured peak RSS 163 -> 159 MiB on the 2 M-row dump (3 runs each, every run lower), CPU
 * unchanged.
 */
const LEVEL_WORKER_YOUNG_MB = 3;

function chunkWorkerLimits(): ResourceLimits {
  const env = process.env.TIKV_EXPORT_WORKER_YOUNG_MB;
  const mb = env === undefined || env === '' ? CHUNK_WORKER_YOUNG_MB : Number(env);
  return Number.isFinite(mb) && mb > 0 ? { maxYoungGenerationSizeMb: mb } : {};
}

/**
 * What a worker that cannot load its entry (a missing file, a native module that does not load,
 * e.g. classic-level's) posts on its port: the main thread, blocked in Atomics.wait for an
 * answer, then fails at once with the reason (SyncLevel.call, Pool.await) instead of waiting out
 * its 300 s silence limit. One line: the error's message, not its stack.
 */
const REPORT_START_FAILURE =
  "(e) => { const wd = require('node:worker_threads').workerData; wd.port.postMessage({ id: -1, ok: false, error: 'worker failed to start: ' + String((e && e.message) || e).split('\\n')[0] }); const c = new Int32Array(wd.signal); Atomics.add(c, 0, 1); Atomics.notify(c, 0); }";

export function spawnWorker(name: 'worker-level' | 'worker-thread', workerData: unknown, transferList: TransferListItem[]): Worker {
  const here = import.meta.url;
  const resourceLimits = name === 'worker-thread' ? chunkWorkerLimits() : { maxYoungGenerationSizeMb: LEVEL_WORKER_YOUNG_MB };
  if (!here.endsWith('.ts')) {
    const code = `import(${JSON.stringify(new URL(`./${name}.js`, here).href)}).catch(${REPORT_START_FAILURE});`;
    return new Worker(code, { eval: true, workerData, transferList, resourceLimits });
  }
  const target = new URL(`./${name}.ts`, here).href;
  const api = new URL(`file://${createRequire(here).resolve('tsx/esm/api')}`).href.replace(/\.cjs$/, '.mjs');
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(target)}); }).catch(${REPORT_START_FAILURE});`;
  return new Worker(code, { eval: true, workerData, transferList, resourceLimits });
}
