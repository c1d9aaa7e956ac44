/**
 * Validating parser for the schema JSON TiDB stores in its meta keys (tikv-tidb-encoding.md §7).
 *
 * Sources: pingcap/tidb:pkg/meta/model/{db,table,column,index}.go (json tags),
 * pkg/parser/types/field_type.go (`jsonFieldType`: capitalised keys), pkg/meta/meta.go
 * (`CreateDatabase`/`CreateTableOrView` store `json.Marshal` output, no magic byte).
 *
 * Rules:
 * - Fields tikv-export relies on are checked and a DataError names the JSON path that is wrong.
 * - Missing optional fields get neutral defaults (empty string, false, null, -1 for a missing
 *   index prefix length); unknown fields are kept untouched in the object.
 * - `Flen`/`Decimal` may be -1 ("unspecified").
 * - `index_info: null` becomes `[]`; `partition: null` stays null.
 * - Integers we rely on (ids, offsets, flags, states) must be safe JS integers. JSON.parse turns
 *   any integer above 2^53-1 into a double >= 2^53, which `Number.isSafeInteger` rejects, so an
 *   id that would silently lose precision is an explicit DataError instead.
 * - The exact input bytes stay reachable through `rawJsonOf(info)` (fingerprints/checkpoints).
 */
import { DataError } from '../errors.js';
import type {
  CIStr,
  ColumnInfo,
  DbInfo,
  FieldType,
  IndexColumn,
  IndexInfo,
  PartitionDefinition,
  PartitionInfo,
  TableInfo,
} from './table-info.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

const rawJson = new WeakMap<object, Uint8Array>();

/** The exact JSON bytes a TableInfo/DbInfo was parsed from (a copy owned by the object). */
export function rawJsonOf(info: TableInfo | DbInfo): Uint8Array | undefined {
  return rawJson.get(info);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

function toText(input: Uint8Array | string, what: string): { text: string; bytes: Uint8Array } {
  if (typeof input === 'string') return { text: input, bytes: utf8Encoder.encode(input) };
  try {
    return { text: utf8.decode(input), bytes: new Uint8Array(input) }; // a copy (Buffer.slice would be a view)
  } catch {
    throw new DataError(`${what}: not valid UTF-8`);
  }
}

function parseObject(text: string, what: string): JsonObject {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const head = text.length > 40 ? `${text.slice(0, 40)}…` : text;
    throw new DataError(`${what}: not JSON (${msg}); starts with ${JSON.stringify(head)}`);
  }
  if (!isObject(v)) throw new DataError(`${what}: expected a JSON object, found ${describe(v)}`);
  return v;
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing (field missing)';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  const s = JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/** Field accessors: each one validates and names the path in its error. */
class Reader {
  constructor(
    readonly what: string,
    readonly path: string,
    readonly obj: JsonObject,
  ) {}

  private fail(key: string, expected: string, found: unknown): never {
    throw new DataError(`${this.what}: ${this.path}${key}: expected ${expected}, found ${describe(found)}`);
  }

  int(key: string): number {
    const v = this.obj[key];
    if (typeof v !== 'number' || !Number.isInteger(v)) this.fail(key, 'an integer', v);
    if (!Number.isSafeInteger(v)) this.fail(key, 'an integer within ±(2^53-1)', v);
    return v;
  }

  optInt(key: string, dflt: number): number {
    const v = this.obj[key];
    return v === undefined || v === null ? dflt : this.int(key);
  }

  str(key: string): string {
    const v = this.obj[key];
    if (typeof v !== 'string') this.fail(key, 'a string', v);
    return v;
  }

  optStr(key: string, dflt = ''): string {
    const v = this.obj[key];
    return v === undefined || v === null ? dflt : this.str(key);
  }

  optBool(key: string): boolean {
    const v = this.obj[key];
    if (v === undefined || v === null) return false;
    if (typeof v !== 'boolean') this.fail(key, 'a boolean', v);
    return v;
  }

  ciStr(key: string): CIStr {
    const v = this.obj[key];
    if (!isObject(v)) this.fail(key, 'a {"O","L"} name', v);
    const r = this.child(key, v);
    const O = r.str('O');
    // Very old metadata may lack L; TiDB derives it with strings.ToLower.
    const L = v['L'] === undefined ? O.toLowerCase() : r.str('L');
    return { O, L };
  }

  obj_(key: string): Reader {
    const v = this.obj[key];
    if (!isObject(v)) this.fail(key, 'an object', v);
    return this.child(key, v);
  }

  optArray(key: string): Json[] | null {
    const v = this.obj[key];
    if (v === undefined || v === null) return null;
    if (!Array.isArray(v)) this.fail(key, 'an array', v);
    return v;
  }

  array(key: string): Json[] {
    const v = this.optArray(key);
    if (v === null) this.fail(key, 'an array', this.obj[key]);
    return v;
  }

  optStrArray(key: string): string[] | null {
    const a = this.optArray(key);
    if (a === null) return null;
    return a.map((e, i) => {
      if (typeof e !== 'string') this.fail(`${key}[${i}]`, 'a string', e);
      return e;
    });
  }

  child(key: string, obj: JsonObject): Reader {
    return new Reader(this.what, `${this.path}${key}.`, obj);
  }

  elem(key: string, i: number, v: Json): Reader {
    if (!isObject(v)) this.fail(`${key}[${i}]`, 'an object', v);
    return new Reader(this.what, `${this.path}${key}[${i}].`, v);
  }
}

function parseFieldType(r: Reader): FieldType {
  const o = r.obj;
  const ft: FieldType = {
    ...(o as object),
    Tp: r.int('Tp'),
    Flag: r.optInt('Flag', 0),
    Flen: r.optInt('Flen', -1),
    Decimal: r.optInt('Decimal', -1),
    Charset: r.optStr('Charset'),
    Collate: r.optStr('Collate'),
    Elems: r.optStrArray('Elems'),
  } as FieldType;
  if (ft.Tp < 0 || ft.Tp > 255) throw new DataError(`${r.what}: ${r.path}Tp: expected a type code 0..255, found ${ft.Tp}`);
  if (ft.Flag < 0) throw new DataError(`${r.what}: ${r.path}Flag: expected a non-negative flag set, found ${ft.Flag}`);
  return ft;
}

function parseColumn(r: Reader): ColumnInfo {
  const o = r.obj;
  return {
    ...(o as object),
    id: r.int('id'),
    name: r.ciStr('name'),
    offset: r.int('offset'),
    origin_default: o['origin_default'] ?? null,
    origin_default_bit: r.optStr('origin_default_bit', '') === '' ? null : r.str('origin_default_bit'),
    default: o['default'] ?? null,
    default_bit: r.optStr('default_bit', '') === '' ? null : r.str('default_bit'),
    default_is_expr: r.optBool('default_is_expr'),
    generated_expr_string: r.optStr('generated_expr_string'),
    generated_stored: r.optBool('generated_stored'),
    type: parseFieldType(r.obj_('type')),
    state: r.int('state'),
    comment: r.optStr('comment'),
    hidden: r.optBool('hidden'),
    change_state_info: o['change_state_info'] ?? null,
    version: r.optInt('version', 0),
  } as ColumnInfo;
}

function parseIndex(r: Reader): IndexInfo {
  const o = r.obj;
  const cols: IndexColumn[] = r.array('idx_cols').map((c, i) => {
    const cr = r.elem('idx_cols', i, c);
    return { ...(cr.obj as object), name: cr.ciStr('name'), offset: cr.int('offset'), length: cr.optInt('length', -1) } as IndexColumn;
  });
  const idx = {
    ...(o as object),
    id: r.int('id'),
    idx_name: r.ciStr('idx_name'),
    idx_cols: cols,
    state: r.int('state'),
    comment: r.optStr('comment'),
    index_type: r.optInt('index_type', 0),
    is_unique: r.optBool('is_unique'),
    is_primary: r.optBool('is_primary'),
    is_invisible: r.optBool('is_invisible'),
    is_global: r.optBool('is_global'),
  } as IndexInfo;
  if (o['tbl_name'] !== undefined && o['tbl_name'] !== null) idx.tbl_name = r.ciStr('tbl_name');
  return idx;
}

function parsePartition(r: Reader): PartitionInfo {
  const o = r.obj;
  const defs: PartitionDefinition[] = r.array('definitions').map((d, i) => {
    const dr = r.elem('definitions', i, d);
    const inv = dr.optArray('in_values');
    const def = {
      ...(dr.obj as object),
      id: dr.int('id'),
      name: dr.ciStr('name'),
      less_than: dr.optStrArray('less_than'),
      in_values:
        inv === null
          ? null
          : inv.map((row, j) => {
              if (!Array.isArray(row)) throw new DataError(`${r.what}: ${dr.path}in_values[${j}]: expected an array, found ${describe(row)}`);
              return row.map((v, k) => {
                if (typeof v !== 'string')
                  throw new DataError(`${r.what}: ${dr.path}in_values[${j}][${k}]: expected a string, found ${describe(v)}`);
                return v;
              });
            }),
      comment: dr.optStr('comment'),
    } as PartitionDefinition;
    return def;
  });
  const colsRaw = r.optArray('columns');
  return {
    ...(o as object),
    type: r.int('type'),
    expr: r.optStr('expr'),
    columns: colsRaw === null ? null : colsRaw.map((_c, i) => r.child(`columns[${i}]`, { v: colsRaw[i] ?? null }).ciStr('v')),
    enable: r.optBool('enable'),
    definitions: defs,
    num: r.optInt('num', defs.length),
  } as PartitionInfo;
}

/**
 * Parse and validate one TableInfo JSON (a table, view or sequence).
 * `what` names the source in errors (e.g. "TableInfo DB:2/Table:100").
 */
export function parseTableInfo(input: Uint8Array | string, what = 'TableInfo'): TableInfo {
  const { text, bytes } = toText(input, what);
  const o = parseObject(text, what);
  const r = new Reader(what, '', o);
  const cols = r.array('cols').map((c, i) => parseColumn(r.elem('cols', i, c)));
  const idxRaw = r.optArray('index_info');
  const index_info = idxRaw === null ? [] : idxRaw.map((x, i) => parseIndex(r.elem('index_info', i, x)));
  const partRaw = o['partition'];
  const partition = partRaw === undefined || partRaw === null ? null : parsePartition(r.obj_('partition'));
  const info: TableInfo = {
    ...(o as object),
    id: r.int('id'),
    name: r.ciStr('name'),
    charset: r.optStr('charset'),
    collate: r.optStr('collate'),
    cols,
    index_info,
    state: r.int('state'),
    pk_is_handle: r.optBool('pk_is_handle'),
    is_common_handle: r.optBool('is_common_handle'),
    common_handle_version: r.optInt('common_handle_version', 0),
    comment: r.optStr('comment'),
    partition,
    view: o['view'] ?? null,
    sequence: o['sequence'] ?? null,
  };
  for (const [i, idx] of index_info.entries()) {
    for (const [j, c] of idx.idx_cols.entries()) {
      if (c.offset < 0 || c.offset >= cols.length)
        throw new DataError(`${what}: index_info[${i}].idx_cols[${j}].offset: expected 0..${cols.length - 1}, found ${c.offset}`);
    }
  }
  rawJson.set(info, bytes);
  return info;
}

/** Parse and validate one DBInfo JSON. */
export function parseDbInfo(input: Uint8Array | string, what = 'DBInfo'): DbInfo {
  const { text, bytes } = toText(input, what);
  const o = parseObject(text, what);
  const r = new Reader(what, '', o);
  const info: DbInfo = {
    ...(o as object),
    id: r.int('id'),
    db_name: r.ciStr('db_name'),
    charset: r.optStr('charset'),
    collate: r.optStr('collate'),
    state: r.int('state'),
  };
  rawJson.set(info, bytes);
  return info;
}

/** A view (`view` non-null): rows are not stored. */
export function isView(t: TableInfo): boolean {
  return t.view !== undefined && t.view !== null;
}

/** A sequence (`sequence` non-null): one internal row, not a data table. */
export function isSequence(t: TableInfo): boolean {
  return t.sequence !== undefined && t.sequence !== null;
}

/**
 * Physical table ids holding the rows: the partition definitions' ids in definition order for a
 * partitioned table, else the table id (tikv-tidb-encoding.md §3.1, §7.5).
 */
export function physicalTableIds(t: TableInfo): number[] {
  if (t.partition !== null && t.partition.definitions.length > 0) return t.partition.definitions.map((d) => d.id);
  return [t.id];
}
