// CREATE TABLE / CREATE DATABASE rebuilt from schema JSON. Expected texts are written by hand
// from the JSON and TiDB's SHOW CREATE TABLE rules (pkg/executor/show.go, FieldType.CompactStr);
// warehouse and order_line are also byte-identical to real TiDB output found in public BR test
// data (files starting `/*from(br)*/CREATE TABLE \`warehouse\``, `… \`order_line\``, in the
// stored GitHub index), i.e. ground truth produced by TiDB itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { parseDbInfo, parseTableInfo } from '../../src/tidb/table-info-parse.js';
import { createDatabaseSql, createTableSql, showCreateDatabase, tableSchemaFileSql } from '../../src/tidb/create-table.js';
import { TypeCode as T, Flag as F } from '../../src/tidb/table-info.js';
import { dbJson, tableJson } from './support/catalog-json.js';

const root = new URL('../../fixtures/realdata/tableinfo/', import.meta.url);
const tpcc = (f: string): ReturnType<typeof parseTableInfo> =>
  parseTableInfo(readFileSync(new URL(`tidb-7.1-tpcc-backupmeta/${f}`, root)));

test('warehouse (pk_is_handle int PK, clustered)', () => {
  assert.equal(
    createTableSql(tpcc('table-139-warehouse.json')),
    'CREATE TABLE `warehouse` (\n' +
      '  `w_id` int(11) NOT NULL,\n' +
      '  `w_name` varchar(10) DEFAULT NULL,\n' +
      '  `w_street_1` varchar(20) DEFAULT NULL,\n' +
      '  `w_street_2` varchar(20) DEFAULT NULL,\n' +
      '  `w_city` varchar(20) DEFAULT NULL,\n' +
      '  `w_state` char(2) DEFAULT NULL,\n' +
      '  `w_zip` char(9) DEFAULT NULL,\n' +
      '  `w_tax` decimal(4,4) DEFAULT NULL,\n' +
      '  `w_ytd` decimal(12,2) DEFAULT NULL,\n' +
      '  PRIMARY KEY (`w_id`) /*T![clustered_index] CLUSTERED */\n' +
      ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
  );
});

test('order_line (composite non-clustered PK)', () => {
  assert.equal(
    createTableSql(tpcc('table-133-order_line.json')),
    'CREATE TABLE `order_line` (\n' +
      '  `ol_o_id` int(11) NOT NULL,\n' +
      '  `ol_d_id` int(11) NOT NULL,\n' +
      '  `ol_w_id` int(11) NOT NULL,\n' +
      '  `ol_number` int(11) NOT NULL,\n' +
      '  `ol_i_id` int(11) NOT NULL,\n' +
      '  `ol_supply_w_id` int(11) DEFAULT NULL,\n' +
      '  `ol_delivery_d` datetime DEFAULT NULL,\n' +
      '  `ol_quantity` int(11) DEFAULT NULL,\n' +
      '  `ol_amount` decimal(6,2) DEFAULT NULL,\n' +
      '  `ol_dist_info` char(24) DEFAULT NULL,\n' +
      '  PRIMARY KEY (`ol_w_id`,`ol_d_id`,`ol_o_id`,`ol_number`) /*T![clustered_index] NONCLUSTERED */\n' +
      ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
  );
});

test('customer (non-clustered PK + secondary key)', () => {
  assert.equal(
    createTableSql(tpcc('table-123-customer.json')),
    'CREATE TABLE `customer` (\n' +
      '  `c_id` int(11) NOT NULL,\n' +
      '  `c_d_id` int(11) NOT NULL,\n' +
      '  `c_w_id` int(11) NOT NULL,\n' +
      '  `c_first` varchar(16) DEFAULT NULL,\n' +
      '  `c_middle` char(2) DEFAULT NULL,\n' +
      '  `c_last` varchar(16) DEFAULT NULL,\n' +
      '  `c_street_1` varchar(20) DEFAULT NULL,\n' +
      '  `c_street_2` varchar(20) DEFAULT NULL,\n' +
      '  `c_city` varchar(20) DEFAULT NULL,\n' +
      '  `c_state` char(2) DEFAULT NULL,\n' +
      '  `c_zip` char(9) DEFAULT NULL,\n' +
      '  `c_phone` char(16) DEFAULT NULL,\n' +
      '  `c_since` datetime DEFAULT NULL,\n' +
      '  `c_credit` char(2) DEFAULT NULL,\n' +
      '  `c_credit_lim` decimal(12,2) DEFAULT NULL,\n' +
      '  `c_discount` decimal(4,4) DEFAULT NULL,\n' +
      '  `c_balance` decimal(12,2) DEFAULT NULL,\n' +
      '  `c_ytd_payment` decimal(12,2) DEFAULT NULL,\n' +
      '  `c_payment_cnt` int(11) DEFAULT NULL,\n' +
      '  `c_delivery_cnt` int(11) DEFAULT NULL,\n' +
      '  `c_data` varchar(500) DEFAULT NULL,\n' +
      '  PRIMARY KEY (`c_w_id`,`c_d_id`,`c_id`) /*T![clustered_index] NONCLUSTERED */,\n' +
      '  KEY `idx_customer` (`c_w_id`,`c_d_id`,`c_last`,`c_first`)\n' +
      ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
  );
});

test('history (no PK, two secondary keys) and the v2 one-column tables', () => {
  const h = createTableSql(tpcc('table-127-history.json'));
  assert.ok(h.includes('  `h_amount` decimal(6,2) DEFAULT NULL,\n'));
  assert.ok(h.endsWith('  KEY `idx_h_w_id` (`h_w_id`),\n  KEY `idx_h_c_w_id` (`h_c_w_id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin'));
  assert.ok(!h.includes('PRIMARY KEY'));
  const t = parseTableInfo(readFileSync(new URL('tidb-7.1-v2-backupmeta/table-643-test252.json', root)));
  assert.equal(
    createTableSql(t),
    'CREATE TABLE `test252` (\n  `key` int(11) NOT NULL,\n  PRIMARY KEY (`key`) /*T![clustered_index] CLUSTERED */\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
  );
});

test('every real TableInfo yields a CREATE TABLE with one line per column', () => {
  let n = 0;
  for (const dir of readdirSync(root, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const f of readdirSync(new URL(`${dir.name}/`, root))) {
      if (!f.startsWith('table-')) continue;
      const t = parseTableInfo(readFileSync(new URL(`${dir.name}/${f}`, root)));
      const sql = createTableSql(t);
      assert.ok(sql.startsWith(`CREATE TABLE \`${t.name.O}\` (\n`), f);
      for (const c of t.cols) assert.ok(sql.includes(`\n  \`${c.name.O}\` `), `${f}: ${c.name.O}`);
      n++;
    }
  }
  assert.equal(n, 11);
});

test('CREATE DATABASE as Dumpling writes {db}-schema-create.sql', () => {
  const db = parseDbInfo(readFileSync(new URL('tidb-7.1-tpcc-backupmeta/db-82-tpcc.json', root)));
  assert.equal(createDatabaseSql(db), '/*!40101 SET NAMES binary*/;\nCREATE DATABASE `tpcc` /*!40100 DEFAULT CHARACTER SET utf8mb4 */;\n');
  const ci = parseDbInfo(JSON.stringify(dbJson(3, 'My`Db', { collate: 'utf8mb4_general_ci' })));
  assert.equal(showCreateDatabase(ci), 'CREATE DATABASE `My``Db` /*!40100 DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci */');
  const none = parseDbInfo(JSON.stringify(dbJson(4, 'x', { charset: '', collate: '' })));
  assert.equal(showCreateDatabase(none), 'CREATE DATABASE `x`');
});

test('column features: unsigned/zerofill, charset/collate, enum, bit default, timestamps, generated, binary types, keys', () => {
  // CREATE TABLE `we``ird` (a bigint unsigned AUTO_INCREMENT PRIMARY KEY, b tinyint(3) unsigned zerofill
  //  DEFAULT 7, c varchar(32) CHARACTER SET latin1 COLLATE latin1_bin NOT NULL DEFAULT 'it''s',
  //  d enum('x','y''z') DEFAULT 'x', e bit(5) DEFAULT b'101', f timestamp(3) NULL DEFAULT
  //  CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), g int AS (`a` + 1), h varbinary(16),
  //  i blob, j text COLLATE utf8mb4_general_ci COMMENT 'multi\nline', k double, l float(7,3),
  //  m datetime(6) NOT NULL, n json, UNIQUE KEY uk (c(10), d), KEY idx_inv (h) INVISIBLE
  //  COMMENT 'hid''den', KEY ex ((lower(`c`)))) COMMENT 'tbl''s\\x'
  const t = parseTableInfo(
    JSON.stringify(
      tableJson({
        id: 70,
        name: 'we`ird',
        pkIsHandle: true,
        comment: "tbl's\\x",
        cols: [
          { name: 'a', tp: T.Longlong, flen: 20, flag: F.NotNull | F.PriKey | F.Unsigned | F.AutoIncrement },
          { name: 'b', tp: T.Tiny, flen: 3, flag: F.Unsigned | F.Zerofill, default: '7' },
          { name: 'c', tp: T.Varchar, flen: 32, charset: 'latin1', collate: 'latin1_bin', flag: F.NotNull | F.UniqueKey, default: "it's" },
          { name: 'd', tp: T.Enum, flen: 3, charset: 'utf8mb4', collate: 'utf8mb4_bin', elems: ['x', "y'z"], default: 'x' },
          { name: 'e', tp: T.Bit, flen: 5, flag: F.Unsigned, default: '\u0005', defaultBit: 'BQ==' },
          { name: 'f', tp: T.Timestamp, flen: 23, decimal: 3, flag: F.OnUpdateNow, default: 'CURRENT_TIMESTAMP' },
          { name: 'g', tp: T.Long, flen: 11, flag: F.GeneratedColumn, generated: '`a` + 1' },
          { name: 'h', tp: T.Varchar, flen: 16, flag: F.Binary | F.MultipleKey },
          { name: 'i', tp: T.Blob, flen: 65535, flag: F.Binary | F.Blob },
          { name: 'j', tp: T.Blob, flen: 65535, charset: 'utf8mb4', collate: 'utf8mb4_general_ci', flag: F.Blob, comment: 'multi\nline' },
          { name: 'k', tp: T.Double, flen: 22, decimal: -1 },
          { name: 'l', tp: T.Float, flen: 7, decimal: 3 },
          { name: 'm', tp: T.Datetime, flen: 26, decimal: 6, flag: F.NotNull | F.NoDefaultValue },
          { name: 'n', tp: T.JSON, flen: 4294967295, flag: F.Binary },
          { name: '_V$_ex_0', tp: T.Varchar, flen: 32, charset: 'latin1', collate: 'latin1_bin', generated: 'lower(`c`)', hidden: true },
        ],
        indexes: [
          { name: 'uk', unique: true, cols: [['c', 10], ['d', -1]] },
          { name: 'idx_inv', invisible: true, comment: "hid'den", cols: [['h', -1]] },
          { name: 'ex', cols: [['_V$_ex_0', -1]] },
          { name: 'being_added', state: 3, cols: [['b', -1]] },
        ],
      }),
    ),
  );
  assert.equal(
    createTableSql(t, { autoIncrement: 30001 }),
    'CREATE TABLE `we``ird` (\n' +
      '  `a` bigint(20) unsigned NOT NULL AUTO_INCREMENT,\n' +
      "  `b` tinyint(3) unsigned zerofill DEFAULT '7',\n" +
      "  `c` varchar(32) CHARACTER SET latin1 COLLATE latin1_bin NOT NULL DEFAULT 'it''s',\n" +
      "  `d` enum('x','y''z') DEFAULT 'x',\n" +
      "  `e` bit(5) DEFAULT b'101',\n" +
      '  `f` timestamp(3) DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),\n' +
      '  `g` int(11) GENERATED ALWAYS AS (`a` + 1) VIRTUAL,\n' +
      '  `h` varbinary(16) DEFAULT NULL,\n' +
      '  `i` blob DEFAULT NULL,\n' +
      "  `j` text COLLATE utf8mb4_general_ci DEFAULT NULL COMMENT 'multi\\nline',\n" +
      '  `k` double DEFAULT NULL,\n' +
      '  `l` float(7,3) DEFAULT NULL,\n' +
      '  `m` datetime(6) NOT NULL,\n' +
      '  `n` json DEFAULT NULL,\n' +
      '  PRIMARY KEY (`a`) /*T![clustered_index] CLUSTERED */,\n' +
      '  UNIQUE KEY `uk` (`c`(10),`d`),\n' +
      "  KEY `idx_inv` (`h`) /*!80000 INVISIBLE */ COMMENT 'hid''den',\n" +
      '  KEY `ex` ((lower(`c`)))\n' +
      ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin AUTO_INCREMENT=30001 COMMENT='tbl''s\\\\x'",
  );
  // AUTO_INCREMENT is omitted when not known or <= 1 (MySQL compatibility).
  assert.ok(!createTableSql(t).includes('AUTO_INCREMENT='));
  assert.ok(!createTableSql(t, { autoIncrement: 1 }).includes('AUTO_INCREMENT='));
});

test('timestamp NULL default, DEFAULT expressions, clustered common handle, binary table charset', () => {
  // CREATE TABLE c (k varchar(10) PRIMARY KEY CLUSTERED, t timestamp NULL, u char(4) DEFAULT (uuid()),
  //   w binary(4) DEFAULT 'ab') DEFAULT CHARSET=binary
  const t = parseTableInfo(
    JSON.stringify(
      tableJson({
        id: 71,
        name: 'c',
        commonHandle: true,
        charset: 'binary',
        collate: 'binary',
        cols: [
          { name: 'k', tp: T.Varchar, flen: 10, charset: 'binary', collate: 'binary', flag: F.NotNull | F.PriKey | F.NoDefaultValue | F.Binary },
          { name: 't', tp: T.Timestamp, flen: 19 },
          { name: 'u', tp: T.String, flen: 4, charset: 'binary', flag: F.Binary, default: 'uuid()', defaultIsExpr: true },
          { name: 'w', tp: T.String, flen: 4, charset: 'binary', flag: F.Binary, default: 'ab' },
        ],
        indexes: [{ name: 'PRIMARY', primary: true, cols: [['k', -1]] }],
      }),
    ),
  );
  assert.equal(
    createTableSql(t),
    'CREATE TABLE `c` (\n' +
      '  `k` varbinary(10) NOT NULL,\n' +
      '  `t` timestamp NULL DEFAULT NULL,\n' +
      '  `u` binary(4) DEFAULT uuid(),\n' +
      "  `w` binary(4) DEFAULT 'ab',\n" +
      '  PRIMARY KEY (`k`) /*T![clustered_index] CLUSTERED */\n' +
      ') ENGINE=InnoDB DEFAULT CHARSET=binary',
  );
});

test('partition clauses: RANGE, default HASH, LIST COLUMNS', () => {
  const base = { cols: [{ name: 'id', tp: T.Long, flen: 11 }, { name: 'c', tp: T.Varchar, flen: 5, charset: 'utf8mb4', collate: 'utf8mb4_bin' }] };
  const range = parseTableInfo(
    JSON.stringify(
      tableJson({
        id: 80,
        name: 'r',
        ...base,
        partition: {
          type: 1,
          expr: '`id`',
          columns: null,
          enable: true,
          definitions: [
            { id: 81, name: { O: 'p0', L: 'p0' }, less_than: ['100'], in_values: null, comment: '' },
            { id: 82, name: { O: 'pMax', L: 'pmax' }, less_than: ['MAXVALUE'], in_values: null, comment: "it's" },
          ],
          num: 0,
        },
      }),
    ),
  );
  assert.ok(
    createTableSql(range).endsWith(
      ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin\nPARTITION BY RANGE (`id`)\n' +
        "(PARTITION `p0` VALUES LESS THAN (100),\n PARTITION `pMax` VALUES LESS THAN (MAXVALUE) COMMENT 'it''s')",
    ),
  );
  const hash = parseTableInfo(
    JSON.stringify(
      tableJson({
        id: 83,
        name: 'h',
        ...base,
        partition: {
          type: 2,
          expr: '`id`',
          columns: null,
          enable: true,
          definitions: [0, 1, 2].map((i) => ({ id: 84 + i, name: { O: `p${i}`, L: `p${i}` }, less_than: null, in_values: null })),
          num: 3,
        },
      }),
    ),
  );
  assert.ok(createTableSql(hash).endsWith('COLLATE=utf8mb4_bin\nPARTITION BY HASH (`id`) PARTITIONS 3'));
  const list = parseTableInfo(
    JSON.stringify(
      tableJson({
        id: 90,
        name: 'l',
        ...base,
        partition: {
          type: 3,
          expr: '',
          columns: [{ O: 'c', L: 'c' }],
          enable: true,
          definitions: [
            { id: 91, name: { O: 'pa', L: 'pa' }, less_than: null, in_values: [["'a'"], ["'b'"]] },
            { id: 92, name: { O: 'pb', L: 'pb' }, less_than: null, in_values: [["'c'"]] },
          ],
        },
      }),
    ),
  );
  assert.ok(createTableSql(list).endsWith("\nPARTITION BY LIST COLUMNS(`c`)\n(PARTITION `pa` VALUES IN ('a','b'),\n PARTITION `pb` VALUES IN ('c'))"));
});

test('views and sequences are not tables; schema file wrapper', () => {
  const v = parseTableInfo(JSON.stringify(tableJson({ id: 95, name: 'v', cols: [], view: { view_select: 'SELECT 1' } })));
  assert.throws(() => createTableSql(v), /view/);
  const s = parseTableInfo(JSON.stringify(tableJson({ id: 96, name: 's', cols: [], sequence: { start: 1 } })));
  assert.throws(() => createTableSql(s), /sequence/);
  const w = tpcc('table-139-warehouse.json');
  assert.equal(tableSchemaFileSql(w), `/*!40014 SET FOREIGN_KEY_CHECKS=0*/;\n/*!40101 SET NAMES binary*/;\n${createTableSql(w)};\n`);
});

test('non-public columns (ADD/MODIFY COLUMN in flight) are not shown; pk_is_handle PK printed once', () => {
  const t = parseTableInfo(
    JSON.stringify(
      tableJson({
        id: 97,
        name: 'ddl',
        pkIsHandle: true,
        cols: [
          { name: 'id', tp: T.Long, flen: 11, flag: F.NotNull | F.PriKey },
          { name: 'adding', tp: T.Long, flen: 11, state: 3 },
          { name: '_Col$_v_0', tp: T.Longlong, flen: 20, state: 1 },
          { name: 'v', tp: T.Long, flen: 11 },
        ],
        indexes: [{ name: 'PRIMARY', primary: true, cols: [['id', -1]] }],
      }),
    ),
  );
  assert.equal(
    createTableSql(t),
    'CREATE TABLE `ddl` (\n' +
      '  `id` int(11) NOT NULL,\n' +
      '  `v` int(11) DEFAULT NULL,\n' +
      '  PRIMARY KEY (`id`) /*T![clustered_index] CLUSTERED */\n' +
      ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
  );
});
