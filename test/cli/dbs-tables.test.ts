// dbs names the schema version it read and its commit ts; ground truth: the write-CF put of
// SchemaVersionKey in the fixture's ops.txt (the op log the fixture writer fed to RocksDB),
// found with the test's own key builder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './support.js';
import { dataKey } from '../support/tidb-builder/mvcc.js';
import { metaStringKey } from '../support/tidb-builder/tidb-keys.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const sample = join(root, 'fixtures/sample/node1');

function schemaVersionPuts(): bigint[] {
  const prefix = Buffer.from(dataKey(metaStringKey('SchemaVersionKey'))).toString('hex');
  const out: bigint[] = [];
  for (const line of readFileSync(join(sample, 'ops.txt'), 'utf8').split('\n')) {
    const m = /^put write ([0-9a-f]+) /.exec(line);
    if (m === null || !m[1]!.startsWith(prefix) || m[1]!.length !== prefix.length + 16) continue;
    out.push(BigInt(`0x${m[1]!.slice(prefix.length)}`) ^ 0xffffffffffffffffn);
  }
  return out;
}

test('dbs: the schema version line names the commit ts (and time) of the SchemaVersionKey version read', async () => {
  const puts = schemaVersionPuts();
  assert.ok(puts.length >= 1, 'ops.txt has the SchemaVersionKey write');
  const newest = puts.reduce((a, b) => (b > a ? b : a));
  const iso = new Date(Number(newest >> 18n)).toISOString();
  const r = await run(['dbs', '--data-dir', sample, '--log-level', 'silent']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.split('\n')[0], `# schema version 1 (committed at ts ${newest}, ${iso}), read ts latest committed`);
  const j = await run(['dbs', '--data-dir', sample, '--log-level', 'silent', '--json']);
  const parsed = JSON.parse(j.stdout) as { schemaVersionCommitTs: string | null; schemaVersionCommitTime: string | null };
  assert.equal(parsed.schemaVersionCommitTs, newest.toString());
  assert.equal(parsed.schemaVersionCommitTime, iso);
  // --as-of before that commit: no version read, no commit ts claimed
  const early = await run(['dbs', '--data-dir', sample, '--log-level', 'silent', '--as-of', (newest - 1n).toString()]);
  assert.match(early.stdout.split('\n')[0]!, /^# schema version unknown, read ts /);
});

test('tables: approximate rows column (~ when every overlapping SST is inside, >= when some only overlap, - when none; partitions added)', async () => {
  const { fakeDataDir, fakeOpen, sampleCatalog } = await import('./support.js');
  const { rmSync } = await import('node:fs');
  const est = new Map([
    [10, { entries: 1200, coverage: 'exact-files' as const, basis: 'rocksdb.num.entries' as const }],
    [12, { entries: 5, coverage: 'exact-files' as const, basis: 'rocksdb.num.entries' as const }],
    [13, { entries: 7, coverage: 'partial' as const, basis: 'rocksdb.num.entries' as const }],
  ]);
  const open = (dir: string, o: Parameters<ReturnType<typeof fakeOpen>>[1]) => {
    const s = fakeOpen(sampleCatalog())(dir, o);
    s.approxRows = (pid) => est.get(pid);
    return s;
  };
  const d = fakeDataDir();
  try {
    const r = await run(['tables', '-d', d, '--db', 'shop', '--log-level', 'silent'], { openSession: open });
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.equal(lines[1], 'id\tname\tkind\tpartitions\tdata\trows (approx.)');
    assert.equal(lines[2], '10\torders\ttable\t-\tyes\t~1200');
    assert.equal(lines[3], '11\tParts\ttable\tp0,p1\tyes\t>=12');
    assert.match(lines[4]!, /^# rows \(approx\.\): write-CF records/);
    const j = await run(['tables', '-d', d, '--db', 'shop', '--log-level', 'silent', '--json'], { openSession: open });
    const t = (JSON.parse(j.stdout) as { tables: { approxRows: unknown }[] }).tables;
    assert.deepEqual(t.map((x) => x.approxRows), [
      { entries: 1200, coverage: 'exact-files', basis: 'rocksdb.num.entries' },
      { entries: 12, coverage: 'partial', basis: 'rocksdb.num.entries' },
    ]);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});
