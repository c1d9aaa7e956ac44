/**
 * fixtures/tidb/mvcc (issue #3): MVCC history that a reader must resolve exactly like TiKV's
 * point getter (tikv-tidb-encoding.md §2.2). Each put below says, next to its inputs, what TiDB
 * prints; the `expect` block states by hand which version of each row survives.
 */
import { Table, rowValue, type DbDef, type RowOp, type Scenario } from '../scenario.js';
import { mvccKey } from '../mvcc.js';
import { recordKeyInt } from '../tidb-keys.js';
import { T, int, nul, same } from './common.js';

const db: DbDef = { id: 2, name: 'mvcc' };

/** t_int: BIGINT PK is the int handle. */
const tInt = new Table({
  id: 10,
  name: 't_int',
  pk: 'int',
  columns: [
    { name: 'id', type: 'bigint' },
    { name: 'v', type: 'varchar(400)' },
    { name: 'n', type: 'int' },
  ],
});

/** t_uint: BIGINT UNSIGNED PK stored as the int64 with the same bits. */
const tUint = new Table({
  id: 12,
  name: 't_uint',
  pk: 'int',
  columns: [
    { name: 'id', type: 'bigint unsigned' },
    { name: 'v', type: 'varchar(10)' },
  ],
});

/** t_str: clustered VARCHAR PK (utf8mb4_bin; new collation: the PK column is also in the value). */
const tStr = new Table({
  id: 14,
  name: 't_str',
  pk: { common: ['code'] },
  columns: [
    { name: 'code', type: 'varchar(32)' },
    { name: 'n', type: 'int' },
  ],
});

/** t_comp: clustered composite PK (varchar, int, date). */
const tComp = new Table({
  id: 16,
  name: 't_comp',
  pk: { common: ['region', 'seq', 'day'] },
  columns: [
    { name: 'region', type: 'varchar(8)' },
    { name: 'seq', type: 'int' },
    { name: 'day', type: 'date' },
    { name: 'amount', type: 'decimal(6,2)' },
  ],
});

/** t_rowid: no PK, hidden _tidb_rowid handle. */
const tRowid = new Table({
  id: 18,
  name: 't_rowid',
  pk: 'rowid',
  columns: [
    { name: 'a', type: 'varchar(20)' },
    { name: 'b', type: 'text' },
  ],
});

const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;
const LONG = (tag: string): string => `${tag}:${'L'.repeat(300)}`; // > 255 bytes: row goes to the default CF

const pi = (label: string, id: bigint | number, v: string | null, n: number | null, extra: Partial<Extract<RowOp, { op: 'put' }>> = {}): RowOp => ({
  op: 'put',
  label,
  ref: { table: tInt },
  values: { id: int(id), v: v === null ? nul : same(v), n: n === null ? nul : int(n) },
  ...extra,
});
const delInt = (id: bigint | number): RowOp => ({ op: 'delete', ref: { table: tInt, pk: { id } } });
const pu = (label: string, id: bigint, v: string): RowOp => ({ op: 'put', label, ref: { table: tUint }, values: { id: [id, id.toString()], v: same(v) } });
const ps = (label: string, code: string, n: number): RowOp => ({ op: 'put', label, ref: { table: tStr }, values: { code: same(code), n: int(n) } });
const pc = (label: string, region: string, seq: number, day: string, amount: [string, string]): RowOp => ({
  op: 'put',
  label,
  ref: { table: tComp },
  values: { region: same(region), seq: int(seq), day: same(day), amount },
});
const pr = (label: string, rowid: number, a: string | null, b: string | null): RowOp => ({
  op: 'put',
  label,
  ref: { table: tRowid, rowid },
  values: { a: a === null ? nul : same(a), b: b === null ? nul : same(b) },
});

export const mvccScenario: Scenario = {
  name: 'mvcc',
  description: 'MVCC resolution (issue #3): updates, deletes, re-inserts, rollbacks, locks, gc_fence, short/long values, commit order, missing default, extreme handles, common handles, _tidb_rowid, WAL-only writes',
  clusterId: 7301234567890000002n,
  storeId: 4,
  catalog: [{ db, tables: [tInt, tUint, tStr, tComp, tRowid] }],
  expect: {
    'mvcc.t_int': {
      // key order = int64 handle order
      rows: ['min', 'm5v2', 'zero-v2', 'h1v3', 'h2v2', 'h3v3', 'h4v1', 'h5v1', 'h6a', 'h7v1', 'h8v1', 'h11', 'h12', 'h20v2', 'h21', 'h65535v3', 'max'],
      // deleted: -1 and 65534 (Delete), 10 (newest Put carries gc_fence). Neither deleted nor rows: h9 (missing
      // default), h13 (only a Rollback), h14 (only a Lock record), h30 (orphan default-CF value, no write record).
      deletedRows: 3,
    },
    'mvcc.t_uint': { rows: ['u2p63', 'umax', 'u0', 'u1', 'u2p63m1'], deletedRows: 0 },
    'mvcc.t_str': { rows: ['s-empty', 's-a', 's-8', 's-9v2', 's-e'], deletedRows: 1 },
    'mvcc.t_comp': { rows: ['c-eu-neg', 'c-eu-5', 'c-us-1v2'], deletedRows: 0 },
    'mvcc.t_rowid': { rows: ['r1', 'r2v2', 'r1000'], deletedRows: 1 },
  },
  timeline: [
    { start: T(1), commit: T(1, 1), note: 'DDL', ops: [{ op: 'createDb', db }, ...[tInt, tUint, tStr, tComp, tRowid].map((table): RowOp => ({ op: 'createTable', db, table }))] },
    {
      start: T(10),
      commit: T(10, 9),
      note: 'first versions',
      ops: [
        pi('min', I64_MIN, 'i64 min', 1),
        pi('m5v1', -5, 'minus five', -5),
        pi('m1v1', -1, 'minus one', -1),
        pi('zero-v1', 0, LONG('handle zero v1'), 0),
        pi('h65534', 65534, 'deleted later (handle mod 65536 = 65534)', 1),
        pi('h65535v1', 65535, 'deleted then re-inserted', 1),
        pi('h1v1', 1, 'short v1', 1),
        pi('h2v1', 2, 'short v1', 2),
        pi('h3v1', 3, 'first insert', 3),
        pi('h4v1', 4, 'survives rollbacks', 4),
        pi('h5v1', 5, 'then locked', 5),
        pi('h7v1', 7, 'committed before pending', 7),
        pi('h8v1', 8, 'committed before pending big', 8),
        pi('h20v1', 20, 'flushed version', 20),
        pi('max', I64_MAX, 'i64 max', null),
        pu('u0', 0n, 'zero'),
        pu('u1', 1n, 'one'),
        pu('u2p63m1', (1n << 63n) - 1n, '2^63-1'),
        pu('u2p63', 1n << 63n, '2^63'),
        pu('umax', (1n << 64n) - 1n, '2^64-1'),
        ps('s-empty', '', 0),
        ps('s-a', 'a', 1),
        ps('s-8', 'abcdefgh', 8),
        ps('s-9v1', 'abcdefghi', 9),
        ps('s-b', 'b', 2),
        ps('s-e', 'é', 3),
        pc('c-us-1v1', 'us', 1, '2024-01-01', ['1', '1.00']),
        pc('c-eu-5', 'eu', 5, '2024-01-02', ['-5.5', '-5.50']),
        pc('c-eu-neg', 'eu', -1, '2023-12-31', ['0', '0.00']),
        pr('r1', 1, 'one', null),
        pr('r2v1', 2, 'two', 'old'),
        pr('r3', 3, 'three', 'to be deleted'),
        pr('r1000', 1000, null, 'rowid 1000'),
      ],
    },
    {
      rawCf: 'default',
      key: mvccKey(recordKeyInt(10, 30), T(5)),
      value: rowValue(tInt, { id: int(30), v: same('orphan default value'), n: int(30) }),
      note: 'orphan default-CF value for h30 (its write record was GC\'d): must not be exported',
    },
    { flush: '*' },
    { compactFiles: 'write', from: 0, to: 6 },
    { compactFiles: 'default', from: 0, to: 6 },
    { start: T(20), commit: T(20, 1), note: 'h1 short -> long; h2 short -> long; h3, -1, 65534, 65535 deleted', ops: [pi('h1v2', 1, LONG('h1v2'), 1), pi('h2v2', 2, LONG('h2v2'), 2), delInt(3), delInt(-1), delInt(65534), delInt(65535)] },
    { start: T(21), status: 'rollback', note: 'rolled back update of h4 and insert of h13 (Rollback records at start_ts)', ops: [pi('h4-rb', 4, 'rolled back', 0), pi('h13-rb', 13, 'never committed', 13)] },
    { start: T(22), status: 'protected-rollback', note: 'protected rollback of a big update of h4 (default value removed)', ops: [pi('h4-prb', 4, LONG('h4-prb'), 0)] },
    { start: T(23), commit: T(23, 1), note: 'SELECT ... FOR UPDATE on h5 and on the missing h14: Lock write records, no data', ops: [{ op: 'lock', ref: { table: tInt, pk: { id: 5 } } }, { op: 'lock', ref: { table: tInt, pk: { id: 14 } } }] },
    { start: T(24), commit: T(24, 2), note: 'h1 long -> short again; h3, 65535 re-inserted; -5 updated; handle 0 long -> short', ops: [pi('h1v3', 1, 'short v3', 1), pi('h3v3', 3, 're-inserted', 33), pi('h65535v3', 65535, 're-inserted', 3), pi('m5v2', -5, 'minus five v2', -55), pi('zero-v2', 0, 'handle zero v2', 0)] },
    { start: T(25), commit: T(25, 1), note: 'h9: committed Put whose default-CF value is missing (must be reported, not emitted)', ops: [pi('h9-missing', 9, LONG('h9'), 9, { missingDefault: true })] },
    { start: T(26), commit: T(26, 1), note: 'h10: newest Put carries a non-zero gc_fence -> key is absent', ops: [pi('h10-fenced', 10, 'fenced', 10, { gcFence: T(27) })] },
    { start: T(28), commit: T(28, 1), note: 'h11: gc_fence = 0 (present but zero) -> visible; h12: overlapped-rollback flag -> visible', ops: [pi('h11', 11, 'fence zero', 11, { gcFence: 0n }), pi('h12', 12, 'overlapped rollback flag', 12, { overlappedRollback: true })] },
    { start: T(29), commit: T(29, 1), ops: [ps('s-9v2', 'abcdefghi', 99), { op: 'delete', ref: { table: tStr, pk: { code: 'b' } } }, pc('c-us-1v2', 'us', 1, '2024-01-01', ['2.25', '2.25']), pr('r2v2', 2, 'two', 'new'), { op: 'delete', ref: { table: tRowid, rowid: 3 } }] },
    { flush: '*' },
    { compactFiles: 'write', from: 0, to: 2 },
    { comment: 'pessimistic order: txn B (start 40) commits at 41 before txn A (start 39) commits at 42' },
    { start: T(40), commit: T(41), note: 'txn B', ops: [pi('h6b', 6, 'B: started later, committed first', 62)] },
    { start: T(39), commit: T(42), note: 'txn A', ops: [pi('h6a', 6, 'A: started first, committed last', 61)] },
    { flush: '*' },
    { comment: 'from here on: WAL only' },
    { start: T(50), commit: T(50, 1), note: 'WAL only: h20 updated, h21 inserted', ops: [pi('h20v2', 20, 'WAL version', 20), pi('h21', 21, 'only in WAL', 21)] },
    {
      start: T(60),
      status: 'pending',
      note: 'pending txn: h7 short value in the lock, h8 big value in the default CF — never exported',
      ops: [pi('h7-pending', 7, 'pending short', 70), pi('h8-pending', 8, LONG('h8-pending'), 80)],
    },
    {
      start: T(61),
      status: 'pending',
      note: 'in-flight pessimistic txn: pessimistic lock (type S, no value) on h12 — ignored for data, reported as a lock',
      ops: [{ op: 'pessimisticLock', ref: { table: tInt, pk: { id: 12 } }, forUpdateTs: T(62) }],
    },
  ],
  notes: [
    't_int h9: the newest committed Put has no default-CF entry; expected: reported in missingValues, the row is not emitted (not even an older version).',
    't_int h10: newest Put has gc_fence != 0: treated as absent (counted in deletedRows).',
    't_int h6: commit order differs from start_ts order; the version with the newest commit_ts (txn A) wins.',
    'pendingLocks: h7 (short value inside the lock) and h8 (value in default CF at start_ts); neither may appear in output. h12 carries a pessimistic lock (type Pessimistic): h12 is still exported (committed version).',
    't_uint: handles are the int64 bit patterns, so 2^63 and 2^64-1 sort before 0.',
    't_int h65534/h65535: deletes on handles whose low 16 bits are high (prior-art append_ts bug); h65535 is re-inserted and must come back.',
    't_int handle 0: first version in the default CF, newest version short (prior-art sentinel bug).',
    't_int h13 has only a Rollback record, h14 only a Lock record, h30 only an orphan default-CF value: none of them is a row or a delete.',
  ],
};
