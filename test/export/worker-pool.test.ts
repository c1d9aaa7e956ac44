/**
 * The order worker threads get their chunks in (worker-pool.ts tailOrder): chunk order, except
 * the last few, which go largest first so that no worker runs a large chunk alone at the end.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { partsDir } from '../../src/export/checkpoint.js';
import { defaultCsvOptions } from '../../src/export/csv.js';
import { nextWorker, prestartWorkers, tailOrder } from '../../src/export/worker-pool.js';

const est = (sizes: (number | undefined)[]) => (i: number): number | undefined => sizes[i];

test('tailOrder: the last `window` jobs largest first (ties in chunk order), the rest in order', () => {
  const sizes = [16, 16, 32, 16, 16, 32, 16, 16, 32, 2];
  const jobs = sizes.map((_, i) => i);
  assert.deepEqual(tailOrder(jobs, est(sizes), 4), [0, 1, 2, 3, 4, 5, 8, 6, 7, 9]);
  assert.deepEqual(tailOrder(jobs, est(sizes), 100), [2, 5, 8, 0, 1, 3, 4, 6, 7, 9]);
  assert.deepEqual(tailOrder(jobs, est(sizes), 0), jobs);
});

test('tailOrder: chunk order kept when a tail job has no estimate', () => {
  const sizes = [16, 32, undefined, 8];
  const jobs = [0, 1, 2, 3];
  assert.deepEqual(tailOrder(jobs, est(sizes), 3), jobs);
  assert.deepEqual(tailOrder(jobs, est(sizes), 1), jobs);
  assert.deepEqual(tailOrder([1, 3], est(sizes), 4), [1, 3]);
});

test('tailOrder: simulated on two workers, the last chunks no longer leave one worker idle', () => {
  // chunk sizes of the 10 M-row benchmark table (planner estimates, MiB)
  const sizes = [48, 16, 16, 32, 16, 16, 32, 16, 16, 32, 16, 16, 32, 16, 16, 16, 32, 16, 16, 32, 16, 16, 32, 16, 16, 32, 16, 16, 16, 32, 16, 16, 32, 16, 16, 16, 23, 16, 16, 32, 16, 16, 11, 32, 16, 16, 32, 16, 16, 32, 2];
  const finish = (order: number[]): number[] => {
    const t = [0, 0];
    for (const i of order) {
      const w = t[0]! <= t[1]! ? 0 : 1;
      t[w]! += sizes[i]!;
    }
    return t;
  };
  const jobs = sizes.map((_, i) => i);
  const [a, b] = finish(jobs);
  const [c, d] = finish(tailOrder(jobs, est(sizes), 8));
  assert.ok(Math.abs(a! - b!) >= 16, `chunk order: one worker idle at the end (${a} vs ${b})`);
  assert.ok(Math.abs(c! - d!) <= 2, `tail largest first: both finish together (${c} vs ${d})`);
});

test('nextWorker: one job each, then a second each (ahead) until the queue is down to its tail', () => {
  assert.equal(nextWorker([0, 0], 10, 8), 0);
  assert.equal(nextWorker([1, 0], 10, 8), 1);
  assert.equal(nextWorker([1, 1], 10, 8), 0, 'a second job while more than the tail is queued');
  assert.equal(nextWorker([2, 1], 9, 8), 1);
  assert.equal(nextWorker([2, 2], 9, 8), -1, 'never a third');
  assert.equal(nextWorker([1, 1], 8, 8), -1, 'the tail goes only to a worker with nothing');
  assert.equal(nextWorker([1, 0], 3, 8), 1);
  assert.equal(nextWorker([0, 0], 0, 8), -1, 'nothing queued');
});

const DB = fileURLToPath(new URL('../../fixtures/tidb/chunks/data/db', import.meta.url));
const early = (threads: string | undefined, outDir = '/nonexistent/out') => ({ threads, outDir, dbDir: DB, readTs: undefined, timeZone: 'UTC', csv: defaultCsvOptions(), fileSize: 0 });

test('prestartWorkers: none for one thread or (default thread count) a small db dir; else --threads of them', () => {
  assert.equal(prestartWorkers(early('1'), () => 1e12), undefined, '--threads 1');
  assert.equal(prestartWorkers(early('x'), () => 1e12), undefined, 'a bad value is reported by the run, nothing started');
  assert.equal(prestartWorkers(early('300'), () => 1e12), undefined, 'out of range: reported by the run, nothing started');
  if (availableParallelism() > 1) assert.equal(prestartWorkers(early(undefined), () => 1000), undefined, 'default threads, a small db dir');
  const p = prestartWorkers(early('3'), () => 0)!;
  try {
    assert.equal(p.size, 3);
  } finally {
    p.close();
  }
  assert.equal(p.size, 0, 'closed');
});

test('PrestartedWorkers.take: the same settings -> the workers (as many as asked); other settings -> none, and they stop', () => {
  const p = prestartWorkers(early('2'), () => 0)!;
  const other = prestartWorkers(early('2', '/nonexistent/other'), () => 0)!;
  try {
    const settings = { dbDir: DB, readTs: undefined, timeZone: 'UTC', csv: defaultCsvOptions(), fileSize: 0, partsDir: partsDir('/nonexistent/out') };
    const g = p.take(settings, 3);
    assert.ok(g !== undefined);
    assert.equal(g.workers.length, 3, 'one more started');
    assert.equal(p.size, 0, 'taken');
    assert.equal(p.take(settings, 2), undefined, 'taken only once');
    g.close();
    assert.equal(other.take(settings, 2), undefined, 'another --out: not these workers');
    assert.equal(other.size, 0, 'and they were stopped');
  } finally {
    p.close();
    other.close();
  }
});

/** Open file descriptors of this process on files under `dir` (Linux). */
function fdsUnder(dir: string): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith(dir)) n++;
    } catch {
      // closed meanwhile
    }
  }
  return n;
}

async function until(what: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (what()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return what();
}

test('default thread count: at most 4 workers start early, and they read nothing of the db until taken', { skip: process.platform !== 'linux' }, async () => {
  const dir = realpathSync(DB);
  const p = prestartWorkers(early(undefined), () => 1e12);
  if (availableParallelism() <= 1) {
    assert.equal(p, undefined);
    return;
  }
  try {
    assert.ok(p !== undefined);
    assert.equal(p.size, Math.min(4, availableParallelism()));
    // an eager worker opens its session as soon as its modules are loaded (SST readers stay open)
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(fdsUnder(dir), 0, 'no file of the db opened before the run takes the workers');
    const g = p.take({ dbDir: DB, readTs: undefined, timeZone: 'UTC', csv: defaultCsvOptions(), fileSize: 0, partsDir: partsDir('/nonexistent/out') }, 2);
    assert.ok(g !== undefined);
    try {
      assert.ok(await until(() => fdsUnder(dir) > 0, 30_000), 'taken: the workers open their sessions');
    } finally {
      g.close();
    }
  } finally {
    p?.close();
  }
});
