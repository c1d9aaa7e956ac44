/**
 * fixtures/multinode: three node images of one synthetic 3-store cluster, taken at different
 * moments (issue #6), each written by real RocksDB 7.8.3 through tools/fixture-writer and the
 * TiDB builder:
 *   fixtures/multinode/node{1,2,3}/{db/, ops.txt, expected.json, expected/<cf>.scan.txt}
 *   fixtures/multinode/expected.json   the hand-written truth for the MERGED read
 *
 *   node --import tsx scripts/make-multinode-fixtures.ts [--out DIR]
 *
 * Every transaction of the cluster is listed once below with the nodes whose image holds it
 * (a replica that lagged, a peer added later by snapshot, a history the GC removed). Each node's
 * own expectations (single-node read, its own Normal regions) are hand-written too, and the
 * builder checks them against its own MVCC resolution.
 *
 * Regions (raw bounds; tN = table N's prefix):
 *   R1 [-inf, t200)  meta + accounts   store 1,2,3   node1 applied 1500 (newest), node2 1200, node3 1100; epoch v1/c3 everywhere
 *   R2 [t200, t300)  orders            moved from store 3 to store 1: node3 Tombstone (c2, stale data),
 *                                      node1 Normal c3 applied 800, node2 Normal c3 applied 900 (authoritative)
 *   R3 [t300, t400)  events            node1 Normal v2 (after the split); node3 holds the pre-split R3 v1 [t300, t500)
 *   R4 [t400, t500)  lonely            only node2 (v2, split off R3); node3's stale R3 v1 overlaps it
 *   R5 [t500, +inf)  missing           only node3, Tombstone: [t500, +inf) is a hole (no Normal region anywhere)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../test/support/fixture-writer.js';
import { Table, type DbDef, type RegionDef, type RowOp, type Scenario, type TableExpectation, type TimelineEntry } from '../test/support/tidb-builder/scenario.js';
import { T, int, same } from '../test/support/tidb-builder/scenarios/common.js';
import { tablePrefix } from '../test/support/tidb-builder/tidb-keys.js';
import { generate } from './make-tidb-fixtures.js';

const CLUSTER_ID = 7301234567890000066n;
const db: DbDef = { id: 2, name: 'mn' };
const mk = (id: number, name: string): Table => new Table({ id, name, pk: 'int', columns: [{ name: 'id', type: 'int' }, { name: 'v', type: 'varchar(32)' }] });
const accounts = mk(100, 'accounts');
const orders = mk(200, 'orders');
const events = mk(300, 'events');
const lonely = mk(400, 'lonely');
const missing = mk(500, 'missing');
const TABLES = [accounts, orders, events, lonely, missing];
/** Schema changes only node1's image holds (in its WAL): the merged catalog must show them. */
const accountsV2 = new Table({ ...accounts.def, comment: 'v2: altered on node1 only' });
const fresh = mk(150, 'fresh');

const put = (t: Table, id: number, v: string, label: string): RowOp => ({ op: 'put', label, ref: { table: t }, values: { id: int(id), v: same(v) } });
const del = (t: Table, id: number): RowOp => ({ op: 'delete', ref: { table: t, pk: { id } } });

type NodeNo = 1 | 2 | 3;
interface GTxn {
  nodes: NodeNo[];
  start: bigint;
  commit: bigint;
  ops: RowOp[];
  note: string;
}
/** `flush: [n...]` = those nodes flush here; whatever a node holds after its last flush is WAL only. */
type GEntry = GTxn | { flush: NodeNo[] };

const ALL: NodeNo[] = [1, 2, 3];
const timeline: GEntry[] = [
  { nodes: ALL, start: T(1), commit: T(1, 1), note: 'DDL (R1, every replica)', ops: [{ op: 'createDb', db }, ...TABLES.map((table): RowOp => ({ op: 'createTable', db, table }))] },
  { nodes: ALL, start: T(10), commit: T(10, 1), note: 'R1', ops: [put(accounts, 1, 'a1', 'a1'), put(accounts, 2, 'a2', 'a2'), put(accounts, 3, 'a3', 'a3')] },
  { nodes: ALL, start: T(11), commit: T(11, 1), note: 'R2: node3 (then a peer) and the later peers via snapshot', ops: [put(orders, 1, 'o1', 'o1'), put(orders, 2, 'o2', 'o2')] },
  { nodes: [3], start: T(11, 2), commit: T(11, 3), note: 'R2: orders 5, deleted at T40 and GC-ed on nodes 1 and 2; only the tombstone peer on node3 still has it', ops: [put(orders, 5, 'o5 stale', 'o5')] },
  { nodes: [1, 3], start: T(12), commit: T(12, 1), note: 'R3 (pre-split on node3)', ops: [put(events, 1, 'e1', 'e1'), put(events, 2, 'e2', 'e2')] },
  { nodes: [2, 3], start: T(12, 2), commit: T(12, 3), note: 'lonely 1: R3 v1 on node3, carried into R4 on node2 by the split: the identical version on two nodes', ops: [put(lonely, 1, 'l1', 'l1')] },
  { nodes: [3], start: T(13), commit: T(13, 1), note: 'missing 1: node3 only, its region later became a Tombstone', ops: [put(missing, 1, 'm1 leftover', 'm1')] },
  { flush: ALL },
  { nodes: [1, 2], start: T(20), commit: T(20, 1), note: 'R1 (node3 image older)', ops: [put(accounts, 2, 'a2 v2', 'a2v2')] },
  { nodes: [1], start: T(25), commit: T(25, 1), note: 'R3 after the split: node1 only', ops: [put(events, 2, 'e2 v2', 'e2v2')] },
  { nodes: [1], start: T(30), commit: T(30, 1), note: 'R1: delete accounts 3 (node2 and node3 images older)', ops: [del(accounts, 3)] },
  { nodes: [2], start: T(35), commit: T(35, 1), note: 'R4: node2 only', ops: [put(lonely, 2, 'l2', 'l2')] },
  { nodes: [1, 2], start: T(40), commit: T(40, 1), note: 'R2', ops: [put(orders, 2, 'o2 v2', 'o2v2')] },
  { flush: [1, 2] },
  { nodes: [2], start: T(45), commit: T(45, 1), note: 'R2: newest write, only in node2 WAL', ops: [put(orders, 1, 'o1 v2', 'o1v2')] },
  { nodes: [1], start: T(41), commit: T(41, 1), note: 'R3: only in node1 WAL', ops: [put(events, 3, 'e3', 'e3')] },
  { nodes: [1], start: T(50), commit: T(50, 1), note: 'R1: newest write, only in node1 WAL', ops: [put(accounts, 4, 'a4', 'a4')] },
  { nodes: [1], start: T(51), commit: T(51, 1), note: 'R1 DDL, only in node1 WAL: accounts gets a comment', ops: [{ op: 'alterTable', db, table: accountsV2 }] },
  { nodes: [1], start: T(52), commit: T(52, 1), note: 'R1 DDL, only in node1 WAL: new table fresh (id 150, inside R1)', ops: [{ op: 'createTable', db, table: fresh }] },
  { nodes: [1], start: T(53), commit: T(53, 1), note: 'R1, only in node1 WAL', ops: [put(fresh, 1, 'f1', 'f1')] },
];

const p = (n: number): Uint8Array => tablePrefix(n);
const regionsOf: Record<NodeNo, RegionDef[]> = {
  1: [
    { id: 1, startRaw: null, endRaw: p(200), state: 0, version: 1, confVer: 3, appliedIndex: 1500, peers: [{ id: 101, storeId: 1 }, { id: 102, storeId: 2 }, { id: 103, storeId: 3 }], note: 'R1, newest replica' },
    { id: 2, startRaw: p(200), endRaw: p(300), state: 0, version: 1, confVer: 3, appliedIndex: 800, peers: [{ id: 201, storeId: 1 }, { id: 202, storeId: 2 }], note: 'R2 after the move, lagging' },
    { id: 3, startRaw: p(300), endRaw: p(400), state: 0, version: 2, confVer: 1, appliedIndex: 350, peers: [{ id: 301, storeId: 1 }, { id: 303, storeId: 3 }], note: 'R3 after the split' },
  ],
  2: [
    { id: 1, startRaw: null, endRaw: p(200), state: 0, version: 1, confVer: 3, appliedIndex: 1200, peers: [{ id: 101, storeId: 1 }, { id: 102, storeId: 2 }, { id: 103, storeId: 3 }], note: 'R1, lagging' },
    { id: 2, startRaw: p(200), endRaw: p(300), state: 0, version: 1, confVer: 3, appliedIndex: 900, peers: [{ id: 201, storeId: 1 }, { id: 202, storeId: 2 }], note: 'R2 after the move, newest' },
    { id: 4, startRaw: p(400), endRaw: p(500), state: 0, version: 2, confVer: 1, appliedIndex: 400, peers: [{ id: 402, storeId: 2 }], note: 'R4, split off R3; on no other image' },
  ],
  3: [
    { id: 1, startRaw: null, endRaw: p(200), state: 0, version: 1, confVer: 3, appliedIndex: 1100, peers: [{ id: 101, storeId: 1 }, { id: 102, storeId: 2 }, { id: 103, storeId: 3 }], note: 'R1, oldest' },
    { id: 2, startRaw: p(200), endRaw: p(300), state: 2, version: 1, confVer: 2, appliedIndex: 700, peers: [{ id: 202, storeId: 2 }, { id: 203, storeId: 3 }], note: 'R2 Tombstone: peer moved away, stale data left' },
    { id: 3, startRaw: p(300), endRaw: p(500), state: 0, version: 1, confVer: 1, appliedIndex: 300, peers: [{ id: 301, storeId: 1 }, { id: 303, storeId: 3 }], note: 'R3 before the split (stale epoch)' },
    { id: 5, startRaw: p(500), endRaw: null, state: 2, version: 1, confVer: 2, appliedIndex: 100, peers: [{ id: 502, storeId: 2 }], note: 'R5 Tombstone' },
  ],
};

/** Each image read alone (single-node rules, its own Normal regions), written by hand. */
const perNodeExpect: Record<NodeNo, Record<string, TableExpectation>> = {
  1: {
    'mn.accounts': { rows: ['a1', 'a2v2', 'a4'], deletedRows: 1, outsideRegionRows: 0 },
    'mn.orders': { rows: ['o1', 'o2v2'], deletedRows: 0, outsideRegionRows: 0 },
    'mn.events': { rows: ['e1', 'e2v2', 'e3'], deletedRows: 0, outsideRegionRows: 0 },
    'mn.lonely': { rows: [], outsideRegionRows: 0 },
    'mn.missing': { rows: [], outsideRegionRows: 0 },
    'mn.fresh': { rows: ['f1'], deletedRows: 0, outsideRegionRows: 0 },
  },
  2: {
    'mn.accounts': { rows: ['a1', 'a2v2', 'a3'], deletedRows: 0, outsideRegionRows: 0 },
    'mn.orders': { rows: ['o1v2', 'o2v2'], deletedRows: 0, outsideRegionRows: 0 },
    'mn.events': { rows: [], outsideRegionRows: 0 },
    'mn.lonely': { rows: ['l1', 'l2'], deletedRows: 0, outsideRegionRows: 0 },
    'mn.missing': { rows: [], outsideRegionRows: 0 },
  },
  3: {
    'mn.accounts': { rows: ['a1', 'a2', 'a3'], deletedRows: 0, outsideRegionRows: 0 },
    'mn.orders': { rows: [], outsideRegionRows: 3 },
    'mn.events': { rows: ['e1', 'e2'], deletedRows: 0, outsideRegionRows: 0 },
    'mn.lonely': { rows: ['l1'], deletedRows: 0, outsideRegionRows: 0 },
    'mn.missing': { rows: [], outsideRegionRows: 1 },
  },
};

export function nodeScenario(n: NodeNo): Scenario {
  const tl: TimelineEntry[] = [];
  for (const e of timeline) {
    if ('flush' in e) {
      if (e.flush.includes(n)) tl.push({ flush: '*' });
      continue;
    }
    if (e.nodes.includes(n)) tl.push({ start: e.start, commit: e.commit, ops: e.ops, note: e.note });
  }
  return {
    name: `multinode-node${n}`,
    description: `node ${n} (store ${n}) of the three-node multinode cluster (issue #6)`,
    clusterId: CLUSTER_ID,
    storeId: n,
    regions: regionsOf[n],
    catalog: [{ db, tables: n === 1 ? [accountsV2, orders, events, lonely, missing, fresh] : TABLES }],
    expect: perNodeExpect[n],
    timeline: tl,
  };
}

const row = (id: number, v: string): string[] => [String(id), v];

/** The MERGED read of all three images, written by hand from the timeline and regions above. */
export const mergedExpected = {
  description: 'merged read of node1+node2+node3 (tikv-export dump --data-dir node1 --data-dir node2 --data-dir node3)',
  database: 'mn',
  columns: ['id', 'v'],
  authority: [
    { range: '[-inf, t200)', node: 'node1', why: 'R1: same epoch everywhere, highest applied index (1500)' },
    { range: '[t200, t300)', node: 'node2', why: 'R2: node1 and node2 Normal with epoch v1/c3, node2 applied 900 > 800; node3 Tombstone' },
    { range: '[t300, t400)', node: 'node1', why: 'R3 v2 beats node3 R3 v1' },
    { range: '[t400, t500)', node: 'node2', why: 'R4 v2 beats node3 R3 v1' },
    { range: '[t500, +inf)', node: null, why: 'hole: only a Tombstone on node3' },
  ],
  default: {
    tables: {
      accounts: { rows: [row(1, 'a1'), row(2, 'a2 v2'), row(4, 'a4')], deleted: 1, rowsByNode: { node1: 3, node2: 0, node3: 0 } },
      orders: { rows: [row(1, 'o1 v2'), row(2, 'o2 v2')], deleted: 0, rowsByNode: { node1: 0, node2: 2, node3: 0 } },
      events: { rows: [row(1, 'e1'), row(2, 'e2 v2'), row(3, 'e3')], deleted: 0, rowsByNode: { node1: 3, node2: 0, node3: 0 } },
      lonely: { rows: [row(1, 'l1'), row(2, 'l2')], deleted: 0, rowsByNode: { node1: 0, node2: 2, node3: 0 } },
      missing: { rows: [], deleted: 0, rowsByNode: { node1: 0, node2: 0, node3: 0 } },
      fresh: { rows: [row(1, 'f1')], deleted: 0, rowsByNode: { node1: 1, node2: 0, node3: 0 } },
    },
    schemaVersion: 3,
    accountsComment: 'v2: altered on node1 only',
    holes: { missing: 'the whole record range of table 500', others: 'none' },
  },
  includeOrphans: {
    tables: {
      accounts: { rows: [row(1, 'a1'), row(2, 'a2 v2'), row(4, 'a4')], deleted: 1, orphanOnlyRows: 0, rowsByNode: { node1: 3, node2: 0, node3: 0 } },
      orders: { rows: [row(1, 'o1 v2'), row(2, 'o2 v2'), row(5, 'o5 stale')], deleted: 0, orphanOnlyRows: 1, rowsByNode: { node1: 0, node2: 2, node3: 1 } },
      events: { rows: [row(1, 'e1'), row(2, 'e2 v2'), row(3, 'e3')], deleted: 0, orphanOnlyRows: 0, rowsByNode: { node1: 3, node2: 0, node3: 0 } },
      lonely: { rows: [row(1, 'l1'), row(2, 'l2')], deleted: 0, orphanOnlyRows: 0, rowsByNode: { node1: 0, node2: 2, node3: 0 } },
      missing: { rows: [row(1, 'm1 leftover')], deleted: 0, orphanOnlyRows: 1, rowsByNode: { node1: 0, node2: 0, node3: 1 } },
      fresh: { rows: [row(1, 'f1')], deleted: 0, orphanOnlyRows: 0, rowsByNode: { node1: 1, node2: 0, node3: 0 } },
    },
  },
  notes: [
    'orders 5 was deleted at T40 on the current replicas and the GC removed its whole history there; only node3 (Tombstone peer) still has the old put: never exported by default, resurrected by --include-orphans.',
    'accounts 3: deleted at T30 on node1 only; node2/node3 images still show the put. Authority (default) and the merge (--include-orphans) both give: deleted.',
    'lonely 1 is the identical version (same key and commit_ts) on node2 and node3: counted once, attributed to node2 (authoritative).',
    'orders 1 v2 (node2) and accounts 4 / events 3 (node1) exist only in that node\'s WAL.',
    'Schema: node1 (authoritative for R1, which holds the meta keys) has two more DDLs in its WAL: accounts gets a comment, table fresh (id 150) is created; the merged catalog is node1\'s (schema version 3).',
    'rowsByNode attributes a row to the node whose write record won (authoritative node first when several hold it).',
  ],
};

function main(argv: string[]): void {
  const outIdx = argv.indexOf('--out');
  const root = join(outIdx >= 0 ? argv[outIdx + 1]! : repoRoot, 'fixtures', 'multinode');
  mkdirSync(root, { recursive: true });
  for (const n of [1, 2, 3] as const) {
    const dir = join(root, `node${n}`);
    generate({ scenario: nodeScenario(n), fixtureDir: dir, dbSubdir: 'db', dataDirHint: '.' }, dir);
    process.stdout.write(`wrote ${dir}\n`);
  }
  writeFileSync(join(root, 'expected.json'), `${JSON.stringify(mergedExpected, null, 2)}\n`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1])) main(process.argv.slice(2));
