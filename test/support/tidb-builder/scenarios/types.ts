/**
 * fixtures/tidb/types: every column type with NULLs and extremes, schema evolution, row v1,
 * large row-v2 layouts, checksum trailers, RANGE/HASH partitions, a catalog with prefix-colliding
 * DB ids (1, 10, 11, 100), truncated and dropped tables, a DBInfo > 255 bytes.
 * Every input value sits next to the text TiDB prints for it (written by hand).
 */
import { fromHex, u64BE, utf8 } from '../codec.js';
import { metaHashMetaKey } from '../tidb-keys.js';
import { ABSENT, Table, hexCell, type Cell, type DbDef, type RowOp, type Scenario, type TableDef } from '../scenario.js';
import { T, cell, int, nul, same } from './common.js';

const dbTypes: DbDef = { id: 1, name: 'types' };
const dbEvo: DbDef = { id: 10, name: 'evolution' };
const dbParts: DbDef = { id: 11, name: 'parts' };
const dbCat: DbDef = { id: 100, name: 'catalog' };
const longName = '历史数据库'.repeat(12); // 60 characters, 180 UTF-8 bytes: DBInfo JSON > 255 bytes
const dbLong: DbDef = { id: 200, name: longName };

const rowid = (table: Table, id: number, label: string, values: Record<string, Cell>): RowOp => ({ op: 'put', label, ref: { table, rowid: id }, values });

// ------------------------------------------------------------------------------- types.ints
const ints = new Table({
  id: 300,
  name: 'ints',
  pk: 'rowid',
  columns: [
    { name: 'ti', type: 'tinyint' },
    { name: 'tu', type: 'tinyint unsigned' },
    { name: 'si', type: 'smallint' },
    { name: 'su', type: 'smallint unsigned' },
    { name: 'mi', type: 'mediumint' },
    { name: 'mu', type: 'mediumint unsigned' },
    { name: 'i', type: 'int' },
    { name: 'iu', type: 'int unsigned' },
    { name: 'bi', type: 'bigint' },
    { name: 'bu', type: 'bigint unsigned' },
  ],
});
const intRow = (id: number, label: string, v: (number | bigint | null)[]): RowOp =>
  rowid(ints, id, label, Object.fromEntries(ints.cols.map((c, i) => [c.name, v[i] === null ? nul : int(v[i]!)])));

// ------------------------------------------------------------------------------- types.floats
const floats = new Table({ id: 302, name: 'floats', pk: 'rowid', columns: [{ name: 'f', type: 'float' }, { name: 'd', type: 'double' }] });
const fl = (id: number, f: Cell, d: Cell): RowOp => rowid(floats, id, `f${id}`, { f, d });

// ------------------------------------------------------------------------------- types.decimals
const decimals = new Table({
  id: 304,
  name: 'decimals',
  pk: 'rowid',
  columns: [
    { name: 'd65', type: 'decimal(65,30)' },
    { name: 'd10', type: 'decimal(10,2)' },
    { name: 'd5', type: 'decimal(5,0)' },
  ],
});

// ------------------------------------------------------------------------------- types.strings
const strings = new Table({
  id: 306,
  name: 'strings',
  pk: 'rowid',
  columns: [
    { name: 'c', type: 'char(10)' },
    { name: 'vc', type: 'varchar(100)' },
    { name: 't', type: 'text' },
    { name: 'b', type: 'binary(4)' },
    { name: 'vb', type: 'varbinary(10)' },
    { name: 'bl', type: 'blob' },
  ],
});
const bigText = 'x'.repeat(66000); // data area > 65535 bytes: row v2 large layout
const blob300 = new Uint8Array(300).map((_, i) => i & 0xff);

// ------------------------------------------------------------------------------- types.times
const times = new Table({
  id: 308,
  name: 'times',
  pk: 'rowid',
  columns: [
    { name: 'd', type: 'date' },
    { name: 'dt0', type: 'datetime' },
    { name: 'dt3', type: 'datetime(3)' },
    { name: 'dt6', type: 'datetime(6)' },
    { name: 'ts0', type: 'timestamp' },
    { name: 'ts6', type: 'timestamp(6)' },
    { name: 'tm0', type: 'time' },
    { name: 'tm3', type: 'time(3)' },
    { name: 'y', type: 'year' },
  ],
});

// ------------------------------------------------------------------------------- types.enums
const enums = new Table({
  id: 310,
  name: 'enums',
  pk: 'rowid',
  columns: [
    { name: 'e', type: "enum('a','b','c')" },
    { name: 's', type: "set('x','y','z')" },
    { name: 'b1', type: 'bit(1)' },
    { name: 'b12', type: 'bit(12)' },
    { name: 'b64', type: 'bit(64)' },
  ],
});

// ------------------------------------------------------------------------------- types.jsons
const jsons = new Table({ id: 312, name: 'jsons', pk: 'rowid', columns: [{ name: 'j', type: 'json' }] });
const js = (id: number, input: string | null, text: string | null): RowOp => rowid(jsons, id, `j${id}`, { j: [input, text] });

// ------------------------------------------------------------------------------- types.vectors
const vectors = new Table({ id: 314, name: 'vectors', pk: 'rowid', columns: [{ name: 'v3', type: 'vector(3)' }, { name: 'vd', type: 'vector' }] });

// ------------------------------------------------------------------------------- evolution.*
const addedCols: TableDef['columns'] = [
  { name: 'id', type: 'int' },
  { name: 'a', type: 'varchar(10)' },
];
const addedV1 = new Table({ id: 320, name: 'added', pk: 'int', columns: addedCols });
const addedV2 = new Table({
  id: 320,
  name: 'added',
  pk: 'int',
  columns: [
    ...addedCols,
    // ADD COLUMN c INT DEFAULT 5, later ALTER ... SET DEFAULT 7: origin_default stays "5".
    { name: 'c', type: 'int', originDefault: '5', default: '7' },
    // ADD COLUMN d VARCHAR(5) (no default): old rows read NULL.
    { name: 'd', type: 'varchar(5)', originDefault: null, default: null },
  ],
});

const droppedV1 = new Table({
  id: 322,
  name: 'dropped_col',
  pk: 'rowid',
  columns: [
    { name: 'a', type: 'int' },
    { name: 'b', type: 'varchar(10)' },
    { name: 'c', type: 'int' },
  ],
});
const droppedV2 = new Table({
  id: 322,
  name: 'dropped_col',
  pk: 'rowid',
  maxColId: 3,
  columns: [
    { name: 'a', type: 'int', id: 1 },
    { name: 'c', type: 'int', id: 3 },
  ],
});

const v1rows = new Table({
  id: 324,
  name: 'row_v1',
  pk: 'int',
  rowFormat: 1,
  columns: [
    { name: 'id', type: 'bigint' },
    { name: 'name', type: 'varchar(20)' },
    { name: 'price', type: 'decimal(8,3)' },
    { name: 'at', type: 'datetime(2)' },
    { name: 'dur', type: 'time(1)' },
    { name: 'f', type: 'float' },
    { name: 'e', type: "enum('x','y')" },
    { name: 'j', type: 'json' },
    { name: 'bt', type: 'bit(8)' },
    { name: 'u', type: 'int unsigned' },
  ],
});

const large = new Table({
  id: 326,
  name: 'large_ids',
  pk: 'rowid',
  maxColId: 300,
  columns: [
    { name: 'a', type: 'int', id: 1 },
    { name: 'z', type: 'varchar(20)', id: 300 },
  ],
});

const checksummed = new Table({
  id: 328,
  name: 'checksummed',
  pk: 'rowid',
  checksum: true,
  columns: [
    { name: 'a', type: 'int' },
    { name: 'b', type: 'varchar(10)' },
  ],
});

/** Non-public and hidden columns: stored in rows, never output columns. */
const nonpublic = new Table({
  id: 354,
  name: 'nonpublic',
  pk: 'rowid',
  columns: [
    { name: 'a', type: 'int' },
    { name: 'b', type: 'int', state: 3 }, // ADD COLUMN in progress (write-reorganization)
    { name: '_V$_idx_a_0', type: 'varchar(10)', hidden: true }, // expression-index helper column
  ],
});

// ------------------------------------------------------------------------------- parts.*
const prange = new Table({
  id: 330,
  name: 'prange',
  pk: 'int',
  columns: [
    { name: 'id', type: 'int' },
    { name: 'v', type: 'varchar(10)' },
  ],
  partition: {
    type: 'range',
    expr: '`id`',
    defs: [
      { id: 331, name: 'p0', lessThan: '10' },
      { id: 332, name: 'p1', lessThan: '20' },
      { id: 333, name: 'p2', lessThan: 'MAXVALUE' },
    ],
  },
});
const phash = new Table({
  id: 334,
  name: 'phash',
  pk: 'int',
  columns: [
    { name: 'id', type: 'int' },
    { name: 'v', type: 'varchar(10)' },
  ],
  partition: {
    type: 'hash',
    expr: '`id`',
    defs: [
      { id: 335, name: 'p0' },
      { id: 336, name: 'p1' },
      { id: 337, name: 'p2' },
    ],
  },
});
const pr = (t: Table, partition: string, id: number, v: string): RowOp => ({ op: 'put', label: `${t.name}-${id}`, ref: { table: t, partition }, values: { id: int(id), v: same(v) } });

// ------------------------------------------------------------------------------- catalog.*
const trOld = new Table({ id: 340, name: 'tr', pk: 'rowid', columns: [{ name: 'v', type: 'varchar(20)' }] });
const trNew = new Table({ id: 342, name: 'tr', pk: 'rowid', columns: [{ name: 'v', type: 'varchar(20)' }] });
const gone = new Table({ id: 344, name: 'gone', pk: 'rowid', columns: [{ name: 'v', type: 'varchar(20)' }] });
const wide = new Table({
  id: 346,
  name: 'wide',
  pk: 'int',
  comment: 'a table whose TableInfo JSON is well over 255 bytes (it always is in TiDB 7.x): stored in the default CF',
  columns: [{ name: 'id', type: 'int' }, ...Array.from({ length: 12 }, (_, i) => ({ name: `col_${i}`, type: 'varchar(8)' }))],
});
/** RENAME TABLE catalog.moved TO parts.moved2: same id 352, moves between DB hashes. */
const movedOld = new Table({ id: 352, name: 'moved', pk: 'rowid', columns: [{ name: 'v', type: 'varchar(20)' }] });
const movedNew = new Table({ id: 352, name: 'moved2', pk: 'rowid', columns: [{ name: 'v', type: 'varchar(20)' }] });
const notes = new Table({ id: 350, name: '备注', pk: 'rowid', columns: [{ name: '内容', type: 'varchar(20)' }] });

export const typesScenario: Scenario = {
  name: 'types',
  description: 'all column types, NULLs and extremes; schema evolution; row v1; large row v2; partitions; prefix-colliding DB ids; truncated/dropped tables; long DBInfo',
  clusterId: 7301234567890000003n,
  storeId: 7,
  catalog: [
    { db: dbTypes, tables: [ints, floats, decimals, strings, times, enums, jsons, vectors] },
    { db: dbEvo, tables: [addedV2, droppedV2, v1rows, large, checksummed, nonpublic] },
    { db: dbParts, tables: [prange, phash, movedNew] },
    { db: dbCat, tables: [trNew, wide] },
    { db: dbLong, tables: [notes] },
  ],
  dropped: [
    { db: dbCat, table: trOld, reason: 'TRUNCATE TABLE: old id 340 still has rows, its Table:340 field was deleted; the new id is 342' },
    { db: dbCat, table: gone, reason: 'DROP TABLE: rows remain (no GC), Table:344 field deleted' },
  ],
  expect: {
    'types.ints': { rows: ['min', 'max', 'zero', 'nulls', 'widths'] },
    'types.floats': { rows: ['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8', 'f9'] },
    'types.decimals': { rows: ['dec1', 'dec2', 'dec3', 'dec4'] },
    'types.strings': { rows: ['s1', 's2', 's3', 's4'] },
    'types.times': { rows: ['t1', 't2', 't3', 't4', 't5'] },
    'types.enums': { rows: ['e1', 'e2', 'e3', 'e4'] },
    'types.jsons': { rows: ['j1', 'j2', 'j3', 'j4', 'j5', 'j6', 'j7', 'j8', 'j9', 'j10', 'j11'] },
    'types.vectors': { rows: ['v1', 'v2', 'v3'] },
    'evolution.added': { rows: ['add1', 'add2', 'add3', 'add4'] },
    'evolution.dropped_col': { rows: ['dc1', 'dc2', 'dc3'] },
    'evolution.row_v1': { rows: ['v1-neg', 'v1-a'] },
    'evolution.large_ids': { rows: ['lg1', 'lg2'] },
    'evolution.checksummed': { rows: ['ck1', 'ck2'] },
    'evolution.nonpublic': { rows: ['np1', 'np2'] },
    'parts.moved2': { rows: ['moved-1'] },
    'parts.prange': { rows: ['prange-1', 'prange-9', 'prange-10', 'prange-25', 'prange-1000'] },
    'parts.phash': { rows: ['phash-3', 'phash-6', 'phash-1', 'phash-4', 'phash-2'] },
    'catalog.tr': { rows: ['tr-new-1'] },
    'catalog.wide': { rows: ['wide-1'] },
    [`${longName}.备注`]: { rows: ['note-1'] },
  },
  timeline: [
    {
      start: T(1),
      commit: T(1, 1),
      note: 'DDL: databases 1, 10, 11, 100, 200 (ids are prefixes of each other as text) and their tables',
      ops: [
        { op: 'createDb', db: dbTypes },
        { op: 'createDb', db: dbEvo },
        { op: 'createDb', db: dbParts },
        { op: 'createDb', db: dbCat },
        { op: 'createDb', db: dbLong },
        ...[ints, floats, decimals, strings, times, enums, jsons, vectors].map((table): RowOp => ({ op: 'createTable', db: dbTypes, table })),
        ...[addedV1, droppedV1, v1rows, large, checksummed, nonpublic].map((table): RowOp => ({ op: 'createTable', db: dbEvo, table })),
        ...[prange, phash].map((table): RowOp => ({ op: 'createTable', db: dbParts, table })),
        ...[trOld, gone, wide, movedOld].map((table): RowOp => ({ op: 'createTable', db: dbCat, table })),
        { op: 'createTable', db: dbLong, table: notes },
        // legacy (TiDB <= 5.1) hash-meta keys 'm'+mc(key)+u64BE('H'): must be ignored
        { op: 'rawPut', key: metaHashMetaKey('DBs'), value: u64BE(5) },
        { op: 'rawPut', key: metaHashMetaKey('DB:1'), value: u64BE(8) },
      ],
    },
    {
      start: T(10),
      commit: T(10, 1),
      note: 'integers, floats, decimals',
      ops: [
        intRow(1, 'min', [-128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -(1n << 63n), 0]),
        intRow(2, 'max', [127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295, (1n << 63n) - 1n, (1n << 64n) - 1n]),
        intRow(3, 'zero', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        intRow(4, 'nulls', [null, null, null, null, null, null, null, null, null, null]),
        // narrow-width boundaries: 2-byte, 4-byte, 8-byte encodings
        intRow(5, 'widths', [-1, 1, -129, 256, 40000, 65536, -32769, 2147483648, 2147483648, 4294967296]),
        fl(1, [1e15, '1e15'], [1e15, '1e15']),
        fl(2, [1e-15, '0.000000000000001'], [1e-15, '0.000000000000001']),
        fl(3, [-0, '-0'], [-0, '-0']),
        fl(4, [1.5, '1.5'], [-2.25, '-2.25']),
        fl(5, [0.1, '0.1'], [0.1, '0.1']),
        fl(6, [123456789012, '123456790000'], [999999999999999, '999999999999999']),
        fl(7, [1e-16, '1e-16'], [1.7976931348623157e308, '1.7976931348623157e308']),
        fl(8, [1.2345678e20, '1.23457e20'], [1.5e-300, '1.5e-300']),
        fl(9, nul, nul),
        rowid(decimals, 1, 'dec1', {
          d65: same('12345678901234567890123456789012345.123456789012345678901234567890'),
          d10: ['12345678.9', '12345678.90'],
          d5: same('-99999'),
        }),
        rowid(decimals, 2, 'dec2', { d65: same('-0.000000000000000000000000000001'), d10: same('-0.01'), d5: same('0') }),
        rowid(decimals, 3, 'dec3', { d65: ['0', '0.000000000000000000000000000000'], d10: ['-0', '0.00'], d5: nul }),
        rowid(decimals, 4, 'dec4', { d65: ['-99999999999999999999999999999999999.999999999999999999999999999999', '-99999999999999999999999999999999999.999999999999999999999999999999'], d10: ['99999999.99', '99999999.99'], d5: ['99999', '99999'] }),
      ],
    },
    {
      start: T(11),
      commit: T(11, 1),
      note: 'strings, binary, times',
      ops: [
        rowid(strings, 1, 's1', {
          c: same('abc'),
          vc: same('He said "hi", \\ then left'),
          t: same('line1\r\nline2\n'),
          b: cell(fromHex('61620000'), hexCell('61620000')), // BINARY(4) 'ab' stored right-padded with 0x00
          vb: cell(fromHex('00ff0a2c'), hexCell('00ff0a2c')),
          bl: cell(utf8('blob,data'), hexCell('626c6f622c64617461')),
        }),
        rowid(strings, 2, 's2', {
          c: same(''),
          vc: cell(fromHex('fffe41'), hexCell('fffe41')), // not UTF-8
          t: same('a\u0000b'), // NUL inside text
          b: nul,
          vb: cell(new Uint8Array(0), hexCell('')),
          bl: cell(blob300, hexCell(Buffer.from(blob300).toString('hex'))), // row > 255 bytes: default CF
        }),
        rowid(strings, 3, 's3', { c: same('tab\there'), vc: same('emoji 😀 中文'), t: cell(bigText, bigText), b: cell(fromHex('ffffffff'), hexCell('ffffffff')), vb: nul, bl: nul }),
        rowid(strings, 4, 's4', { c: nul, vc: nul, t: nul, b: nul, vb: nul, bl: nul }),
        rowid(times, 1, 't1', {
          d: same('2024-02-29'),
          dt0: same('2024-02-29 13:45:07'),
          dt3: same('2024-02-29 13:45:07.123'),
          dt6: same('2024-02-29 13:45:07.123456'),
          ts0: same('2024-02-29 05:45:07'),
          ts6: same('1970-01-01 00:00:01.000001'),
          tm0: same('12:34:56'),
          tm3: same('-01:02:03.500'),
          y: [2024, '2024'],
        }),
        rowid(times, 2, 't2', {
          d: same('0000-00-00'),
          dt0: same('0000-00-00 00:00:00'),
          dt3: same('0000-00-00 00:00:00.000'),
          dt6: same('0000-00-00 00:00:00.000000'),
          ts0: same('0000-00-00 00:00:00'),
          ts6: same('0000-00-00 00:00:00.000000'),
          tm0: same('00:00:00'),
          tm3: same('00:00:00.000'),
          y: [0, '0000'],
        }),
        rowid(times, 3, 't3', {
          d: same('1000-01-01'),
          dt0: same('9999-12-31 23:59:59'),
          dt3: same('9999-12-31 23:59:59.999'),
          dt6: same('9999-12-31 23:59:59.999999'),
          ts0: same('2038-01-19 03:14:07'),
          ts6: same('2038-01-19 03:14:07.999999'),
          tm0: same('838:59:59'),
          tm3: same('-838:59:59.000'),
          y: [1901, '1901'],
        }),
        rowid(times, 4, 't4', {
          d: same('2024-01-01'),
          dt0: same('2024-01-01 00:00:00'),
          dt3: same('2024-01-01 00:00:00.001'),
          dt6: same('2024-01-01 00:00:00.000001'),
          ts0: same('1970-01-01 00:00:01'),
          ts6: same('2024-01-01 12:00:00.500000'),
          tm0: same('25:00:00'),
          tm3: same('-00:00:00.001'),
          y: [2155, '2155'],
        }),
        rowid(times, 5, 't5', { d: nul, dt0: nul, dt3: nul, dt6: nul, ts0: nul, ts6: nul, tm0: nul, tm3: nul, y: nul }),
      ],
    },
    { flush: '*' },
    { compactFiles: 'write', from: 0, to: 6 },
    { compactFiles: 'default', from: 0, to: 6 },
    {
      start: T(20),
      commit: T(20, 1),
      note: 'enum/set/bit, JSON, vectors',
      ops: [
        rowid(enums, 1, 'e1', { e: ['a', 'a'], s: ['x,z', 'x,z'], b1: cell(1n, hexCell('01')), b12: cell(0xabcn, hexCell('0abc')), b64: cell((1n << 64n) - 1n, hexCell('ffffffffffffffff')) }),
        rowid(enums, 2, 'e2', { e: [0, ''], s: [0, ''], b1: cell(0n, hexCell('00')), b12: cell(0n, hexCell('0000')), b64: cell(1n, hexCell('0000000000000001')) }),
        rowid(enums, 3, 'e3', { e: ['c', 'c'], s: [7, 'x,y,z'], b1: nul, b12: cell(0xfffn, hexCell('0fff')), b64: cell(1n << 63n, hexCell('8000000000000000')) }),
        rowid(enums, 4, 'e4', { e: nul, s: nul, b1: nul, b12: nul, b64: nul }),
        js(1, '{"b":[1,{"c":null}],"a":{"x":true}}', '{"a": {"x": true}, "b": [1, {"c": null}]}'),
        js(2, '"quote \\" backslash \\\\ newline \\n tab \\t"', '"quote \\" backslash \\\\ newline \\n tab \\t"'),
        js(3, '"café \\u0001"', '"café \\u0001"'),
        js(4, '[1.5,-0.25,3.0,100.125]', '[1.5, -0.25, 3.0, 100.125]'),
        js(5, '{"big":9223372036854775807,"neg":-9223372036854775808,"u":18446744073709551615}', '{"big": 9223372036854775807, "neg": -9223372036854775808, "u": 18446744073709551615}'),
        js(6, 'true', 'true'),
        js(7, 'null', 'null'), // JSON null, not SQL NULL
        js(8, '[]', '[]'),
        js(9, '{}', '{}'),
        js(10, '{"b":1,"aa":2,"a":3}', '{"a": 3, "aa": 2, "b": 1}'), // keys sorted bytewise
        js(11, null, null),
        rowid(vectors, 1, 'v1', { v3: [[1, 2, 3], '[1,2,3]'], vd: [[], '[]'] }),
        rowid(vectors, 2, 'v2', { v3: [[1.1, -2.5, 0], '[1.1,-2.5,0]'], vd: [[0.5], '[0.5]'] }),
        rowid(vectors, 3, 'v3', { v3: nul, vd: nul }),
      ],
    },
    {
      start: T(21),
      commit: T(21, 1),
      note: 'old-layout rows for schema evolution; row v1; large ids; checksums; partitions; catalog tables',
      ops: [
        { op: 'put', label: 'add1', ref: { table: addedV1 }, values: { id: int(1), a: same('old one'), c: [ABSENT, '5'], d: [ABSENT, null] } },
        { op: 'put', label: 'add2', ref: { table: addedV1 }, values: { id: int(2), a: nul, c: [ABSENT, '5'], d: [ABSENT, null] } },
        rowid(droppedV1, 1, 'dc1', { a: int(1), b: [ABSENT, null], c: int(10) }),
        // dc2 has column b (id 2) stored; b is dropped later, so it must not appear.
        { op: 'put', label: 'dc2', ref: { table: droppedV1, rowid: 2 }, values: { a: int(2), b: same('dropped'), c: int(20) } },
        {
          op: 'put',
          label: 'v1-a',
          ref: { table: v1rows },
          values: {
            id: int(1),
            name: same('v1 row'),
            price: ['12.5', '12.500'],
            at: same('2020-05-06 07:08:09.12'),
            dur: same('10:11:12.3'),
            f: [2.5, '2.5'],
            e: ['y', 'y'],
            j: ['{"v":1}', '{"v": 1}'],
            bt: cell(255n, hexCell('ff')),
            u: [4294967295, '4294967295'],
          },
        },
        { op: 'put', label: 'v1-neg', ref: { table: v1rows }, values: { id: int(-7), name: nul, price: nul, at: nul, dur: nul, f: nul, e: nul, j: nul, bt: nul, u: nul } },
        rowid(large, 1, 'lg1', { a: int(1), z: same('col id 300') }),
        rowid(large, 2, 'lg2', { a: nul, z: same('') }),
        rowid(checksummed, 1, 'ck1', { a: int(1), b: same('sum') }),
        rowid(checksummed, 2, 'ck2', { a: nul, b: same('x') }),
        pr(prange, 'p0', 1, 'one'),
        pr(prange, 'p0', 9, 'nine'),
        pr(prange, 'p1', 10, 'ten'),
        pr(prange, 'p2', 25, 'twenty-five'),
        pr(prange, 'p2', 1000, 'thousand'),
        pr(phash, 'p0', 3, 'three'),
        pr(phash, 'p0', 6, 'six'),
        pr(phash, 'p1', 1, 'one'),
        pr(phash, 'p1', 4, 'four'),
        pr(phash, 'p2', 2, 'two'),
        rowid(trOld, 1, 'tr-old-1', { v: same('before truncate') }),
        rowid(trOld, 2, 'tr-old-2', { v: same('before truncate 2') }),
        rowid(gone, 1, 'gone-1', { v: same('dropped table row') }),
        { op: 'put', label: 'wide-1', ref: { table: wide }, values: { id: int(1), ...Object.fromEntries(wide.cols.slice(1).map((c, i) => [c.name, same(`v${i}`)])) } },
        rowid(notes, 1, 'note-1', { 内容: same('ok') }),
        rowid(nonpublic, 1, 'np1', { a: int(1), b: [11, null], _V$_idx_a_0: ['x1', null] }),
        rowid(nonpublic, 2, 'np2', { a: nul, b: [22, null], _V$_idx_a_0: ['x2', null] }),
        rowid(movedOld, 1, 'moved-1', { v: same('moved row') }),
      ],
    },
    { flush: '*' },
    { compactFiles: 'write', from: 0, to: 4 },
    {
      start: T(30),
      commit: T(30, 1),
      note: 'DDL: ADD COLUMN c, d; DROP COLUMN b; TRUNCATE tr (340 -> 342); DROP TABLE gone; RENAME catalog.moved TO parts.moved2',
      ops: [
        { op: 'alterTable', db: dbEvo, table: addedV2 },
        { op: 'alterTable', db: dbEvo, table: droppedV2 },
        { op: 'dropTable', db: dbCat, table: trOld },
        { op: 'createTable', db: dbCat, table: trNew },
        { op: 'dropTable', db: dbCat, table: gone },
        { op: 'dropTable', db: dbCat, table: movedOld },
        { op: 'createTable', db: dbParts, table: movedNew },
      ],
    },
    { flush: '*' },
    { comment: 'from here on: WAL only' },
    {
      start: T(40),
      commit: T(40, 1),
      note: 'rows written after the DDL (WAL only)',
      ops: [
        { op: 'put', label: 'add3', ref: { table: addedV2 }, values: { id: int(3), a: same('new'), c: int(9), d: same('dd') } },
        { op: 'put', label: 'add4', ref: { table: addedV2 }, values: { id: int(4), a: same('new null'), c: nul, d: nul } },
        rowid(droppedV2, 3, 'dc3', { a: int(3), c: int(30), b: [ABSENT, null] }),
        rowid(trNew, 1, 'tr-new-1', { v: same('after truncate') }),
      ],
    },
  ],
  notes: [
    'DB ids 1, 10, 11, 100 make DB:1 a text prefix of DB:10/DB:11/DB:100; DB 200 has a 60-character name (DBInfo > 255 bytes, default CF).',
    'evolution.added: rows 1-2 predate ADD COLUMN c/d: c reads origin_default "5" (not default "7"), d reads NULL.',
    'evolution.dropped_col: row 2 still stores dropped column id 2; it must be ignored.',
    'evolution.row_v1 uses row format v1; evolution.large_ids has a column id 300 (row v2 large layout); types.strings row 3 has a 66000-byte TEXT (large layout by size).',
    'evolution.checksummed rows carry a row-v2 checksum trailer (flag 0x02; placeholder CRC32 value, readers should skip it).',
    'BIT cells are the big-endian bytes of length (flen+7)/8, as hex. BINARY/VARBINARY/BLOB cells are hex.',
    'catalog: table 340 (truncated) and 344 (dropped) still have rows; they are listed in droppedTables and must not be exported.',
    'catalog.moved (id 352) was renamed to parts.moved2: list it once, under parts.',
    'evolution.nonpublic: column b (state 3) and hidden column _V$_idx_a_0 are stored in rows but are not output columns.',
    'Legacy hash-meta keys (m + mc(DBs) + u64BE(H)) exist in the meta range and must be ignored.',
  ],
};
