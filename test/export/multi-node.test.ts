/**
 * Several node images at once (issue #6), end to end through the CLI on fixtures/multinode
 * (three images written by real RocksDB; truth in fixtures/multinode/expected.json, written by
 * hand from the scenario in scripts/make-multinode-fixtures.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../cli/support.js';

const ROOT = join('fixtures', 'multinode');
const N = [1, 2, 3].map((n) => join(ROOT, `node${n}`));
const dirs = (...ds: string[]): string[] => ds.flatMap((d) => ['--data-dir', d]);

interface TableTruth {
  rows: string[][];
  deleted: number;
  rowsByNode: Record<string, number>;
  orphanOnlyRows?: number;
}
const truth = JSON.parse(readFileSync(join(ROOT, 'expected.json'), 'utf8')) as {
  default: { tables: Record<string, TableTruth>; schemaVersion: number; accountsComment: string };
  includeOrphans: { tables: Record<string, TableTruth> };
};

interface DumpJson {
  exitCode: number;
  tables: { table: string; rows: number; deletedSkipped: number; rejected: number }[];
  perNode: { table: string; rowsByNode: Record<string, number>; orphanOnlyRows: number; holes: { start: string; end: string }[] }[];
  failedNodes: { label: string; dir: string; message: string }[];
}

const outDir = (): string => join(mkdtempSync(join(tmpdir(), 'tikv-export-mn-')), 'out');

/** Dumpling-dialect CSV text of the expected rows (int id unquoted, varchar quoted, CRLF). */
const csvOf = (rows: string[][]): string => `"id","v"\r\n${rows.map((r) => `${r[0]},"${r[1]}"\r\n`).join('')}`;

function checkDump(out: string, j: DumpJson, want: Record<string, TableTruth>, orphans: boolean): void {
  for (const [name, t] of Object.entries(want)) {
    assert.equal(readFileSync(join(out, `mn.${name}.000000000.csv`), 'utf8'), csvOf(t.rows), `mn.${name} rows`);
    const s = j.tables.find((x) => x.table === name)!;
    assert.equal(s.rows, t.rows.length);
    assert.equal(s.deletedSkipped, t.deleted, `mn.${name} deleted`);
    const p = j.perNode.find((x) => x.table === name)!;
    assert.deepEqual(p.rowsByNode, t.rowsByNode, `mn.${name} rows per node`);
    // the per-node counts add up to the rows read
    assert.equal(Object.values(p.rowsByNode).reduce((a, v) => a + v, 0), s.rows + s.rejected);
    if (orphans) assert.equal(p.orphanOnlyRows, t.orphanOnlyRows, `mn.${name} orphan-only rows`);
    else assert.equal(p.orphanOnlyRows, 0);
  }
}

// 't' + EncodeInt(500) + '_r' .. '_s': table 500's record range, raw hex
const MISSING_RECORD_RANGE = { start: '7480000000000001f45f72', end: '7480000000000001f45f73' };

test('merged dump of three images = the hand-written newest state; per-node counts; holes', async () => {
  const out = outDir();
  const r = await run(['dump', ...dirs(...N), '--db', 'mn', '--out', out, '--json', '--log-level', 'warn']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as DumpJson;
  checkDump(out, j, truth.default.tables, false);
  // orders 5 (GC-ed delete on the current replicas, old put only on node3's Tombstone peer) stays deleted
  assert.doesNotMatch(readFileSync(join(out, 'mn.orders.000000000.csv'), 'utf8'), /o5/);
  assert.deepEqual(j.perNode.find((p) => p.table === 'missing')!.holes, [MISSING_RECORD_RANGE]);
  for (const t of ['accounts', 'orders', 'events', 'lonely']) assert.deepEqual(j.perNode.find((p) => p.table === t)!.holes, [], t);
  assert.deepEqual(j.failedNodes, []);
  // schema: the newest committed TableInfo across nodes (node1's WAL-only DDLs)
  assert.match(readFileSync(join(out, 'mn.accounts-schema.sql'), 'utf8'), new RegExp(`COMMENT='${truth.default.accountsComment}'`));
  const dbsJson = await run(['dbs', ...dirs(N[1]!, N[2]!, N[0]!), '--json']);
  assert.equal((JSON.parse(dbsJson.stdout) as { schemaVersion: string }).schemaVersion, String(truth.default.schemaVersion));
});

test('--include-orphans resurrects the stale row and counts rows that came only from orphaned data', async () => {
  const out = outDir();
  const r = await run(['dump', ...dirs(...N), '--db', 'mn', '--out', out, '--json', '--include-orphans', '--log-level', 'warn']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as DumpJson;
  checkDump(out, j, truth.includeOrphans.tables, true);
  assert.equal(j.perNode.reduce((a, p) => a + p.orphanOnlyRows, 0), 2);
});

test('text summary: rows per node, holes, orphan-only total', async () => {
  const r = await run(['dump', ...dirs(...N), '--db', 'mn', '--out', outDir(), '--include-orphans', '--log-level', 'info', '--log-file', join(mkdtempSync(join(tmpdir(), 'mn-log-')), 'log')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /rows per node:\ntable\s+node1\s+node2\s+node3\s+orphan-only\s+holes\n/);
  assert.match(r.stderr, /mn\.orders\s+0\s+2\s+1\s+1\s+-/);
  assert.match(r.stderr, /mn\.missing\s+0\s+0\s+1\s+1\s+\[7480000000000001f45f72, 7480000000000001f45f73\)/);
  assert.match(r.stderr, /rows that came only from orphaned data \(outside authoritative regions\): 2/);
  assert.match(r.stderr, /HOLES in mn\.missing: /);
});

test('the order of --data-dir does not change the rows', async () => {
  const out = outDir();
  const r = await run(['dump', ...dirs(N[2]!, N[0]!, N[1]!), '--db', 'mn', '--out', out, '--json', '--log-level', 'warn']);
  assert.equal(r.code, 0, r.stderr);
  for (const [name, t] of Object.entries(truth.default.tables)) assert.equal(readFileSync(join(out, `mn.${name}.000000000.csv`), 'utf8'), csvOf(t.rows), name);
  const j = JSON.parse(r.stdout) as DumpJson;
  // labels follow the argument order: node1 = image 3, node2 = image 1, node3 = image 2
  assert.deepEqual(j.perNode.find((p) => p.table === 'accounts')!.rowsByNode, { node1: 0, node2: 3, node3: 0 });
});

function corruptNodeDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tikv-export-bad-node-'));
  mkdirSync(join(d, 'db'));
  writeFileSync(join(d, 'db', 'CURRENT'), 'garbage\x00\xff not a manifest name\n');
  return d;
}

test('a corrupt node dir (garbage CURRENT, no SSTs) and a missing one: reported, exit 3, the others still dumped', async () => {
  const bad = corruptNodeDir();
  const gone = join(tmpdir(), 'tikv-export-no-such-node-dir');
  const out = outDir();
  const r = await run(['dump', ...dirs(N[0]!, bad, N[1]!, N[2]!, gone), '--db', 'mn', '--out', out, '--json', '--log-level', 'warn']);
  assert.equal(r.code, 3, r.stderr);
  const j = JSON.parse(r.stdout) as DumpJson;
  assert.equal(j.exitCode, 3);
  assert.deepEqual(j.failedNodes.map((f) => f.label).sort(), ['node2', 'node5']);
  assert.match(r.stderr, /NODE NOT READ node2 \(.*tikv-export-bad-node-.*\)/);
  assert.match(r.stderr, /NODE NOT READ node5/);
  for (const [name, t] of Object.entries(truth.default.tables)) assert.equal(readFileSync(join(out, `mn.${name}.000000000.csv`), 'utf8'), csvOf(t.rows), name);
  const meta = readFileSync(join(out, 'metadata'), 'utf8');
  assert.match(meta, /Nodes: node1=.*node1\/db, node3=.*node2\/db, node4=.*node3\/db/);
  assert.match(meta, /Nodes not read: .*node2=[^;]*tikv-export-bad-node-/);
  assert.match(meta, /Nodes not read: .*node5=[^;]*tikv-export-no-such-node-dir/);
  assert.doesNotMatch(meta, /Source dir: .*tikv-export-bad-node-/);
  assert.match(meta, /Include orphans: no/);
});

test('every node unreadable: a user error, nothing dumped', async () => {
  const out = outDir();
  const r = await run(['dump', ...dirs(corruptNodeDir(), corruptNodeDir()), '--db', 'mn', '--out', out]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /none of the 2 data dirs could be read/);
});

test('dbs and tables over several images; exit 3 with a bad node', async () => {
  const r = await run(['tables', ...dirs(...N), '--db', 'mn', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const t = JSON.parse(r.stdout) as { tables: { name: string; hasData: boolean }[] };
  assert.deepEqual(t.tables.map((x) => [x.name, x.hasData]), [['accounts', true], ['fresh', true], ['orders', true], ['events', true], ['lonely', true], ['missing', false]]);
  const d = await run(['dbs', ...dirs(N[0]!, corruptNodeDir()), '--json']);
  assert.equal(d.code, 3);
  assert.deepEqual((JSON.parse(d.stdout) as { databases: { name: string }[] }).databases.map((x) => x.name), ['mn']);
});

test('inspect: per node regions with epoch and applied index, the authority map, holes', async () => {
  const r = await run(['inspect', ...dirs(...N), '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as {
    nodes: { label: string; report: { storeId: string }; regions: { id: string; state: string; version: string; confVer: string; appliedIndex: string | null; holdsData: boolean }[] }[];
    authority: { start: string; end: string; node: string; regionId: string }[];
    tableHoles: { table: string; holes: { start: string; end: string }[] }[];
  };
  assert.deepEqual(j.nodes.map((n) => n.report.storeId), ['1', '2', '3']);
  // values from regionsOf in scripts/make-multinode-fixtures.ts
  assert.deepEqual(
    j.nodes.map((n) => n.regions.map((g) => `${g.id}:${g.state}:v${g.version}/c${g.confVer}:${g.appliedIndex}:${g.holdsData}`)),
    [
      ['1:Normal:v1/c3:1500:true', '2:Normal:v1/c3:800:true', '3:Normal:v2/c1:350:true'],
      ['1:Normal:v1/c3:1200:true', '2:Normal:v1/c3:900:true', '4:Normal:v2/c1:400:true'],
      ['1:Normal:v1/c3:1100:true', '2:Tombstone:v1/c2:700:false', '3:Normal:v1/c1:300:true', '5:Tombstone:v1/c2:100:false'],
    ],
  );
  assert.deepEqual(
    j.authority.map((a) => `${a.start}-${a.end}:${a.node}:${a.regionId}`),
    ['-7480000000000000c8:node1:1', '7480000000000000c8-74800000000000012c:node2:2', '74800000000000012c-748000000000000190:node1:3', '748000000000000190-7480000000000001f4:node2:4'],
  );
  assert.deepEqual(j.tableHoles.filter((t) => t.holes.length > 0), [{ table: 'mn.missing', physicalIds: [500], holes: [MISSING_RECORD_RANGE] }]);

  const text = await run(['inspect', ...dirs(...N)]);
  assert.equal(text.code, 0);
  assert.match(text.stdout, /== node2 ==/);
  assert.match(text.stdout, /  2\tTombstone \(no data here\)\t\[7480000000000000c8, 74800000000000012c\)\tv1\/c2\tapplied 700/);
  assert.match(text.stdout, /holes \(table key ranges no node covers with a Normal region\):\n  mn\.missing\t\[7480000000000001f45f72, 7480000000000001f45f73\)/);
});

test('--include-orphans and raw-scan need the right number of --data-dir', async () => {
  const a = await run(['dbs', '--data-dir', N[0]!, '--include-orphans']);
  assert.equal(a.code, 1);
  assert.match(a.stderr, /--include-orphans needs several --data-dir/);
  const b = await run(['raw-scan', ...dirs(N[0]!, N[1]!), '--cf', 'write']);
  assert.equal(b.code, 1);
  assert.match(b.stderr, /raw-scan reads one node/);
});

test('--as-of across nodes: versions merged by commit ts, each read at the same ts', async () => {
  // T(35) of the scenario = TSO of 2023-11-14 22:13:55 UTC (BASE_MS 1700000000000 + 35 s), logical 0:
  // visible: everything committed at T(n, l) with n < 35; lonely 2 (T(35, 1)), orders 2 v2 (T40) and later are not
  const asOf = ((1_700_000_000_000n + 35_000n) << 18n).toString();
  const out = outDir();
  const r = await run(['dump', ...dirs(...N), '--db', 'mn', '--out', out, '--json', '--as-of', asOf, '--log-level', 'warn']);
  assert.equal(r.code, 0, r.stderr);
  const want: Record<string, string[][]> = {
    accounts: [['1', 'a1'], ['2', 'a2 v2']], // a3 deleted at T30
    orders: [['1', 'o1'], ['2', 'o2']],
    events: [['1', 'e1'], ['2', 'e2 v2']],
    lonely: [['1', 'l1']],
    missing: [],
  };
  for (const [name, rows] of Object.entries(want)) assert.equal(readFileSync(join(out, `mn.${name}.000000000.csv`), 'utf8'), csvOf(rows), name);
  const j = JSON.parse(r.stdout) as DumpJson;
  assert.equal(j.tables.some((t) => t.table === 'fresh'), false, 'table fresh is created at T52');
});

test('images of different clusters are not merged', async () => {
  // fixtures/sample/node1 is cluster 7301234567890123456 (its expected.json), multinode is 7301234567890000066
  const r = await run(['dbs', ...dirs(N[0]!, join('fixtures', 'sample', 'node1'))]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /different clusters \(node1: 7301234567890000066, node2: 7301234567890123456\)/);
});
