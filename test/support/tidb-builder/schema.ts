/**
 * TiDB schema JSON for fixtures, shaped like TiDB 7.1 writes it (field set and order copied from
 * the real files in fixtures/realdata/tableinfo/tidb-7.1-*), plus the column-value encoders that
 * turn a scenario's input literal into row-v2 bytes, a row-v1 datum or a handle datum.
 */
import { type Bytes, comparableFloat, narrowInt, narrowUint, utf8 } from './codec.js';
import type { Datum } from './tidb-keys.js';
import { binaryJson, decimalBin, decimalWithPrecFrac, durationNanos, packTime, vectorF32 } from './values.js';

export const Tp = {
  Tiny: 1, Short: 2, Long: 3, Float: 4, Double: 5, Timestamp: 7, Longlong: 8, Int24: 9, Date: 10,
  Duration: 11, Datetime: 12, Year: 13, Varchar: 15, Bit: 16, Vector: 0xe1, JSON: 0xf5,
  NewDecimal: 0xf6, Enum: 0xf7, Set: 0xf8, Blob: 0xfc, String: 0xfe,
} as const;

export const F = { NotNull: 1, PriKey: 2, Unique: 4, Multiple: 8, Blob: 16, Unsigned: 32, Zerofill: 64, Binary: 128, AutoInc: 512, Timestamp: 1024, NoDefault: 4096, OnUpdateNow: 8192 } as const;

export interface FieldTypeJson {
  Tp: number;
  Flag: number;
  Flen: number;
  Decimal: number;
  Charset: string;
  Collate: string;
  Elems: string[] | null;
  ElemsIsBinaryLit: boolean[] | null;
  Array: boolean;
}

export type Category = 'int' | 'uint' | 'float' | 'double' | 'decimal' | 'string' | 'binary' | 'date' | 'datetime' | 'timestamp' | 'time' | 'year' | 'enum' | 'set' | 'bit' | 'json' | 'vector';

export interface ParsedType {
  ft: FieldTypeJson;
  cat: Category;
}

const BIN = { Charset: 'binary', Collate: 'binary' };
const UTF = { Charset: 'utf8mb4', Collate: 'utf8mb4_bin' };

function ftype(Tp: number, Flag: number, Flen: number, Decimal: number, cs: { Charset: string; Collate: string }, Elems: string[] | null = null): FieldTypeJson {
  return { Tp, Flag, Flen, Decimal, Charset: cs.Charset, Collate: cs.Collate, Elems, ElemsIsBinaryLit: null, Array: false };
}

function parseElems(s: string): string[] {
  return [...s.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1]!.replace(/''/g, "'"));
}

/**
 * Compact SQL-ish type -> FieldType. Supported: tinyint|smallint|mediumint|int|bigint [unsigned],
 * float, double, decimal(p,s), char(n), varchar(n), text, binary(n), varbinary(n), blob, date,
 * datetime[(fsp)], timestamp[(fsp)], time[(fsp)], year, enum('a',..), set('a',..), bit(n), json, vector[(n)].
 */
export function parseType(spec: string, collate?: string): ParsedType {
  const s = spec.trim();
  const m = /^(\w+)(?:\((.*)\))?\s*(unsigned)?$/i.exec(s);
  if (!m) throw new Error(`bad type ${spec}`);
  const name = m[1]!.toLowerCase();
  const args = m[2];
  const unsigned = m[3] !== undefined;
  const n = (i: number, d: number): number => (args === undefined ? d : Number(args.split(',')[i]));
  const cs = collate === undefined ? UTF : { Charset: collate.split('_')[0]!, Collate: collate };
  const ints: Record<string, [number, number, number]> = { tinyint: [Tp.Tiny, 4, 3], smallint: [Tp.Short, 6, 5], mediumint: [Tp.Int24, 9, 8], int: [Tp.Long, 11, 10], bigint: [Tp.Longlong, 20, 20] };
  const iv = ints[name];
  if (iv) return { ft: ftype(iv[0], unsigned ? F.Unsigned : 0, unsigned ? iv[2] : iv[1], 0, BIN), cat: unsigned ? 'uint' : 'int' };
  switch (name) {
    case 'float':
      return { ft: ftype(Tp.Float, 0, 12, -1, BIN), cat: 'float' };
    case 'double':
      return { ft: ftype(Tp.Double, 0, 22, -1, BIN), cat: 'double' };
    case 'decimal':
      return { ft: ftype(Tp.NewDecimal, 0, n(0, 10), n(1, 0), BIN), cat: 'decimal' };
    case 'char':
      return { ft: ftype(Tp.String, 0, n(0, 1), 0, cs), cat: 'string' };
    case 'varchar':
      return { ft: ftype(Tp.Varchar, 0, n(0, 255), 0, cs), cat: 'string' };
    case 'text':
      return { ft: ftype(Tp.Blob, F.Blob, 65535, 0, cs), cat: 'string' };
    case 'binary':
      return { ft: ftype(Tp.String, F.Binary, n(0, 1), 0, BIN), cat: 'binary' };
    case 'varbinary':
      return { ft: ftype(Tp.Varchar, F.Binary, n(0, 255), 0, BIN), cat: 'binary' };
    case 'blob':
      return { ft: ftype(Tp.Blob, F.Blob | F.Binary, 65535, 0, BIN), cat: 'binary' };
    case 'date':
      return { ft: ftype(Tp.Date, F.Binary, 10, 0, BIN), cat: 'date' };
    case 'datetime': {
      const fsp = n(0, 0);
      return { ft: ftype(Tp.Datetime, F.Binary, 19 + (fsp > 0 ? fsp + 1 : 0), fsp, BIN), cat: 'datetime' };
    }
    case 'timestamp': {
      const fsp = n(0, 0);
      return { ft: ftype(Tp.Timestamp, F.Binary, 19 + (fsp > 0 ? fsp + 1 : 0), fsp, BIN), cat: 'timestamp' };
    }
    case 'time': {
      const fsp = n(0, 0);
      return { ft: ftype(Tp.Duration, F.Binary, 10 + (fsp > 0 ? fsp + 1 : 0), fsp, BIN), cat: 'time' };
    }
    case 'year':
      return { ft: ftype(Tp.Year, F.Unsigned | F.Zerofill, 4, 0, BIN), cat: 'year' };
    case 'enum': {
      const el = parseElems(args ?? '');
      return { ft: ftype(Tp.Enum, 0, Math.max(...el.map((e) => e.length)), 0, cs, el), cat: 'enum' };
    }
    case 'set': {
      const el = parseElems(args ?? '');
      return { ft: ftype(Tp.Set, 0, el.join(',').length, 0, cs, el), cat: 'set' };
    }
    case 'bit':
      return { ft: ftype(Tp.Bit, F.Unsigned, n(0, 1), 0, BIN), cat: 'bit' };
    case 'json':
      return { ft: ftype(Tp.JSON, F.Binary, 4294967295, 0, BIN), cat: 'json' };
    case 'vector':
      return { ft: ftype(Tp.Vector, 0, n(0, -1), 0, BIN), cat: 'vector' };
    default:
      throw new Error(`unsupported type ${spec}`);
  }
}

/** The input literal a scenario writes for one column value. */
export type Input = string | number | bigint | boolean | Bytes | number[] | { raw: Bytes };

const asBig = (v: Input): bigint => {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' || typeof v === 'string') return BigInt(v);
  throw new Error(`expected an integer, got ${String(v)}`);
};
const asBytes = (v: Input): Bytes => (typeof v === 'string' ? utf8(v) : v instanceof Uint8Array ? v : (() => { throw new Error('expected string/bytes'); })());

function enumIndex(pt: ParsedType, v: Input): bigint {
  if (typeof v === 'string') {
    const i = (pt.ft.Elems ?? []).indexOf(v);
    if (i < 0) throw new Error(`enum value ${v} not in elems`);
    return BigInt(i + 1);
  }
  return asBig(v);
}

function setMask(pt: ParsedType, v: Input): bigint {
  if (typeof v === 'string') {
    let m = 0n;
    for (const part of v === '' ? [] : v.split(',')) {
      const i = (pt.ft.Elems ?? []).indexOf(part);
      if (i < 0) throw new Error(`set value ${part} not in elems`);
      m |= 1n << BigInt(i);
    }
    return m;
  }
  return asBig(v);
}

/** The value as a datum (used for row v1 and for handle keys). TIMESTAMP input is the stored UTC text. */
export function toDatum(pt: ParsedType, v: Input): Datum {
  switch (pt.cat) {
    case 'int':
    case 'year':
      return { k: 'int', v: asBig(v) };
    case 'uint':
      return { k: 'uint', v: asBig(v) };
    case 'float':
      return { k: 'float', v: Math.fround(Number(v)) };
    case 'double':
      return { k: 'float', v: Number(v) };
    case 'decimal':
      return { k: 'decimal', prec: pt.ft.Flen, frac: pt.ft.Decimal, bin: decimalBin(String(v), pt.ft.Flen, pt.ft.Decimal) };
    case 'string':
    case 'binary':
      return { k: 'bytes', v: asBytes(v) };
    case 'date':
    case 'datetime':
    case 'timestamp':
      return { k: 'uint', v: packTime(String(v)) };
    case 'time':
      return { k: 'duration', ns: durationNanos(String(v)) };
    case 'enum':
      return { k: 'uint', v: enumIndex(pt, v) };
    case 'set':
      return { k: 'uint', v: setMask(pt, v) };
    case 'bit':
      return { k: 'uint', v: asBig(v) };
    case 'json':
      return { k: 'json', v: binaryJson(String(v)) };
    case 'vector':
      return { k: 'vector', v: vectorF32(v as number[]) };
  }
}

/** The value in row-v2 form (§5.2). */
export function toV2(pt: ParsedType, v: Input): Bytes {
  if (typeof v === 'object' && !(v instanceof Uint8Array) && !Array.isArray(v)) return v.raw;
  switch (pt.cat) {
    case 'int':
    case 'year':
      return narrowInt(asBig(v));
    case 'float':
      return comparableFloat(Math.fround(Number(v)));
    case 'double':
      return comparableFloat(Number(v));
    case 'decimal':
      return decimalWithPrecFrac(String(v), pt.ft.Flen, pt.ft.Decimal);
    case 'time':
      return narrowInt(durationNanos(String(v)));
    case 'string':
    case 'binary':
      return asBytes(v);
    case 'json':
      return binaryJson(String(v));
    case 'vector':
      return vectorF32(v as number[]);
    default: {
      const d = toDatum(pt, v);
      if (d.k !== 'uint') throw new Error('unreachable');
      return narrowUint(d.v);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// JSON builders (TiDB 7.1 field order, see fixtures/realdata/tableinfo/).
// ---------------------------------------------------------------------------------------------
export const ciStr = (s: string): { O: string; L: string } => ({ O: s, L: s.toLowerCase() });

export function dbInfoJson(id: number, name: string): string {
  return JSON.stringify({ id, db_name: ciStr(name), charset: 'utf8mb4', collate: 'utf8mb4_bin', state: 5, policy_ref_info: null });
}

export interface ColumnJsonSpec {
  id: number;
  name: string;
  offset: number;
  ft: FieldTypeJson;
  originDefault: unknown;
  defaultValue: unknown;
  originDefaultBit?: string | null;
  defaultBit?: string | null;
  state?: number;
  hidden?: boolean;
  comment?: string;
}

export function columnJson(c: ColumnJsonSpec): Record<string, unknown> {
  return {
    id: c.id,
    name: ciStr(c.name),
    offset: c.offset,
    origin_default: c.originDefault,
    origin_default_bit: c.originDefaultBit ?? null,
    default: c.defaultValue,
    default_bit: c.defaultBit ?? null,
    default_is_expr: false,
    generated_expr_string: '',
    generated_stored: false,
    dependences: null,
    type: c.ft,
    state: c.state ?? 5,
    comment: c.comment ?? '',
    hidden: c.hidden ?? false,
    change_state_info: null,
    version: 2,
  };
}

export interface IndexJsonSpec {
  id: number;
  name: string;
  cols: { name: string; offset: number }[];
  unique: boolean;
  primary: boolean;
}

export function indexJson(ix: IndexJsonSpec): Record<string, unknown> {
  return {
    id: ix.id,
    idx_name: ciStr(ix.name),
    tbl_name: ciStr(''),
    idx_cols: ix.cols.map((c) => ({ name: ciStr(c.name), offset: c.offset, length: -1 })),
    state: 5,
    backfill_state: 0,
    comment: '',
    index_type: 1,
    is_unique: ix.unique,
    is_primary: ix.primary,
    is_invisible: false,
    is_global: false,
    mv_index: false,
  };
}

export interface PartitionJsonSpec {
  type: 'range' | 'hash';
  expr: string;
  defs: { id: number; name: string; lessThan?: string }[];
}

export function partitionJson(p: PartitionJsonSpec): Record<string, unknown> {
  return {
    type: p.type === 'range' ? 1 : 2,
    expr: p.expr,
    columns: null,
    enable: true,
    is_empty_columns: false,
    definitions: p.defs.map((d) => ({ id: d.id, name: ciStr(d.name), less_than: p.type === 'range' ? [d.lessThan ?? 'MAXVALUE'] : null, in_values: null, policy_ref_info: null })),
    adding_definitions: null,
    dropping_definitions: null,
    states: null,
    num: p.type === 'hash' ? p.defs.length : 0,
    ddl_state: 0,
  };
}

export interface TableJsonSpec {
  id: number;
  name: string;
  cols: Record<string, unknown>[];
  indexes: Record<string, unknown>[] | null;
  pkIsHandle: boolean;
  isCommonHandle: boolean;
  maxColId: number;
  maxIdxId: number;
  partition: Record<string, unknown> | null;
  updateTs: bigint;
  comment?: string;
  autoIncId?: number;
}

export function tableInfoJson(t: TableJsonSpec): string {
  const obj = {
    id: t.id,
    name: ciStr(t.name),
    charset: 'utf8mb4',
    collate: 'utf8mb4_bin',
    cols: t.cols,
    index_info: t.indexes,
    constraint_info: null,
    fk_info: null,
    state: 5,
    pk_is_handle: t.pkIsHandle,
    is_common_handle: t.isCommonHandle,
    common_handle_version: t.isCommonHandle ? 1 : 0,
    comment: t.comment ?? '',
    auto_inc_id: t.autoIncId ?? 0,
    auto_id_cache: 0,
    auto_rand_id: 0,
    max_col_id: t.maxColId,
    max_idx_id: t.maxIdxId,
    max_fk_id: 0,
    max_cst_id: 0,
    update_timestamp: 0,
    ShardRowIDBits: 0,
    max_shard_row_id_bits: 0,
    auto_random_bits: 0,
    auto_random_range_bits: 0,
    pre_split_regions: 0,
    partition: t.partition,
    compression: '',
    view: null,
    sequence: null,
    Lock: null,
    version: 5,
    tiflash_replica: null,
    is_columnar: false,
    temp_table_type: 0,
    cache_table_status: 0,
    policy_ref_info: null,
    stats_options: null,
    exchange_partition_info: null,
    ttl_info: null,
  };
  // update_timestamp is a uint64 TSO: splice it in as a bare number (JSON.stringify cannot print bigint).
  return JSON.stringify(obj).replace('"update_timestamp":0', `"update_timestamp":${t.updateTs.toString()}`);
}
