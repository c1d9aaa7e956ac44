// A worker thread that dies (e.g. out of memory) cannot tell the blocked main thread; the pool
// notices the silence instead of hanging forever, stops with a message that says how to resume,
// and the rerun resumes from the checkpoint. The silence limit is shrunk to 1 ms here, so the
// workers are still starting up when it expires.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../cli/support.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const data = join(root, 'fixtures', 'tidb', 'chunks', 'data');

test('silent worker threads stop the dump with a resumable error, not a hang', { timeout: 120_000 }, async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'tikv-export-silence-'));
  const out = join(tmp, 'out');
  try {
    process.env.TIKV_EXPORT_WORKER_SILENCE_MS = '1';
    let r;
    try {
      r = await run(['dump', '--data-dir', data, '--all', '--out', out, '--threads', '2', '--chunk-bytes', '1KiB', '--log-level', 'silent']);
    } finally {
      delete process.env.TIKV_EXPORT_WORKER_SILENCE_MS;
    }
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /no worker thread has answered for .* run the same command again to resume/);
    assert.equal(existsSync(join(out, 'metadata')), false, 'an interrupted dump must not look finished');
    const again = await run(['dump', '--data-dir', data, '--all', '--out', out, '--threads', '2', '--chunk-bytes', '1KiB', '--log-level', 'silent']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(readFileSync(join(out, 'metadata'), 'utf8'), /Status: complete/);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
