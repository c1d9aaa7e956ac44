/**
 * fixtures/tidb/chunks: tables big enough to be split into many chunks (issue #5 resume tests).
 * Written with a tiny block size (scripts/make-chunks-fixture.ts adds `block_size=256`), so a
 * few thousand rows span hundreds of data blocks across L6 (zstd), L3 (lz4), L0 and the WAL.
 * Updates, deletes, rows > 255 bytes (value in the default CF) and a partitioned table.
 */
import { Table, type DbDef, type RowOp, type Scenario, type TimelineEntry } from '../scenario.js';
import { T, int, same } from './common.js';

const db: DbDef = { id: 200, name: 'big' };

const items = new Table({
  id: 202,
  name: 'items',
  pk: 'int',
  columns: [
    { name: 'id', type: 'int' },
    { name: 'name', type: 'varchar(64)', notNull: true },
    { name: 'qty', type: 'int' },
  ],
});

const notes = new Table({
  id: 204,
  name: 'notes',
  pk: 'rowid',
  columns: [
    { name: 'title', type: 'varchar(32)', notNull: true },
    { name: 'body', type: 'varchar(1000)' },
  ],
});

const logs = new Table({
  id: 206,
  name: 'logs',
  pk: 'int',
  columns: [
    { name: 'id', type: 'bigint' },
    { name: 'msg', type: 'varchar(40)', notNull: true },
  ],
  partition: {
    type: 'range',
    expr: '`id`',
    defs: [
      { id: 207, name: 'p0', lessThan: '500' },
      { id: 208, name: 'pmax', lessThan: 'MAXVALUE' },
    ],
  },
});

const empty = new Table({
  id: 210,
  name: 'empty',
  pk: 'int',
  columns: [{ name: 'id', type: 'int' }],
});

const N_ITEMS = 1500;
const N_NOTES = 400;
const N_LOGS = 1000;

const item = (label: string, id: number, name: string, qty: number): RowOp => ({
  op: 'put',
  label,
  ref: { table: items },
  values: { id: int(id), name: same(name), qty: int(qty) },
});
const note = (label: string, rowid: number, title: string, body: string): RowOp => ({
  op: 'put',
  label,
  ref: { table: notes, rowid },
  values: { title: same(title), body: same(body) },
});
const log = (label: string, id: number, msg: string): RowOp => ({
  op: 'put',
  label,
  ref: { table: logs, partition: id < 500 ? 'p0' : 'pmax' },
  values: { id: int(id), msg: same(msg) },
});

const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);
/** Long bodies (> 255 bytes) for every 5th note: those values live in the default CF. */
const body = (i: number, v: number): string => (i % 5 === 0 ? `note ${i} v${v} `.repeat(30) : `short body ${i} v${v}`);

const itemsFinal = new Map<number, string>();
const notesFinal = new Map<number, string>();
const logsFinal = new Map<number, string>();
let itemsDeleted = 0;
let notesDeleted = 0;

const timeline: TimelineEntry[] = [
  {
    start: T(1),
    commit: T(1, 1),
    note: 'DDL',
    ops: [
      { op: 'createDb', db },
      { op: 'createTable', db, table: items },
      { op: 'createTable', db, table: notes },
      { op: 'createTable', db, table: logs },
      { op: 'createTable', db, table: empty },
    ],
  },
];

// v1 of everything, flushed and compacted to L6 (zstd)
const ops1: RowOp[] = [];
for (const i of range(1, N_ITEMS + 1)) {
  ops1.push(item(`i${i}v1`, i, `item-${i}`, i * 3));
  itemsFinal.set(i, `i${i}v1`);
}
for (const i of range(1, N_NOTES + 1)) {
  ops1.push(note(`n${i}v1`, i, `title ${i}`, body(i, 1)));
  notesFinal.set(i, `n${i}v1`);
}
for (const i of range(0, N_LOGS)) {
  ops1.push(log(`l${i}`, i, `log line ${i}`));
  logsFinal.set(i, `l${i}`);
}
timeline.push({ start: T(10), commit: T(10, 2), note: 'initial rows', ops: ops1 });
timeline.push({ flush: '*' }, { compactFiles: 'write', from: 0, to: 6 }, { compactFiles: 'default', from: 0, to: 6 });

// v2: updates of every 7th item and note, deletes of every 13th item and 17th note -> L3 (lz4)
const ops2: RowOp[] = [];
for (const i of range(1, N_ITEMS + 1)) {
  if (i % 13 === 0) {
    ops2.push({ op: 'delete', ref: { table: items, pk: { id: i } } });
    itemsFinal.delete(i);
    itemsDeleted++;
  } else if (i % 7 === 0) {
    ops2.push(item(`i${i}v2`, i, `item-${i}-updated`, i * 3 + 1));
    itemsFinal.set(i, `i${i}v2`);
  }
}
for (const i of range(1, N_NOTES + 1)) {
  if (i % 17 === 0) {
    ops2.push({ op: 'delete', ref: { table: notes, rowid: i } });
    notesFinal.delete(i);
    notesDeleted++;
  } else if (i % 7 === 0) {
    ops2.push(note(`n${i}v2`, i, `title ${i} (edited)`, body(i, 2)));
    notesFinal.set(i, `n${i}v2`);
  }
}
timeline.push({ start: T(20), commit: T(20, 1), note: 'updates and deletes', ops: ops2 });
timeline.push({ flush: '*' }, { compactFiles: 'write', from: 0, to: 3 }, { compactFiles: 'default', from: 0, to: 3 });

// v3: new items in L0
const ops3: RowOp[] = [];
for (const i of range(N_ITEMS + 1, N_ITEMS + 101)) {
  ops3.push(item(`i${i}v1`, i, `item-${i}`, i * 3));
  itemsFinal.set(i, `i${i}v1`);
}
timeline.push({ start: T(30), commit: T(30, 1), note: 'more items (L0)', ops: ops3 });
timeline.push({ flush: '*' });

// v4: WAL only
const ops4: RowOp[] = [];
for (const i of range(1, 40)) {
  if (i % 13 === 0) continue;
  ops4.push(item(`i${i}v9`, i, `item-${i}-wal`, 9));
  itemsFinal.set(i, `i${i}v9`);
}
for (const i of range(N_LOGS, N_LOGS + 20)) {
  ops4.push(log(`l${i}`, i, `log line ${i} (wal)`));
  logsFinal.set(i, `l${i}`);
}
timeline.push({ comment: 'from here on: WAL only' }, { start: T(40), commit: T(40, 1), note: 'WAL only', ops: ops4 });

const sorted = (m: Map<number, string>): string[] => [...m.entries()].sort((a, b) => a[0] - b[0]).map(([, l]) => l);
const logsSorted = [...logsFinal.entries()].sort((a, b) => a[0] - b[0]);

export const chunksScenario: Scenario = {
  name: 'chunks',
  description: 'big.items (int PK, 1600 rows), big.notes (rowid, long values), big.logs (2 partitions), big.empty; tiny blocks for many chunks',
  clusterId: 7311111111111111111n,
  storeId: 1,
  catalog: [{ db, tables: [items, notes, logs, empty] }],
  expect: {
    'big.items': { rows: sorted(itemsFinal), deletedRows: itemsDeleted },
    'big.notes': { rows: sorted(notesFinal), deletedRows: notesDeleted },
    // partition order (p0 then pmax), then key order
    'big.logs': { rows: [...logsSorted.filter(([k]) => k < 500), ...logsSorted.filter(([k]) => k >= 500)].map(([, l]) => l), deletedRows: 0 },
    'big.empty': { rows: [], deletedRows: 0 },
  },
  timeline,
  notes: ['block_size=256 for the write and default CFs (see scripts/make-chunks-fixture.ts): hundreds of data blocks.'],
};
