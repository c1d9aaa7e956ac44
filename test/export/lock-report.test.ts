// Pending locks are uncommitted transactions: never exported, but reported with their key, primary
// key and start_ts (issue #3). Ground truth: the hand-written pendingLocks of the fixture scenarios
// (fixtures/*/expected.json), written by real RocksDB through the fixture builder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../cli/support.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface ExpectedLock {
  keyHex: string;
  primaryHex: string;
  startTs: string;
  type: string;
}

for (const fx of ['fixtures/sample/node1', 'fixtures/tidb/mvcc']) {
  test(`dump ${fx}: metadata lists every pending lock with key, primary and start_ts`, async () => {
    const exp = JSON.parse(readFileSync(join(root, fx, 'expected.json'), 'utf8')) as {
      dataDir: string;
      pendingLocks: ExpectedLock[];
    };
    assert.ok(exp.pendingLocks.length > 0, 'the fixture has pending locks');
    const tmp = mkdtempSync(join(tmpdir(), 'tikv-export-locks-'));
    try {
      const out = join(tmp, 'out');
      const r = await run(['dump', '--data-dir', join(root, fx, exp.dataDir), '--all', '--out', out, '--log-level', 'silent']);
      assert.ok(r.code === 0 || r.code === 3, `exit ${r.code}: ${r.stderr}`);
      const meta = readFileSync(join(out, 'metadata'), 'utf8');
      const listed = [...meta.matchAll(/Pending lock \(not exported\): \S+ key ([0-9a-f]+) primary ([0-9a-f]+) start_ts (\d+) type (\w+)/g)].map(
        (m) => `${m[1]} ${m[2]} ${m[3]} ${m[4]}`,
      );
      const want = exp.pendingLocks.map((l) => `${l.keyHex} ${l.primaryHex} ${l.startTs} ${l.type.toLowerCase()}`);
      assert.deepEqual(listed.sort(), want.sort());
      const total = /pending locks: (\d+)/.exec(meta);
      assert.equal(Number(total?.[1]), exp.pendingLocks.length);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
}
