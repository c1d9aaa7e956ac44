// Lock status in the dump (issue #3 audit gap 5): metadata "Pending lock" lines carry the
// transaction status resolved by scanLocks; a committed-but-locked row is flagged as possibly
// older than its committed value. Ground truth: hand-written lock details (fake source) and the
// mvcc fixture, whose expected.json lists only uncommitted transactions (pendingLocks, written by
// real RocksDB through the fixture builder).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultCsvOptions } from '../../src/export/csv.js';
import { dumpTables } from '../../src/export/dump.js';
import type { LockDetail } from '../../src/export/source.js';
import { run } from '../cli/support.js';
import { FakeSource, fakeDb, fakeTable } from './support/fake-source.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('metadata: each pending lock line says its status; committed ones warn that the exported value may be older', () => {
  const out = mkdtempSync(join(tmpdir(), 'tikv-export-lockstatus-'));
  try {
    const src = new FakeSource(new Map([[10, [{ handle: 1, value: 'a|' }]]]), new Map([[10, 3]]));
    const details: LockDetail[] = [
      { key: '01', primary: 'aa', startTs: '50', type: 'put', status: 'committed', commitTs: '55' },
      { key: '02', primary: 'bb', startTs: '60', type: 'put', status: 'pending' },
      { key: '03', primary: 'cc', startTs: '70', type: 'put', status: 'async-commit' },
    ];
    Object.assign(src, { lockDetails: (pid: number) => (pid === 10 ? details : []) });
    const r = dumpTables([{ db: fakeDb('d'), table: fakeTable('t', 10) }], src, {
      outDir: out,
      csv: defaultCsvOptions(),
      fileSize: 0,
      meta: { readTs: undefined, sourceDirs: ['/x'], storeId: '1', clusterId: '1', schemaVersion: '1', timeZone: 'UTC', toolVersion: '0' },
    });
    assert.ok(r.exitCode === 0 || r.exitCode === 3);
    const meta = readFileSync(join(out, 'metadata'), 'utf8');
    assert.match(meta, /Pending lock \(not exported\): d\.t key 01 primary aa start_ts 50 type put status committed commit_ts 55 \([^)]*may be older than the committed one\)\n/);
    assert.match(meta, /Pending lock \(not exported\): d\.t key 02 primary bb start_ts 60 type put status pending\n/);
    assert.match(meta, /key 03 primary cc start_ts 70 type put status async-commit \(/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('dump fixtures/tidb/mvcc: its uncommitted transactions are listed with status pending', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'tikv-export-lockstatus-'));
  try {
    const exp = JSON.parse(readFileSync(join(root, 'fixtures/tidb/mvcc/expected.json'), 'utf8')) as { pendingLocks: unknown[] };
    const out = join(tmp, 'out');
    const r = await run(['dump', '--data-dir', join(root, 'fixtures/tidb/mvcc/data'), '--all', '--out', out, '--log-level', 'silent']);
    assert.ok(r.code === 0 || r.code === 3, r.stderr);
    const lines = readFileSync(join(out, 'metadata'), 'utf8').split('\n').filter((l) => l.includes('Pending lock'));
    assert.equal(lines.length, exp.pendingLocks.length);
    for (const l of lines) assert.match(l, / status pending$/, l);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
