/**
 * Chunk workers bin/tikv-export starts before loading the CLI (early-workers.ts): how many a
 * `dump` command line gets, and that the pool takes them (settings by message) or stops them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { partsDir } from '../../src/export/checkpoint.js';
import { defaultCsvOptions } from '../../src/export/csv.js';
import { AUTO_THREADS_MIN_BYTES, dataDirSstBytes, earlyWorkerCount, startBlankWorkers, stopBlankWorkers, takeBlankWorkers } from '../../src/export/early-workers.js';
import { prestartWorkers } from '../../src/export/worker-pool.js';

const big = (): number => AUTO_THREADS_MIN_BYTES;
const small = (): number => AUTO_THREADS_MIN_BYTES - 1;

test('earlyWorkerCount: --threads N (2..256), else min(cores, 4) for a db of at least 16 MiB of SSTs', () => {
  const d = ['--data-dir', '/x', '--db', 'bench', '--out', '/o'];
  assert.equal(earlyWorkerCount([...d], 2, big), 2);
  assert.equal(earlyWorkerCount([...d], 8, big), 4, 'at most AUTO_PRESTART_MAX with the default count');
  assert.equal(earlyWorkerCount([...d], 1, big), 0, 'one core');
  assert.equal(earlyWorkerCount([...d], 2, small), 0, 'a small db runs on one thread');
  assert.equal(earlyWorkerCount([...d, '--threads', '3'], 2, small), 3, '--threads starts them whatever the size');
  assert.equal(earlyWorkerCount([...d, '--threads=6'], 2, small), 6);
  assert.equal(earlyWorkerCount([...d, '--threads', '1'], 2, big), 0);
  assert.equal(earlyWorkerCount([...d, '--threads', 'x'], 2, big), 0, 'a bad value: the run reports it');
  assert.equal(earlyWorkerCount([...d, '--threads', '300'], 2, big), 0);
  assert.equal(earlyWorkerCount([...d, '--salvage'], 2, big), 0, 'salvage runs on one thread');
  assert.equal(earlyWorkerCount([...d, '--data-dir', '/y'], 2, big), 0, 'several --data-dir run on one thread');
  assert.equal(earlyWorkerCount(['--data-dir=/x'], 2, big), 2);
  assert.equal(earlyWorkerCount(['--db', 'bench'], 2, big), 0, 'no --data-dir: the CLI reports it');
  assert.equal(earlyWorkerCount([...d, '--help'], 2, big), 0);
});

test('dataDirSstBytes: the SSTs of <dir>/db, else of <dir>; 0 when there is nothing to read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tikv-export-ew-'));
  try {
    assert.equal(dataDirSstBytes(join(dir, 'missing')), 0);
    writeFileSync(join(dir, '000001.sst'), Buffer.alloc(100));
    writeFileSync(join(dir, 'OPTIONS-000002'), Buffer.alloc(1000));
    assert.equal(dataDirSstBytes(dir), 100);
    mkdirSync(join(dir, 'db'));
    writeFileSync(join(dir, 'db', '000003.sst'), Buffer.alloc(300));
    assert.equal(dataDirSstBytes(dir), 300, 'a TiKV data dir: its db/');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('blank workers: taken once by the pool (and told their settings), or stopped', { timeout: 60_000 }, async () => {
  const DB = fileURLToPath(new URL('../../fixtures/tidb/chunks/data/db', import.meta.url));
  startBlankWorkers(3);
  const p = prestartWorkers({ threads: '2', outDir: '/nonexistent/out', dbDir: DB, readTs: undefined, timeZone: 'UTC', csv: defaultCsvOptions(), fileSize: 0 }, () => 0);
  try {
    assert.ok(p !== undefined);
    assert.equal(p.size, 2, 'two of the three blank workers taken, the third stopped');
    assert.equal(takeBlankWorkers(), undefined, 'taken once');
    const g = p.take({ dbDir: DB, readTs: undefined, timeZone: 'UTC', csv: defaultCsvOptions(), fileSize: 0, partsDir: partsDir('/nonexistent/out') }, 2);
    assert.ok(g !== undefined);
    g.close();
  } finally {
    p?.close();
  }
  startBlankWorkers(2);
  stopBlankWorkers();
  assert.equal(takeBlankWorkers(), undefined, 'stopped: nothing left to take');
});
