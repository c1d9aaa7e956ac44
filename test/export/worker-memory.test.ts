// Issue #7 (memory that stays flat): chunk workers and the checkpoint's LevelDB worker run with
// fixed young generations (worker-spawn.ts), and TIKV_EXPORT_MEMPROBE=<ms> makes each chunk worker report its memory
// (worker-thread.ts) as JSON lines on stderr, one at least at the end of every chunk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, type Worker } from 'node:worker_threads';
import { spawnWorker } from '../../src/export/worker-spawn.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const data = join(root, 'fixtures', 'tidb', 'chunks', 'data');

async function youngLimitOf(name: 'worker-thread' | 'worker-level', env: string | undefined): Promise<number> {
  const saved = process.env.TIKV_EXPORT_WORKER_YOUNG_MB;
  if (env === undefined) delete process.env.TIKV_EXPORT_WORKER_YOUNG_MB;
  else process.env.TIKV_EXPORT_WORKER_YOUNG_MB = env;
  let w: Worker;
  const { port1, port2 } = new MessageChannel();
  try {
    // a chunk worker waits for jobs; the LevelDB worker waits for an 'open': both just start
    w = spawnWorker(name, { port: port2, signal: new SharedArrayBuffer(4), path: join(tmpdir(), 'unused') }, [port2]);
  } finally {
    if (saved === undefined) delete process.env.TIKV_EXPORT_WORKER_YOUNG_MB;
    else process.env.TIKV_EXPORT_WORKER_YOUNG_MB = saved;
  }
  try {
    await new Promise<void>((resolve, reject) => {
      w.once('online', resolve);
      w.once('error', reject);
    });
    return w.resourceLimits?.maxYoungGenerationSizeMb ?? -1;
  } finally {
    port1.close();
    await w.terminate();
  }
}

test('chunk workers get a 12 MiB young generation (overridable), the LevelDB worker 3 MiB', { timeout: 60_000 }, async () => {
  assert.equal(await youngLimitOf('worker-thread', undefined), 12);
  assert.equal(await youngLimitOf('worker-thread', '48'), 48);
  const dflt = await youngLimitOf('worker-thread', '0');
  assert.ok(dflt > 12, `V8's default young generation (${dflt} MiB) is larger than the cap`);
  assert.equal(await youngLimitOf('worker-level', undefined), 3);
  assert.equal(await youngLimitOf('worker-level', '48'), 3, 'the override is for chunk workers only');
});

test('TIKV_EXPORT_MEMPROBE: every chunk worker reports its memory at the end of each chunk', { timeout: 120_000 }, () => {
  const tmp = mkdtempSync(join(tmpdir(), 'tikv-export-memprobe-'));
  try {
    const out = join(tmp, 'out');
    const r = spawnSync(
      process.execPath,
      [join(root, 'bin', 'tikv-export'), 'dump', '--data-dir', data, '--all', '--out', out, '--threads', '2', '--chunk-bytes', '1KiB', '--log-level', 'silent'],
      { encoding: 'utf8', env: { ...process.env, TIKV_EXPORT_FROM_SOURCE: '1', TIKV_EXPORT_MEMPROBE: '1' } },
    );
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stderr
      .split('\n')
      .filter((l) => l.startsWith('{"memprobe"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const ends = lines.filter((l) => l.end === true);
    assert.ok(ends.length >= 2, `chunk-end reports: ${ends.length}\n${r.stderr}`);
    const chunks = new Set(ends.map((l) => `${String(l.memprobe)}/${String(l.chunk)}`));
    assert.equal(chunks.size, ends.length, 'one report per chunk end');
    for (const l of ends) {
      for (const k of ['rss', 'heapTotal', 'heapUsed', 'newSpace', 'external', 'arrayBuffers']) {
        assert.equal(typeof l[k], 'number', `${k} in ${JSON.stringify(l)}`);
      }
      assert.ok((l.heapUsed as number) <= (l.heapTotal as number));
      assert.ok((l.newSpace as number) <= 8, `new space within the 12 MiB young generation: ${JSON.stringify(l)}`);
      assert.ok((l.rss as number) > (l.heapTotal as number));
      if (process.platform === 'linux') {
        assert.equal(typeof l.rssAnon, 'number');
        assert.ok(typeof l.threadCpuMs === 'number' && l.threadCpuMs >= 0, `threadCpuMs in ${JSON.stringify(l)}`);
      }
    }
    // without the variable, nothing is reported
    rmSync(out, { recursive: true, force: true });
    const quiet = spawnSync(
      process.execPath,
      [join(root, 'bin', 'tikv-export'), 'dump', '--data-dir', data, '--all', '--out', out, '--threads', '2', '--chunk-bytes', '1KiB', '--log-level', 'silent'],
      { encoding: 'utf8', env: { ...process.env, TIKV_EXPORT_FROM_SOURCE: '1', TIKV_EXPORT_MEMPROBE: '' } },
    );
    assert.equal(quiet.status, 0, quiet.stderr);
    assert.doesNotMatch(quiet.stderr, /memprobe/);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
