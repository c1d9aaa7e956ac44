/**
 * Starts one of src/export's worker-thread entry files (worker-level, worker-thread), both when
 * running compiled JavaScript (dist/) and when running the TypeScript sources through tsx: a
 * worker does not inherit loader hooks registered with `register()`, so from source it first
 * registers tsx itself, then imports the .ts entry. workerData must hold `port` (a MessagePort)
 * and `signal` (a SharedArrayBuffer counter): a start failure is reported there.
 */
import { createRequire } from 'node:module';
import { Worker, type TransferListItem } from 'node:worker_threads';

export function spawnWorker(name: 'worker-level' | 'worker-thread', workerData: unknown, transferList: TransferListItem[]): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) {
    return new Worker(new URL(`./${name}.js`, here), { workerData, transferList });
  }
  const target = new URL(`./${name}.ts`, here).href;
  const api = new URL(`file://${createRequire(here).resolve('tsx/esm/api')}`).href.replace(/\.cjs$/, '.mjs');
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(target)}); }).catch((e) => { const wd = require('node:worker_threads').workerData; wd.port.postMessage({ id: -1, ok: false, error: 'worker failed to start: ' + String((e && e.stack) || e) }); const c = new Int32Array(wd.signal); Atomics.add(c, 0, 1); Atomics.notify(c, 0); });`;
  return new Worker(code, { eval: true, workerData, transferList });
}
