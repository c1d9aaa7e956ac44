/** TableInfo, ColumnInfo and PRIMARY index literals for decoder tests (only the fields the decoders read, plus their usual values). */
import type { ColumnInfo, FieldType, IndexInfo, TableInfo } from '../../../src/tidb/table-info.js';

let nextOffset = 0;
export function col(id: number, name: string, Tp: number, over: Partial<ColumnInfo> & { ft?: Partial<FieldType> } = {}): ColumnInfo {
  const { ft, ...rest } = over;
  return {
    id,
    name: { O: name, L: name.toLowerCase() },
    offset: nextOffset++,
    origin_default: null,
    default: null,
    generated_expr_string: '',
    generated_stored: false,
    type: { Tp, Flag: 0, Flen: -1, Decimal: -1, Charset: 'utf8mb4', Collate: 'utf8mb4_bin', Elems: null, ...ft },
    state: 5,
    comment: '',
    hidden: false,
    version: 2,
    ...rest,
  };
}

export function table(id: number, cols: ColumnInfo[], over: Partial<TableInfo> = {}): TableInfo {
  cols.forEach((c, i) => (c.offset = i));
  return {
    id,
    name: { O: `t${id}`, L: `t${id}` },
    charset: 'utf8mb4',
    collate: 'utf8mb4_bin',
    cols,
    index_info: null,
    state: 5,
    pk_is_handle: false,
    is_common_handle: false,
    comment: '',
    partition: null,
    ...over,
  };
}

export function primary(names: [string, number][]): IndexInfo {
  return {
    id: 1,
    idx_name: { O: 'PRIMARY', L: 'primary' },
    idx_cols: names.map(([n, length], offset) => ({ name: { O: n, L: n.toLowerCase() }, offset, length })),
    state: 5,
    comment: '',
    index_type: 1,
    is_unique: true,
    is_primary: true,
  };
}
