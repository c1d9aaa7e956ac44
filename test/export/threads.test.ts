/**
 * --threads (issue #7): worker threads read chunks, the main thread names files and keeps the
 * checkpoint, so the output is byte-identical for any thread count, and a dump interrupted with
 * one thread count resumes with another. Ground truth: the --threads 1 dump (which
 * test/export/resume.test.ts checks against expected.json).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { assertSameDump } from '../support/same-dump.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(root, 'bin', 'tikv-export');
const FIXTURE = join(root, 'fixtures', 'tidb', 'chunks', 'data');
const env = { ...process.env, TIKV_EXPORT_FROM_SOURCE: '1' };
const tmp = mkdtempSync(join(tmpdir(), 'tikv-export-threads-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const args = (out: string, threads: number): string[] => [BIN, 'dump', '--data-dir', FIXTURE, '--all', '--out', out, '--log-level', 'warn', '--chunk-bytes', '1500', '--threads', String(threads), '--filesize', '4KiB'];

function run(out: string, threads: number): { code: number; stderr: string } {
  const r = spawnSync(process.execPath, args(out, threads), { env, encoding: 'utf8' });
  return { code: r.status ?? -1, stderr: r.stderr };
}

test('--threads 1 and --threads 3 (with -F rotation inside chunks): the same files, the same bytes', () => {
  const one = join(tmp, 'one');
  const three = join(tmp, 'three');
  assert.equal(run(one, 1).code, 0);
  const r = run(three, 3);
  assert.equal(r.code, 0, r.stderr);
  // -F 4KiB splits chunks into several files: numbering must still be deterministic
  assert.ok(readdirSync(one).filter((n) => n.endsWith('.csv')).length > 50);
  assertSameDump(three, one);
});

test('interrupted with --threads 3, resumed with --threads 1: identical to an uninterrupted dump', async () => {
  const base = join(tmp, 'base');
  assert.equal(run(base, 1).code, 0);
  const out = join(tmp, 'switch');
  const child = spawn(process.execPath, args(out, 3), { env, stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let done = false;
  void exited.then(() => (done = true));
  for (;;) {
    let n = 0;
    try {
      n = readdirSync(out).filter((f) => f.endsWith('.csv')).length;
    } catch {
      n = 0;
    }
    if (n >= 20 || done) break;
    await new Promise((r) => setTimeout(r, 2));
  }
  assert.equal(done, false, 'the dump ended before it could be killed');
  child.kill('SIGKILL');
  await exited;
  const r = run(out, 1);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /resumed: [1-9]\d* of \d+ chunks/);
  assertSameDump(out, base);
});

test('a worker stops as soon as no chunk is left for it, before the last chunk is committed', () => {
  const out = join(tmp, 'retire');
  const r = spawnSync(process.execPath, args(out, 3).map((a) => (a === 'warn' ? 'debug' : a)), { env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg: string; running?: number });
  const stopped = lines.map((l, i) => ({ l, i })).filter((x) => x.l.msg === 'chunk worker stopped: no chunk left for it');
  assert.deepEqual(stopped.map((x) => x.l.running).sort(), [0, 1, 2], 'each of the 3 workers, once');
  const lastDumped = lines.map((l) => l.msg.startsWith('dumped ')).lastIndexOf(true);
  assert.ok(lastDumped > 0);
  assert.ok(stopped.every((x) => x.i < lastDumped), 'stopped before the last table was reported dumped');
});
