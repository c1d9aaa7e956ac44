// Native decompressors with pure-JS fallbacks (compression.ts): with the native modules refused
// (TIKV_EXPORT_NATIVE_CODECS=0, as when their binaries do not load), every lz4/lz4hc/zstd fixture
// SST written by RocksDB 7.8.3 still scans to exactly what sst_dump printed, through fzstd and
// lz4js; files written with a compression dictionary are refused with a clear message; the CLI
// says once, on stderr, that it is using the slower decoders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { codecStatus } from '../../src/rocksdb/compression.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('natives load on this machine', () => {
  const s = codecStatus();
  assert.equal(s.lz4, 'native');
  assert.equal(s.zstd, 'native');
  assert.deepEqual(s.problems, []);
});

test('pure-JS fallbacks: every lz4 and zstd fixture equals sst_dump; dictionary files are refused', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/rocksdb/support/codec-fallback-child.ts'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, TIKV_EXPORT_NATIVE_CODECS: '0' },
  });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { status: { lz4: string; zstd: string; problems: string[] }; files: { name: string; entries: number; same: boolean; error?: string }[] };
  assert.equal(out.status.lz4, 'js');
  assert.equal(out.status.zstd, 'js');
  assert.equal(out.status.problems.length, 2);
  const plain = out.files.filter((f) => !f.name.endsWith('-dict'));
  const dict = out.files.filter((f) => f.name.endsWith('-dict'));
  assert.ok(plain.some((f) => /-zstd-/.test(f.name)) && plain.some((f) => /-lz4-/.test(f.name)) && plain.some((f) => /-lz4hc-/.test(f.name)), JSON.stringify(out.files.map((f) => f.name)));
  for (const f of plain) {
    assert.equal(f.error, undefined, `${f.name}: ${f.error}`);
    assert.ok(f.same && f.entries > 0, `${f.name}: ${f.entries} entries, equal to sst_dump: ${f.same}`);
  }
  assert.ok(dict.length >= 2, 'the lz4 and zstd dictionary fixtures');
  for (const f of dict) assert.match(f.error ?? '', /needs the native (lz4|zstd)-napi module/, f.name);
});

test('the CLI warns once on stderr when it falls back, and still works', () => {
  const r = spawnSync(process.execPath, ['bin/tikv-export', 'dbs', '--data-dir', 'fixtures/sample/node1'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, TIKV_EXPORT_NATIVE_CODECS: '0' },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /shop/);
  const lines = r.stderr.split('\n').filter((l) => l.includes('native decompressor not loaded'));
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /pure-JS decoder/);
  const normal = spawnSync(process.execPath, ['bin/tikv-export', 'dbs', '--data-dir', 'fixtures/sample/node1'], { cwd: root, encoding: 'utf8' });
  assert.equal(normal.status, 0);
  assert.doesNotMatch(normal.stderr, /native decompressor/);
});
