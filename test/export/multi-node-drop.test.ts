/**
 * A node whose SST fails a block checksum in the middle of a merged dump (issue #6): it is
 * dropped for the rest of the run, reported with file and offset and the ranges it was
 * authoritative for (coverage lost), the other nodes go on, exit 3. Ground truth: the committed
 * three-node fixture (real RocksDB files) and its hand-written fixtures/multinode/expected.json;
 * the damage is one flipped byte inside a data block found with SstReader.dataBlockHandles().
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SstReader } from '../../src/rocksdb/sst-reader.js';
import { run } from '../cli/support.js';

const ROOT = join('fixtures', 'multinode');

interface TableTruth {
  rows: string[][];
  deleted: number;
  rowsByNode: Record<string, number>;
}
const truth = JSON.parse(readFileSync(join(ROOT, 'expected.json'), 'utf8')) as { default: { tables: Record<string, TableTruth> } };

interface Drop {
  file: string | null;
  offset: number | null;
  cf: string;
  during: { start: string; end: string };
  coverageLost: { start: string; end: string }[];
}
interface DumpJson {
  exitCode: number;
  tables: { table: string; rows: number; error?: string }[];
  perNode: { table: string; rowsByNode: Record<string, number>; orphanOnlyRows: number }[];
  failedNodes: { label: string; dir: string; message: string; dropped?: Drop }[];
}

const csvOf = (rows: string[][]): string => `"id","v"\r\n${rows.map((r) => `${r[0]},"${r[1]}"\r\n`).join('')}`;

/** A copy of the three images with one byte flipped in the middle of a data block of `sst` (node n); the block's offset. */
function damaged(n: number, sst: string): { dirs: string[]; file: string; blockOffset: number; root: string } {
  const root = mkdtempSync(join(tmpdir(), 'tikv-export-mn-drop-'));
  for (const i of [1, 2, 3]) cpSync(join(ROOT, `node${i}`), join(root, `node${i}`), { recursive: true });
  const file = join(root, `node${n}`, 'db', sst);
  const r = SstReader.open(file);
  const h = r.dataBlockHandles()[0]!;
  r.close();
  const b = readFileSync(file);
  b[h.offset + (h.size >> 1)]! ^= 0xff;
  writeFileSync(file, b);
  return { dirs: [1, 2, 3].flatMap((i) => ['--data-dir', join(root, `node${i}`)]), file, blockOffset: h.offset, root };
}

test('a data block of node1 (write CF) fails its checksum mid-dump: node1 dropped with file, offset and coverage lost; node2 tables exact; exit 3', async () => {
  const d = damaged(1, '000021.sst'); // node1's second write-CF flush: table data of R1..R3, no schema keys
  const out = join(d.root, 'out');
  const r = await run(['dump', ...d.dirs, '--db', 'mn', '--out', out, '--json', '--log-level', 'silent']);
  assert.equal(r.code, 3, r.stderr);
  const j = JSON.parse(r.stdout) as DumpJson;
  assert.equal(j.exitCode, 3);
  assert.equal(j.failedNodes.length, 1);
  const f = j.failedNodes[0]!;
  assert.equal(f.label, 'node1');
  assert.match(f.message, /checksum/);
  assert.ok(f.dropped !== undefined);
  assert.equal(f.dropped.file, d.file);
  assert.equal(f.dropped.offset, d.blockOffset);
  assert.equal(f.dropped.cf, 'write');
  // expected.json "authority": node1 for [-inf, t200) and [t300, t400); t = 't' + EncodeInt(id)
  assert.deepEqual(f.dropped.coverageLost, [
    { start: '', end: '7480000000000000c8' },
    { start: '74800000000000012c', end: '748000000000000190' },
  ]);
  // no table is INCOMPLETE: the others carried on
  for (const t of j.tables) assert.equal(t.error, undefined, t.table);
  // tables whose authoritative node is undamaged (node2: orders, lonely; the hole: missing) are exactly the truth
  for (const name of ['orders', 'lonely', 'missing']) {
    assert.equal(readFileSync(join(out, `mn.${name}.000000000.csv`), 'utf8'), csvOf(truth.default.tables[name]!.rows), name);
    assert.deepEqual(j.perNode.find((p) => p.table === name)!.rowsByNode, truth.default.tables[name]!.rowsByNode, name);
  }
  // nothing came from node1 after the damaged block was met (here: at the first table's first seek)
  for (const p of j.perNode) assert.equal(p.rowsByNode.node1, 0, p.table);
  // the honest cost: node1's WAL-only row accounts 4 is gone, and node1's delete of accounts 3 was
  // only in the bad block, so node2's older put of accounts 3 won (coverage lost, as reported)
  const accounts = readFileSync(join(out, 'mn.accounts.000000000.csv'), 'utf8');
  assert.doesNotMatch(accounts, /a4/);
  assert.match(accounts, /\r\n3,"a3"\r\n/);
  const meta = readFileSync(join(out, 'metadata'), 'utf8');
  assert.match(meta, /Node dropped: node1=.*000021\.sst, offset 0.*coverage lost: it was authoritative for \[-inf, 7480000000000000c8\) \[74800000000000012c, 748000000000000190\)/);
  assert.match(meta, /Status: PARTIAL/);
  assert.doesNotMatch(meta, /Nodes not read/);

  // text mode: the NODE DROPPED line with file and offset
  const t = await run(['dump', ...d.dirs, '--db', 'mn', '--out', join(d.root, 'out-text'), '--log-level', 'silent']);
  assert.equal(t.code, 3);
  assert.match(t.stderr, /NODE DROPPED node1 \(.*\) while reading .*000021\.sst, offset 0.*coverage lost/);
});

test('the same damaged node1 read alone stays strict: its tables INCOMPLETE, exit 2', async () => {
  const d = damaged(1, '000021.sst');
  const r = await run(['dump', '--data-dir', join(d.root, 'node1'), '--db', 'mn', '--out', join(d.root, 'out'), '--json', '--log-level', 'silent']);
  assert.equal(r.code, 2, r.stderr);
  const j = JSON.parse(r.stdout) as DumpJson;
  assert.match(j.tables.find((t) => t.table === 'accounts')!.error ?? '', /checksum mismatch/);
});

test('damage in a node with no authoritative range (node3: only stale/Tombstone data) is never read by default: exit 0, truth; --include-orphans reads it: dropped, exit 3', async () => {
  const d = damaged(3, '000018.sst');
  const out = join(d.root, 'out');
  const r = await run(['dump', ...d.dirs, '--db', 'mn', '--out', out, '--json', '--log-level', 'silent']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as DumpJson;
  assert.deepEqual(j.failedNodes, []);
  for (const [name, t] of Object.entries(truth.default.tables)) {
    assert.equal(readFileSync(join(out, `mn.${name}.000000000.csv`), 'utf8'), csvOf(t.rows), name);
    assert.deepEqual(j.perNode.find((p) => p.table === name)!.rowsByNode, t.rowsByNode, name);
  }

  const out2 = join(d.root, 'out2');
  const o = await run(['dump', ...d.dirs, '--db', 'mn', '--out', out2, '--json', '--include-orphans', '--log-level', 'silent']);
  assert.equal(o.code, 3, o.stderr);
  const jo = JSON.parse(o.stdout) as DumpJson;
  assert.equal(jo.failedNodes.length, 1);
  assert.equal(jo.failedNodes[0]!.label, 'node3');
  assert.equal(jo.failedNodes[0]!.dropped?.file, d.file);
  assert.deepEqual(jo.failedNodes[0]!.dropped?.coverageLost, []);
  // node3 held the only orphaned rows (orders 5, missing 1): without it the merge is the default truth
  for (const [name, t] of Object.entries(truth.default.tables)) {
    assert.equal(readFileSync(join(out2, `mn.${name}.000000000.csv`), 'utf8'), csvOf(t.rows), name);
  }
});
