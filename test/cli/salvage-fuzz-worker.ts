// Worker for salvage.fuzz.test.ts: runs one dump per message so a hang can be cut off with
// worker.terminate() (synchronous code cannot be interrupted otherwise).
import { parentPort } from 'node:worker_threads';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './support.js';

parentPort!.on('message', async (m: { id: number; argv: string[]; out: string }) => {
  try {
    const r = await run(m.argv, { procLocksPath: '/proc/locks' });
    const files: Record<string, string> = {};
    try {
      for (const n of readdirSync(m.out)) files[n] = readFileSync(join(m.out, n), 'latin1');
    } catch {
      // no output
    }
    parentPort!.postMessage({ id: m.id, code: r.code, stderr: r.stderr, files });
  } catch (e) {
    parentPort!.postMessage({ id: m.id, code: -1, stderr: `thrown: ${(e as Error).stack ?? String(e)}`, files: {} });
  }
});
