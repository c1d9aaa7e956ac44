/**
 * Rebuild `SHOW CREATE TABLE` / `SHOW CREATE DATABASE` text from schema JSON, as TiDB prints it
 * (tikv-tidb-encoding.md §7.7). Dumpling writes these statements into `{db}-schema-create.sql`
 * and `{db}.{table}-schema.sql`.
 *
 * Sources: pingcap/tidb:pkg/executor/show.go (`constructResultOfShowCreateTable`,
 * `ConstructResultOfShowCreateDatabase`), pkg/ddl/partition.go (`AppendPartitionInfo`,
 * `AppendPartitionDefs`), pkg/parser/types/field_type.go (`CompactStr`, `HasCharset`),
 * pkg/parser/types/etc.go (`TypeToStr`), pkg/parser/mysql/type.go
 * (`GetDefaultFieldLengthAndDecimal`), pkg/meta/model/column.go (`GetTypeDesc`,
 * `GetDefaultValue`), pkg/types/binary_literal.go (`ToBitLiteralString`),
 * pkg/parser/charset/charset.go (default collations), dumpling/export/writer_util.go
 * (`/*!40101 SET NAMES binary*\/;` header).
 *
 * Shape (one column / key per line, two-space indent, no trailing semicolon):
 *
 *   CREATE TABLE `t` (
 *     `id` int(11) NOT NULL,
 *     `v` varchar(20) DEFAULT NULL,
 *     PRIMARY KEY (`id`) /*T![clustered_index] CLUSTERED *\/
 *   ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
 *
 * TiDB-only syntax stays inside `/*T![feature] … *\/` comments, which MySQL/MariaDB skip.
 * Deliberate differences from TiDB: string literals also escape backslashes (see sql-quote.ts);
 * TTL options and CHECK constraints are not printed (they don't affect the data).
 */
import type { ColumnInfo, DbInfo, FieldType, IndexInfo, PartitionInfo, TableInfo } from './table-info.js';
import { Flag, StatePublic, TypeCode } from './table-info.js';
import { isSequence, isView } from './table-info-parse.js';
import { quoteIdent, quoteString } from './sql-quote.js';

export interface CreateTableOptions {
  /**
   * Next AUTO_INCREMENT value (TiDB's allocator `NextGlobalAutoID` = stored base + 1); printed as
   * ` AUTO_INCREMENT=n` when the table has an AUTO_INCREMENT column and n > 1.
   */
  autoIncrement?: number | bigint;
  /** Next AUTO_RANDOM base; printed as `/*T![auto_rand_base] AUTO_RANDOM_BASE=n *\/` when n > 1. */
  autoRandomBase?: number | bigint;
  /** Current database name (lower-case match), to qualify foreign keys to other schemas. */
  dbName?: string;
  /**
   * TiDB's `deprecate-integer-display-length` (default false): when true, integer widths are
   * hidden except tinyint(1) and zerofill columns.
   */
  strictIntegerDisplayWidth?: boolean;
}

const TYPE_NAMES: Record<number, string> = {
  [TypeCode.Bit]: 'bit',
  [TypeCode.Blob]: 'text',
  [TypeCode.Date]: 'date',
  [TypeCode.Datetime]: 'datetime',
  0: 'unspecified',
  [TypeCode.NewDecimal]: 'decimal',
  [TypeCode.Double]: 'double',
  [TypeCode.Enum]: 'enum',
  [TypeCode.Float]: 'float',
  [TypeCode.Geometry]: 'geometry',
  [TypeCode.Int24]: 'mediumint',
  [TypeCode.JSON]: 'json',
  [TypeCode.Long]: 'int',
  [TypeCode.Longlong]: 'bigint',
  [TypeCode.LongBlob]: 'longtext',
  [TypeCode.MediumBlob]: 'mediumtext',
  [TypeCode.Null]: 'null',
  [TypeCode.Set]: 'set',
  [TypeCode.Short]: 'smallint',
  [TypeCode.String]: 'char',
  [TypeCode.Duration]: 'time',
  [TypeCode.Timestamp]: 'timestamp',
  [TypeCode.Tiny]: 'tinyint',
  [TypeCode.TinyBlob]: 'tinytext',
  [TypeCode.Varchar]: 'varchar',
  [TypeCode.VarString]: 'var_string',
  [TypeCode.Year]: 'year',
  [TypeCode.TiDBVectorFloat32]: 'vector',
};

/** GetDefaultFieldLengthAndDecimal: [flen, decimal]; unknown types -> [-1, -1]. */
const DEFAULT_LEN_DEC: Record<number, [number, number]> = {
  [TypeCode.Bit]: [1, 0],
  [TypeCode.Tiny]: [4, 0],
  [TypeCode.Short]: [6, 0],
  [TypeCode.Int24]: [9, 0],
  [TypeCode.Long]: [11, 0],
  [TypeCode.Longlong]: [20, 0],
  [TypeCode.Date]: [10, 0],
  [TypeCode.Datetime]: [19, 0],
  [TypeCode.Duration]: [10, 0],
  [TypeCode.Timestamp]: [19, 0],
  [TypeCode.Float]: [12, -1],
  [TypeCode.Double]: [22, -1],
  [TypeCode.Enum]: [-1, -1],
  [TypeCode.Set]: [-1, -1],
  [TypeCode.JSON]: [4294967295, 0],
  [TypeCode.NewDecimal]: [10, 0],
  [TypeCode.Year]: [4, 0],
  [TypeCode.String]: [1, 0],
  [TypeCode.Varchar]: [5, 0],
  [TypeCode.VarString]: [5, 0],
  [TypeCode.TinyBlob]: [255, 0],
  [TypeCode.Blob]: [65535, 0],
  [TypeCode.MediumBlob]: [16777215, 0],
  [TypeCode.LongBlob]: [4294967295, 0],
  [TypeCode.Null]: [0, 0],
};

/** charset.GetDefaultCollation for the charsets TiDB supports. */
const DEFAULT_COLLATION: Record<string, string> = {
  utf8mb4: 'utf8mb4_bin',
  utf8: 'utf8_bin',
  latin1: 'latin1_bin',
  ascii: 'ascii_bin',
  binary: 'binary',
  gbk: 'gbk_chinese_ci',
  gb18030: 'gb18030_chinese_ci',
};

const isBlobType = (tp: number): boolean =>
  tp === TypeCode.TinyBlob || tp === TypeCode.MediumBlob || tp === TypeCode.Blob || tp === TypeCode.LongBlob;
const isCharType = (tp: number): boolean => tp === TypeCode.String || tp === TypeCode.Varchar;
const has = (flag: number, bit: number): boolean => (flag & bit) !== 0;

/** TypeToStr: the SQL type name; charset `binary` turns text->blob and char->binary. */
export function typeName(tp: number, charset: string): string {
  const ts = TYPE_NAMES[tp] ?? `unknown_type_${tp}`;
  if (charset !== 'binary') return ts;
  if (isBlobType(tp)) return ts.replace('text', 'blob');
  if (isCharType(tp)) return ts.replace('char', 'binary');
  return ts;
}

/** FieldType.CompactStr. */
export function compactTypeStr(ft: FieldType, strictIntegerDisplayWidth = false): string {
  const tp = ft.Tp;
  const ts = typeName(tp, ft.Charset);
  const [defaultFlen, defaultDecimal] = DEFAULT_LEN_DEC[tp] ?? [-1, -1];
  const isDecimalNotDefault = ft.Decimal !== defaultDecimal && ft.Decimal !== 0 && ft.Decimal !== -1;
  const flen = ft.Flen === -1 ? defaultFlen : ft.Flen;
  const dec = ft.Decimal === -1 ? defaultDecimal : ft.Decimal;
  const zerofill = has(ft.Flag, Flag.Zerofill);
  let suffix = '';
  switch (tp) {
    case TypeCode.Enum:
    case TypeCode.Set:
      // Elements printed with TiDB's OutputFormat escaping inside '...'.
      suffix = `(${(ft.Elems ?? []).map((e) => quoteString(e)).join(',')})`;
      break;
    case TypeCode.Timestamp:
    case TypeCode.Datetime:
    case TypeCode.Duration:
      if (isDecimalNotDefault) suffix = `(${dec})`;
      break;
    case TypeCode.Double:
    case TypeCode.Float:
      if (isDecimalNotDefault) suffix = `(${flen},${dec})`;
      break;
    case TypeCode.NewDecimal:
      suffix = `(${flen},${dec})`;
      break;
    case TypeCode.Bit:
    case TypeCode.Varchar:
    case TypeCode.String:
    case TypeCode.VarString:
      suffix = `(${flen})`;
      break;
    case TypeCode.Tiny:
      if (!strictIntegerDisplayWidth || zerofill || flen === 1) suffix = `(${flen})`;
      break;
    case TypeCode.Short:
    case TypeCode.Int24:
    case TypeCode.Long:
    case TypeCode.Longlong:
      if (!strictIntegerDisplayWidth || zerofill) suffix = `(${flen})`;
      break;
    case TypeCode.Year:
      suffix = `(${ft.Flen})`;
      break;
    case TypeCode.TiDBVectorFloat32:
      if (ft.Flen !== -1) suffix = `(${ft.Flen})`;
      break;
    case TypeCode.Null:
      suffix = '(0)';
      break;
  }
  return ts + suffix;
}

/** ColumnInfo.GetTypeDesc: CompactStr + " unsigned" / " zerofill". */
export function columnTypeDesc(col: ColumnInfo, strictIntegerDisplayWidth = false): string {
  const ft = col.type;
  let desc = compactTypeStr(ft, strictIntegerDisplayWidth);
  if (has(ft.Flag, Flag.Unsigned) && ft.Tp !== TypeCode.Bit && ft.Tp !== TypeCode.Year) desc += ' unsigned';
  if (has(ft.Flag, Flag.Zerofill) && ft.Tp !== TypeCode.Year) desc += ' zerofill';
  return desc;
}

/** HasCharset: char-like columns without the BINARY flag, and enum/set. */
function hasCharset(ft: FieldType): boolean {
  switch (ft.Tp) {
    case TypeCode.Varchar:
    case TypeCode.String:
    case TypeCode.VarString:
    case TypeCode.Blob:
    case TypeCode.TinyBlob:
    case TypeCode.MediumBlob:
    case TypeCode.LongBlob:
      return !has(ft.Flag, Flag.Binary);
    case TypeCode.Enum:
    case TypeCode.Set:
      return true;
    default:
      return false;
  }
}

/** BinaryLiteral.ToBitLiteralString(trimLeadingZero=true): b'101'. */
export function bitLiteral(bytes: Uint8Array): string {
  if (bytes.length === 0) return "b''";
  let bits = '';
  for (const b of bytes) bits += b.toString(2).padStart(8, '0');
  bits = bits.replace(/^0+/, '');
  return `b'${bits === '' ? '0' : bits}'`;
}

function defaultText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

function columnDefault(col: ColumnInfo): string {
  const ft = col.type;
  const notNull = has(ft.Flag, Flag.NotNull);
  // GetDefaultValue: a BIT column's default lives in default_bit (base64 of the bytes).
  let value: unknown = col.default;
  let bitBytes: Uint8Array | undefined;
  if (ft.Tp === TypeCode.Bit && typeof col.default_bit === 'string') {
    bitBytes = new Uint8Array(Buffer.from(col.default_bit, 'base64'));
    value = bitBytes;
  }
  if (value === null || value === undefined) {
    if (notNull) return '';
    return (ft.Tp === TypeCode.Timestamp ? ' NULL' : '') + ' DEFAULT NULL';
  }
  if (value === 'CURRENT_TIMESTAMP') return ' DEFAULT CURRENT_TIMESTAMP' + (ft.Decimal > 0 ? `(${ft.Decimal})` : '');
  if (ft.Tp === TypeCode.Bit) {
    return ' DEFAULT ' + bitLiteral(bitBytes ?? new TextEncoder().encode(defaultText(value)));
  }
  const s = defaultText(value);
  if (col.default_is_expr === true) return ` DEFAULT ${s}`;
  // TIMESTAMP defaults are stored in UTC (column version >= 1); printed as stored, i.e. for a
  // session in time zone +00:00 (what a dump restores with).
  return ` DEFAULT ${quoteString(s)}`;
}

function autoRandomClause(t: TableInfo, col: ColumnInfo): string {
  const bits = typeof t['auto_random_bits'] === 'number' ? t['auto_random_bits'] : 0;
  if (!t.pk_is_handle || bits === 0 || !has(col.type.Flag, Flag.PriKey)) return '';
  const range = typeof t['auto_random_range_bits'] === 'number' ? t['auto_random_range_bits'] : 0;
  if (range === 0 || range === 64) return ` /*T![auto_rand] AUTO_RANDOM(${bits}) */`;
  return ` /*T![auto_rand] AUTO_RANDOM(${bits}, ${range}) */`;
}

function columnLine(t: TableInfo, col: ColumnInfo, tblCharset: string, tblCollate: string, strict: boolean): string {
  const ft = col.type;
  let s = `  ${quoteIdent(col.name.O)} ${columnTypeDesc(col, strict)}`;
  // (Very old metadata may carry an empty charset/collate: print nothing rather than broken SQL.)
  if (hasCharset(ft)) {
    if (ft.Charset !== tblCharset && ft.Charset !== '') s += ` CHARACTER SET ${ft.Charset}`;
    if (ft.Collate === '') {
      // nothing to say
    } else if (ft.Collate !== tblCollate) s += ` COLLATE ${ft.Collate}`;
    else {
      const dc = DEFAULT_COLLATION[ft.Charset];
      if (dc !== undefined && dc !== ft.Collate) s += ` COLLATE ${ft.Collate}`;
    }
  }
  const generated = col.generated_expr_string !== '';
  if (generated) s += ` GENERATED ALWAYS AS (${col.generated_expr_string}) ${col.generated_stored ? 'STORED' : 'VIRTUAL'}`;
  if (has(ft.Flag, Flag.AutoIncrement)) {
    s += ' NOT NULL AUTO_INCREMENT';
  } else {
    if (has(ft.Flag, Flag.NotNull)) s += ' NOT NULL';
    if (!has(ft.Flag, Flag.NoDefaultValue) && !generated) s += columnDefault(col);
    if (has(ft.Flag, Flag.OnUpdateNow)) s += ' ON UPDATE CURRENT_TIMESTAMP' + (ft.Decimal > 0 ? `(${ft.Decimal})` : '');
  }
  s += autoRandomClause(t, col);
  if (col.comment !== '') s += ` COMMENT ${quoteString(col.comment)}`;
  return s;
}

function indexLine(t: TableInfo, idx: IndexInfo): string {
  let s: string;
  if (idx.is_primary) s = '  PRIMARY KEY ';
  else if (idx.is_unique) s = `  UNIQUE KEY ${quoteIdent(idx.idx_name.O)} `;
  else s = `  KEY ${quoteIdent(idx.idx_name.O)} `;
  const cols = idx.idx_cols.map((c) => {
    const col = t.cols[c.offset];
    if (col !== undefined && col.hidden) return `(${col.generated_expr_string})`;
    return quoteIdent(c.name.O) + (c.length !== -1 ? `(${c.length})` : '');
  });
  s += `(${cols.join(',')})`;
  if (idx.is_invisible === true) s += ' /*!80000 INVISIBLE */';
  if (idx.comment !== '') s += ` COMMENT ${quoteString(idx.comment)}`;
  if (idx.is_primary) {
    s += t.pk_is_handle || t.is_common_handle ? ' /*T![clustered_index] CLUSTERED */' : ' /*T![clustered_index] NONCLUSTERED */';
  }
  if (idx.is_global === true) s += ' /*T![global_index] GLOBAL */';
  return s;
}

const REFER_OPTION = ['', 'RESTRICT', 'CASCADE', 'SET NULL', 'NO ACTION', 'SET DEFAULT'];

interface FkJson {
  fk_name?: { O?: string };
  ref_schema?: { O?: string; L?: string };
  ref_table?: { O?: string };
  ref_cols?: { O?: string }[];
  cols?: { O?: string }[];
  on_delete?: number;
  on_update?: number;
  version?: number;
}

function foreignKeys(t: TableInfo, dbName: string | undefined): string {
  const fks = t['fk_info'];
  if (!Array.isArray(fks)) return '';
  let s = '';
  for (const fkRaw of fks as unknown[]) {
    if (typeof fkRaw !== 'object' || fkRaw === null) continue;
    const fk = fkRaw as FkJson;
    const names = (xs: { O?: string }[] | undefined): string => (xs ?? []).map((x) => quoteIdent(x.O ?? '')).join(',');
    s += `,\n  CONSTRAINT ${quoteIdent(fk.fk_name?.O ?? '')} FOREIGN KEY (${names(fk.cols)})`;
    const refSchemaL = fk.ref_schema?.L ?? '';
    const refTable = quoteIdent(fk.ref_table?.O ?? '');
    if (refSchemaL !== '' && dbName !== undefined && refSchemaL !== dbName.toLowerCase()) {
      s += ` REFERENCES ${quoteIdent(fk.ref_schema?.O ?? '')}.${refTable} `;
    } else s += ` REFERENCES ${refTable} `;
    s += `(${names(fk.ref_cols)})`;
    const del = REFER_OPTION[fk.on_delete ?? 0] ?? '';
    const upd = REFER_OPTION[fk.on_update ?? 0] ?? '';
    if (del !== '') s += ` ON DELETE ${del}`;
    if (upd !== '') s += ` ON UPDATE ${upd}`;
    if ((fk.version ?? 0) < 1) s += ' /* FOREIGN KEY INVALID */';
  }
  return s;
}

const PARTITION_TYPE = ['', 'RANGE', 'HASH', 'LIST', 'KEY', 'SYSTEM_TIME'];

/** ddl.hexIfNonPrint: a bound containing non-printable characters is printed as 0x… hex. */
function hexIfNonPrint(s: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[\u0000-\u001f\u007f-\u009f]/u.test(s)) return s;
  const inner = s.length >= 2 && s.startsWith("'") && s.endsWith("'") ? s.slice(1, -1) : s;
  return '0x' + Buffer.from(inner, 'utf8').toString('hex');
}

function policyName(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const n = (v as { name?: { O?: unknown } }).name?.O;
  return typeof n === 'string' ? n : undefined;
}

/** AppendPartitionInfo / AppendPartitionDefs. */
export function partitionClause(p: PartitionInfo | null): string {
  if (p === null) return '';
  const type = PARTITION_TYPE[p.type] ?? `UNKNOWN_${p.type}`;
  const cols = (p.columns ?? []).map((c) => quoteIdent(c.O)).join(',');
  if (p.type === 2 || p.type === 4) {
    const isDefault = p.definitions.every(
      (d, i) => d.name.O === `p${i}` && (d.comment ?? '') === '' && policyName(d.policy_ref_info) === undefined,
    );
    if (isDefault) {
      const num = p.num !== undefined && p.num > 0 ? p.num : p.definitions.length;
      if (p.type === 2) return `\nPARTITION BY HASH (${p.expr}) PARTITIONS ${num}`;
      return `\nPARTITION BY KEY (${cols}) PARTITIONS ${num}`;
    }
  }
  let s: string;
  if ((p.columns ?? []).length > 0) {
    s = p.type === 4 ? `\nPARTITION BY ${type} (${cols})\n(` : `\nPARTITION BY ${type} COLUMNS(${cols})\n(`;
  } else {
    s = `\nPARTITION BY ${type} (${p.expr})\n(`;
  }
  p.definitions.forEach((d, i) => {
    if (i > 0) s += ',\n ';
    s += `PARTITION ${quoteIdent(d.name.O)}`;
    if (p.type === 1) {
      s += ` VALUES LESS THAN (${(d.less_than ?? []).map(hexIfNonPrint).join(',')})`;
    } else if (p.type === 3) {
      const vals = (d.in_values ?? []).map((row) =>
        row.length > 1 ? `(${row.map(hexIfNonPrint).join(',')})` : row.length === 1 ? hexIfNonPrint(row[0]!) : '',
      );
      s += ` VALUES IN (${vals.join(',')})`;
    }
    if ((d.comment ?? '') !== '') s += ` COMMENT ${quoteString(d.comment ?? '')}`;
    const pol = policyName(d.policy_ref_info);
    if (pol !== undefined) s += ` /*T![placement] PLACEMENT POLICY=${quoteIdent(pol)} */`;
  });
  return s + ')';
}

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/**
 * SHOW CREATE TABLE text for a base table (no trailing semicolon). Views and sequences have no
 * rows and a different statement; they are rejected with an Error (callers skip them).
 */
export function createTableSql(t: TableInfo, opts: CreateTableOptions = {}): string {
  if (isView(t) || isSequence(t)) throw new Error(`${t.name.O} is a ${isView(t) ? 'view' : 'sequence'}, not a table`);
  const strict = opts.strictIntegerDisplayWidth ?? false;
  const tblCharset = t.charset !== '' ? t.charset : 'utf8mb4';
  const tblCollate = t.collate !== '' ? t.collate : (DEFAULT_COLLATION[tblCharset] ?? '');
  const temp = num(t['temp_table_type']);
  const head = temp === 1 ? 'CREATE GLOBAL TEMPORARY TABLE' : temp === 2 ? 'CREATE TEMPORARY TABLE' : 'CREATE TABLE';
  const lines: string[] = [];
  let pkCol: ColumnInfo | undefined;
  let hasAutoInc = false;
  for (const col of t.cols) {
    // TableInfo.Cols(): public columns only (a column being added/dropped/modified is not shown).
    if (col.hidden || col.state !== StatePublic) continue;
    lines.push(columnLine(t, col, tblCharset, tblCollate, strict));
    if (has(col.type.Flag, Flag.AutoIncrement)) hasAutoInc = true;
    if (t.pk_is_handle && has(col.type.Flag, Flag.PriKey)) pkCol = col;
  }
  if (pkCol !== undefined) lines.push(`  PRIMARY KEY (${quoteIdent(pkCol.name.O)}) /*T![clustered_index] CLUSTERED */`);
  for (const idx of t.index_info ?? []) {
    // A pk_is_handle table's PK is the column above; never print it twice.
    if (idx.state === StatePublic && !(pkCol !== undefined && idx.is_primary)) lines.push(indexLine(t, idx));
  }
  let s = `${head} ${quoteIdent(t.name.O)} (\n${lines.join(',\n')}${foreignKeys(t, opts.dbName)}\n) ENGINE=InnoDB`;
  s += tblCollate === '' || tblCollate === 'binary' ? ` DEFAULT CHARSET=${tblCharset}` : ` DEFAULT CHARSET=${tblCharset} COLLATE=${tblCollate}`;
  const compression = t['compression'];
  if (typeof compression === 'string' && compression !== '') s += ` COMPRESSION=${quoteString(compression)}`;
  if (hasAutoInc && opts.autoIncrement !== undefined && BigInt(opts.autoIncrement) > 1n) s += ` AUTO_INCREMENT=${opts.autoIncrement}`;
  const autoIdCache = num(t['auto_id_cache']);
  if (autoIdCache !== 0) s += ` /*T![auto_id_cache] AUTO_ID_CACHE=${autoIdCache} */`;
  if (opts.autoRandomBase !== undefined && BigInt(opts.autoRandomBase) > 1n) s += ` /*T![auto_rand_base] AUTO_RANDOM_BASE=${opts.autoRandomBase} */`;
  const shard = num(t['ShardRowIDBits']);
  const preSplit = num(t['pre_split_regions']);
  if (shard > 0) s += ` /*T! SHARD_ROW_ID_BITS=${shard} ${preSplit > 0 ? `PRE_SPLIT_REGIONS=${preSplit} ` : ''}*/`;
  if (num(t['auto_random_bits']) > 0 && preSplit > 0) s += ` /*T! PRE_SPLIT_REGIONS=${preSplit} */`;
  if (t.comment !== '') s += ` COMMENT=${quoteString(t.comment)}`;
  if (temp === 1) s += ' ON COMMIT DELETE ROWS';
  const pol = policyName(t['policy_ref_info']);
  if (pol !== undefined) s += ` /*T![placement] PLACEMENT POLICY=${quoteIdent(pol)} */`;
  if (num(t['cache_table_status']) === 1) s += ' /* CACHED ON */';
  s += partitionClause(t.partition);
  return s;
}

/** SHOW CREATE DATABASE text (no trailing semicolon). */
export function showCreateDatabase(db: DbInfo): string {
  let s = `CREATE DATABASE ${quoteIdent(db.db_name.O)}`;
  if (db.charset !== '') {
    s += ` /*!40100 DEFAULT CHARACTER SET ${db.charset} `;
    const dc = DEFAULT_COLLATION[db.charset];
    if (db.collate !== '' && db.collate !== dc) s += `COLLATE ${db.collate} `;
    s += '*/';
  } else if (db.collate !== '') {
    const cs = db.collate.split('_')[0] ?? '';
    s += ` /*!40100 DEFAULT CHARACTER SET ${cs} `;
    if (DEFAULT_COLLATION[cs] !== db.collate) s += `COLLATE ${db.collate} `;
    s += '*/';
  }
  const pol = policyName(db['policy_ref_info']);
  if (pol !== undefined) s += ` /*T![placement] PLACEMENT POLICY=${quoteIdent(pol)} */`;
  return s;
}

/** Dumpling's `{db}-schema-create.sql` content. */
export function createDatabaseSql(db: DbInfo): string {
  return `/*!40101 SET NAMES binary*/;\n${showCreateDatabase(db)};\n`;
}

/**
 * Dumpling's `{db}.{table}-schema.sql` content for a TiDB source (dumpling/export
 * `getSpecialComments`: FOREIGN_KEY_CHECKS first, then NAMES).
 */
export function tableSchemaFileSql(t: TableInfo, opts: CreateTableOptions = {}): string {
  return `/*!40014 SET FOREIGN_KEY_CHECKS=0*/;\n/*!40101 SET NAMES binary*/;\n${createTableSql(t, opts)};\n`;
}
