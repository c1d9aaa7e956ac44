// inspect --json on the committed fixtures, against ground truth from outside our reader:
// expected.json (store ident, regions, pending locks written by the fixture builder) and the
// directory itself (SST files and sizes, WAL sizes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InspectReport } from '../../src/export/session-types.js';
import { run } from './support.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

for (const fx of ['fixtures/sample/node1', 'fixtures/tidb/mvcc']) {
  test(`inspect ${fx}`, async () => {
    const exp = JSON.parse(readFileSync(join(root, fx, 'expected.json'), 'utf8')) as {
      dataDir: string;
      store: { clusterId: string; storeId: number; regions: { id: number; state: string }[] };
      pendingLocks: unknown[];
    };
    const dataDir = join(root, fx, exp.dataDir);
    const r = await run(['inspect', '-d', dataDir, '--json', '--log-level', 'silent']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as InspectReport;
    assert.equal(j.clusterId, exp.store.clusterId);
    assert.equal(j.storeId, String(exp.store.storeId));
    assert.deepEqual(j.regions.map((g) => [g.id, g.state, g.live]), exp.store.regions.map((g) => [String(g.id), g.state, true]));
    assert.equal(j.pendingLocks, exp.pendingLocks.length);
    assert.equal(j.manifestFallback, false);
    assert.equal(j.titanDir, false);
    assert.deepEqual(j.columnFamilies.map((c) => c.name).sort(), ['default', 'lock', 'raft', 'write']);
    const db = join(dataDir, 'db');
    const ssts = readdirSync(db).filter((n) => n.endsWith('.sst'));
    assert.equal(j.columnFamilies.reduce((a, c) => a + c.files, 0), ssts.length);
    assert.equal(j.columnFamilies.reduce((a, c) => a + c.bytes, 0), ssts.reduce((a, n) => a + statSync(join(db, n)).size, 0));
    const logs = readdirSync(db).filter((n) => n.endsWith('.log'));
    assert.equal(j.walFiles, logs.length);
    assert.equal(j.walBytes, logs.reduce((a, n) => a + statSync(join(db, n)).size, 0));
    if (exp.pendingLocks.length > 0) assert.ok(j.unusual.some((u) => u.includes(`${exp.pendingLocks.length} pending lock(s)`)));
    // text form carries the same facts
    const t = await run(['inspect', '-d', dataDir, '--log-level', 'silent']);
    assert.match(t.stdout, new RegExp(`cluster id: +${exp.store.clusterId}\\n`));
  });
}
