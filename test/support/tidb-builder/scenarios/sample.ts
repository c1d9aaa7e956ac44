/**
 * fixtures/sample/node1: the README demo cluster. Database `shop` (customers / orders /
 * order_items / events), `analytics` (one table), and the system schema `mysql` (one table, not
 * dumped by default). Realistic MVCC history: updates, a delete, a rolled-back transaction, a
 * pending lock, newest writes only in the WAL. Every input value sits next to its expected text.
 */
import { Table, type Cell, type DbDef, type RowOp, type Scenario, type TimelineEntry } from '../scenario.js';
import { T, int, nul, same } from './common.js';
import { utf8 } from '../codec.js';
import { indexKey } from '../tidb-keys.js';

const mysql: DbDef = { id: 1, name: 'mysql', system: true };
const shop: DbDef = { id: 90, name: 'shop' };
const analytics: DbDef = { id: 110, name: 'analytics' };

const tidbVars = new Table({
  id: 5,
  name: 'tidb',
  pk: 'rowid',
  columns: [
    { name: 'VARIABLE_NAME', type: 'varchar(64)', notNull: true },
    { name: 'VARIABLE_VALUE', type: 'varchar(1024)' },
    { name: 'COMMENT', type: 'varchar(1024)' },
  ],
});

const customers = new Table({
  id: 92,
  name: 'customers',
  pk: 'int',
  columns: [
    { name: 'id', type: 'int' },
    { name: 'name', type: 'varchar(64)', notNull: true },
    { name: 'email', type: 'varchar(128)' },
    { name: 'created', type: 'datetime' },
    { name: 'balance', type: 'decimal(10,2)', default: '0.00' },
    { name: 'tier', type: "enum('bronze','silver','gold')" },
    { name: 'profile', type: 'json' },
  ],
});

const orders = new Table({
  id: 94,
  name: 'orders',
  pk: { common: ['customer_id', 'order_no'] },
  columns: [
    { name: 'customer_id', type: 'int' },
    { name: 'order_no', type: 'varchar(16)' },
    { name: 'placed_at', type: 'timestamp', notNull: true },
    { name: 'shipped_at', type: 'timestamp(3)' },
    { name: 'note', type: 'varchar(100)' },
    { name: 'total', type: 'decimal(12,2)', notNull: true },
  ],
});

const orderItems = new Table({
  id: 96,
  name: 'order_items',
  pk: 'rowid',
  indexes: [{ id: 1, name: 'idx_qty', cols: ['qty'] }],
  columns: [
    { name: 'order_no', type: 'varchar(16)', notNull: true },
    { name: 'sku', type: 'varchar(20)', notNull: true },
    { name: 'qty', type: 'smallint', notNull: true },
    { name: 'price', type: 'decimal(10,2)', notNull: true },
  ],
});

const events = new Table({
  id: 98,
  name: 'events',
  pk: 'int',
  columns: [
    { name: 'id', type: 'bigint' },
    { name: 'kind', type: 'varchar(20)', notNull: true },
    { name: 'at', type: 'datetime(3)', notNull: true },
    { name: 'payload', type: 'json' },
  ],
  partition: {
    type: 'range',
    expr: '`id`',
    defs: [
      { id: 99, name: 'p0', lessThan: '100' },
      { id: 100, name: 'p1', lessThan: '200' },
      { id: 101, name: 'pmax', lessThan: 'MAXVALUE' },
    ],
  },
});

const dailyStats = new Table({
  id: 112,
  name: 'daily_stats',
  pk: { common: ['day'] },
  columns: [
    { name: 'day', type: 'date' },
    { name: 'visits', type: 'int unsigned', notNull: true },
    { name: 'revenue', type: 'double' },
    { name: 'ratio', type: 'float' },
  ],
});

// ---- row helpers: (input, expected) pairs per column ----
type C = Cell;
const cust = (label: string, id: number, name: string, email: string, created: string, balance: C, tier: C, profile: C): RowOp => ({
  op: 'put',
  label,
  ref: { table: customers },
  values: { id: int(id), name: same(name), email: same(email), created: same(created), balance, tier, profile },
});
const order = (label: string, cid: number, no: string, placed: C, shipped: C, note: C, total: C): RowOp => ({
  op: 'put',
  label,
  ref: { table: orders },
  values: { customer_id: int(cid), order_no: same(no), placed_at: placed, shipped_at: shipped, note, total },
});
/** A row of order_items plus its idx_qty index entry (non-unique: key ends with the handle, value '0'). */
const item = (label: string, rowid: number, no: string, sku: string, qty: number, price: C): RowOp[] => [
  { op: 'put', label, ref: { table: orderItems, rowid }, values: { order_no: same(no), sku: same(sku), qty: int(qty), price } },
  { op: 'rawPut', key: indexKey(orderItems.id, 1, [{ k: 'int', v: qty }], rowid), value: utf8('0') },
];
const event = (label: string, partition: string, id: number | bigint, kind: string, at: C, payload: C): RowOp => ({
  op: 'put',
  label,
  ref: { table: events, partition },
  values: { id: int(id), kind: same(kind), at, payload },
});
const stat = (label: string, day: string, visits: C, revenue: C, ratio: C): RowOp => ({
  op: 'put',
  label,
  ref: { table: dailyStats },
  values: { day: same(day), visits, revenue, ratio },
});
const variable = (label: string, rowid: number, name: string, value: string, comment: string): RowOp => ({
  op: 'put',
  label,
  ref: { table: tidbVars, rowid },
  values: { VARIABLE_NAME: same(name), VARIABLE_VALUE: same(value), COMMENT: same(comment) },
});

const knuthBio = 'The Art of Computer Programming. '.repeat(10); // 330 bytes: row goes to the default CF

const timeline: TimelineEntry[] = [
  {
    start: T(1),
    commit: T(1, 1),
    note: 'bootstrap DDL',
    ops: [
      { op: 'createDb', db: mysql },
      { op: 'createTable', db: mysql, table: tidbVars },
      { op: 'createDb', db: shop },
      { op: 'createTable', db: shop, table: customers },
      { op: 'createTable', db: shop, table: orders },
      { op: 'createTable', db: shop, table: orderItems },
      { op: 'createTable', db: shop, table: events },
      { op: 'createDb', db: analytics },
      { op: 'createTable', db: analytics, table: dailyStats },
    ],
  },
  {
    start: T(2),
    commit: T(2, 1),
    ops: [
      variable('v1', 1, 'bootstrapped', 'True', 'Bootstrap flag. Do not delete.'),
      variable('v2', 2, 'tidb_server_version', '179', 'Bootstrap version. Do not delete.'),
      variable('v3', 3, 'new_collation_enabled', 'True', 'If the new collations are enabled. Do not edit it.'),
    ],
  },
  {
    start: T(10),
    commit: T(10, 5),
    note: 'customers 1-12',
    ops: [
      cust('c1v1', 1, 'Ada Lovelace', 'ada@example.com', '2023-01-05 09:30:00', ['120.5', '120.50'], ['gold', 'gold'], ['{"city":"London","tags":["vip"]}', '{"city": "London", "tags": ["vip"]}']),
      cust('c2v1', 2, 'Grace Hopper', 'grace@example.com', '2023-01-06 10:00:00', ['0', '0.00'], ['silver', 'silver'], ['{"city":"Arlington"}', '{"city": "Arlington"}']),
      cust('c3v1', 3, 'Alan Turing', 'alan@example.com', '2023-02-01 12:00:01', ['75.25', '75.25'], ['bronze', 'bronze'], nul),
      cust('c4v1', 4, 'Edsger Dijkstra', 'edsger@example.com', '2023-02-10 08:15:00', ['-3.5', '-3.50'], ['bronze', 'bronze'], ['{"langs":["algol","pascal"],"age":72}', '{"age": 72, "langs": ["algol", "pascal"]}']),
      cust('c5v1', 5, 'Barbara Liskov', 'barbara@example.com', '2023-03-03 17:45:59', ['1000', '1000.00'], ['silver', 'silver'], ['{"award":"Turing","year":2008}', '{"award": "Turing", "year": 2008}']),
      cust('c6v1', 6, 'Donald Knuth', 'don@example.com', '2023-03-04 00:00:00', ['3.14', '3.14'], ['gold', 'gold'], [`{"bio":"${knuthBio}"}`, `{"bio": "${knuthBio}"}`]),
      cust('c7v1', 7, 'Ken Thompson', 'ken@example.com', '2023-03-05 01:02:03', ['7', '7.00'], ['bronze', 'bronze'], nul),
      cust('c8v1', 8, 'Dennis Ritchie', 'dmr@example.com', '2023-04-01 06:00:00', nul, nul, ['{}', '{}']),
      cust('c9v1', 9, 'Frances Allen', 'fran@example.com', '2023-04-02 07:07:07', ['99999999.99', '99999999.99'], ['silver', 'silver'], ['[1,2.5,"x",true,null]', '[1, 2.5, "x", true, null]']),
      cust('c10v1', 10, 'Margaret Hamilton', 'margaret@example.com', '2023-05-20 23:59:59', ['-99999999.99', '-99999999.99'], ['gold', 'gold'], ['{"apollo":11}', '{"apollo": 11}']),
      cust('c11v1', 11, 'John Backus', 'john@example.com', '2023-06-01 13:00:00', ['0.01', '0.01'], ['bronze', 'bronze'], nul),
      cust('c12v1', 12, 'Radia Perlman', 'radia@example.com', '2023-06-02 14:00:00', ['42', '42.00'], ['silver', 'silver'], ['{"proto":"STP"}', '{"proto": "STP"}']),
    ],
  },
  {
    start: T(11),
    commit: T(11, 3),
    note: 'orders and their items',
    ops: [
      order('o1', 1, 'A-1001', same('2023-07-01 10:00:00'), same('2023-07-02 08:00:00.123'), nul, ['59.9', '59.90']),
      order('o2', 1, 'A-1002', same('2023-07-03 11:30:00'), nul, same('gift wrap'), ['12', '12.00']),
      order('o3v1', 2, 'B-2001', same('2023-07-04 09:15:00'), same('2023-07-05 16:45:00.500'), same('leave at door'), ['250', '250.00']),
      order('o4', 3, 'C-3001', same('2023-07-06 12:00:00'), nul, nul, ['5.5', '5.50']),
      order('o5', 5, 'E-5001', same('2023-07-07 18:20:30'), same('2023-07-08 09:00:00.000'), same('fragile, "handle" with care'), ['1234.56', '1234.56']),
      order('o6', 5, 'E-5002', same('2023-07-09 07:00:00'), nul, same('2nd order'), ['0.99', '0.99']),
      order('o7', 9, 'F-9001', same('2023-07-10 23:59:59'), same('2023-07-11 00:00:00.001'), nul, ['100', '100.00']),
      order('o8', 10, 'G-1', same('2023-07-12 04:05:06'), nul, same('línea 2: café'), ['7.25', '7.25']),
      ...item('i1', 1, 'A-1001', 'SKU-RED-01', 2, ['19.95', '19.95']),
      ...item('i2', 2, 'A-1001', 'SKU-BLU-02', 1, ['20', '20.00']),
      ...item('i3', 3, 'A-1002', 'SKU-GFT-00', 1, ['12', '12.00']),
      ...item('i4', 4, 'B-2001', 'SKU-TV-55', 1, ['250', '250.00']),
      ...item('i5', 5, 'C-3001', 'SKU-PEN-10', 11, ['0.5', '0.50']),
      ...item('i6', 6, 'E-5001', 'SKU-VASE', 1, ['1234.56', '1234.56']),
      ...item('i7', 7, 'E-5002', 'SKU-CAB-01', 3, ['0.33', '0.33']),
      ...item('i8', 8, 'F-9001', 'SKU-BOOK', 4, ['25', '25.00']),
      ...item('i9', 9, 'G-1', 'SKU-MUG', 1, ['7.25', '7.25']),
    ],
  },
  { flush: '*' },
  { compactFiles: 'write', from: 0, to: 6 },
  { compactFiles: 'default', from: 0, to: 6 },
  {
    start: T(20),
    commit: T(20, 2),
    note: 'update customer 3, delete customer 7',
    ops: [
      cust('c3v2', 3, 'Alan Turing', 'alan@example.com', '2023-02-01 12:00:01', ['80', '80.00'], ['bronze', 'bronze'], nul),
      { op: 'delete', ref: { table: customers, pk: { id: 7 } } },
    ],
  },
  {
    start: T(21),
    status: 'rollback',
    note: 'rolled back: update customer 4 and a new item',
    ops: [
      cust('c4-rolled-back', 4, 'Edsger W. Dijkstra', 'ewd@example.com', '2023-02-10 08:15:00', ['0', '0.00'], ['gold', 'gold'], nul),
      ...item('i10-rolled-back', 10, 'A-1001', 'SKU-NOPE', 1, ['1', '1.00']),
    ],
  },
  {
    start: T(22),
    commit: T(22, 1),
    note: 'events (RANGE partitions) and analytics',
    ops: [
      event('e1', 'p0', 1, 'signup', same('2023-07-01 10:00:00.000'), ['{"customer":1}', '{"customer": 1}']),
      event('e2', 'p0', 2, 'login', same('2023-07-01 10:05:12.345'), nul),
      event('e50', 'p0', 50, 'purchase', same('2023-07-03 11:30:00.999'), ['{"order":"A-1002","total":12.0}', '{"order": "A-1002", "total": 12.0}']),
      event('e100', 'p1', 100, 'refund', same('2023-07-05 00:00:00.000'), ['{"order":"C-3001"}', '{"order": "C-3001"}']),
      event('e150', 'p1', 150, 'login', same('2023-07-06 06:06:06.060'), nul),
      event('e200', 'pmax', 200, 'logout', same('2023-07-07 07:07:07.007'), nul),
      event('e1000000', 'pmax', 1000000, 'audit', same('2023-07-08 08:08:08.800'), ['{"ok":true,"by":null}', '{"by": null, "ok": true}']),
      stat('d1', '2023-07-01', ['1200', '1200'], [3456.78, '3456.78'], [0.25, '0.25']),
      stat('d2', '2023-07-02', ['980', '980'], [1234.5, '1234.5'], [0.1, '0.1']),
      stat('d3', '2023-07-03', ['0', '0'], [0, '0'], nul),
    ],
  },
  { flush: '*' },
  { compactFiles: 'write', from: 0, to: 3 },
  {
    start: T(30),
    commit: T(30, 4),
    note: 'customer 5 becomes gold; customers 13-15; order C-3001 deleted',
    ops: [
      cust('c5v2', 5, 'Barbara Liskov', 'barbara@example.com', '2023-03-03 17:45:59', ['1000', '1000.00'], ['gold', 'gold'], ['{"award":"Turing","year":2008}', '{"award": "Turing", "year": 2008}']),
      cust('c13v1', 13, 'Leslie Lamport', 'leslie@example.com', '2023-08-01 09:00:00', ['10.1', '10.10'], ['silver', 'silver'], nul),
      cust('c14v1', 14, 'Tim Berners-Lee', 'timbl@example.com', '2023-08-02 09:00:00', ['0.5', '0.50'], ['bronze', 'bronze'], ['{"web":"https://www.w3.org/"}', '{"web": "https://www.w3.org/"}']),
      cust('c15v1', 15, 'José Sánchez', 'jose@example.com', '2023-08-03 09:00:00', ['5', '5.00'], ['bronze', 'bronze'], ['{"ciudad":"Málaga"}', '{"ciudad": "Málaga"}']),
      { op: 'delete', ref: { table: orders, pk: { customer_id: 3, order_no: 'C-3001' } } },
    ],
  },
  { flush: '*' },
  { comment: 'from here on: WAL only' },
  {
    start: T(40),
    commit: T(40, 1),
    note: 'WAL only: customer 16, customer 1 balance, order B-2001 note',
    ops: [
      cust('c16v1', 16, 'Niklaus Wirth', 'wirth@example.com', '2023-09-01 10:00:00', ['1', '1.00'], ['gold', 'gold'], nul),
      cust('c1v2', 1, 'Ada Lovelace', 'ada@example.com', '2023-01-05 09:30:00', ['130', '130.00'], ['gold', 'gold'], ['{"city":"London","tags":["vip"]}', '{"city": "London", "tags": ["vip"]}']),
      order('o3v2', 2, 'B-2001', same('2023-07-04 09:15:00'), same('2023-07-05 16:45:00.500'), same('delivered'), ['250', '250.00']),
    ],
  },
  {
    start: T(50),
    status: 'pending',
    note: 'pending (never committed): update customer 2',
    ops: [cust('c2-pending', 2, 'Grace Hopper', 'grace@example.com', '2023-01-06 10:00:00', ['1', '1.00'], ['gold', 'gold'], nul)],
  },
];

export const sampleScenario: Scenario = {
  name: 'sample',
  description: 'README demo cluster: shop (4 tables, one RANGE partitioned), analytics (1 table), mysql (system)',
  clusterId: 7301234567890123456n,
  storeId: 1,
  catalog: [
    { db: mysql, tables: [tidbVars] },
    { db: shop, tables: [customers, orders, orderItems, events] },
    { db: analytics, tables: [dailyStats] },
  ],
  expect: {
    'mysql.tidb': { rows: ['v1', 'v2', 'v3'] },
    'shop.customers': { rows: ['c1v2', 'c2v1', 'c3v2', 'c4v1', 'c5v2', 'c6v1', 'c8v1', 'c9v1', 'c10v1', 'c11v1', 'c12v1', 'c13v1', 'c14v1', 'c15v1', 'c16v1'], deletedRows: 1 },
    'shop.orders': { rows: ['o1', 'o2', 'o3v2', 'o5', 'o6', 'o7', 'o8'], deletedRows: 1 },
    'shop.order_items': { rows: ['i1', 'i2', 'i3', 'i4', 'i5', 'i6', 'i7', 'i8', 'i9'], deletedRows: 0 },
    'shop.events': { rows: ['e1', 'e2', 'e50', 'e100', 'e150', 'e200', 'e1000000'], deletedRows: 0 },
    'analytics.daily_stats': { rows: ['d1', 'd2', 'd3'], deletedRows: 0 },
  },
  timeline,
  notes: [
    'TIMESTAMP columns are stored in UTC and expected in UTC.',
    'customers.id=6 has a row > 255 bytes: its value lives in the default CF at start_ts.',
    'customer 2 has a pending lock (start_ts in pendingLocks); the committed version c2v1 is expected.',
    'mysql is a system schema: list it, do not dump it by default.',
  ],
};
