/**
 * Test-side builders of TiDB schema JSON, shaped like `json.Marshal` of
 * pingcap/tidb:pkg/meta/model TableInfo/ColumnInfo/IndexInfo/DBInfo (keys as in the real files
 * under fixtures/realdata/tableinfo/). Values are what TiDB would store for the DDL a test
 * names in its comment; nothing here is produced by src/.
 */

export interface ColSpec {
  name: string;
  tp: number;
  flag?: number;
  flen?: number;
  decimal?: number;
  charset?: string;
  collate?: string;
  elems?: string[] | null;
  default?: unknown;
  defaultBit?: string | null;
  defaultIsExpr?: boolean;
  originDefault?: unknown;
  generated?: string;
  stored?: boolean;
  comment?: string;
  hidden?: boolean;
  state?: number;
}

export interface IdxSpec {
  name: string;
  cols: [string, number][]; // name, prefix length (-1 whole column)
  unique?: boolean;
  primary?: boolean;
  invisible?: boolean;
  comment?: string;
  state?: number;
}

export interface TableSpec {
  id: number;
  name: string;
  cols: ColSpec[];
  indexes?: IdxSpec[] | null;
  pkIsHandle?: boolean;
  commonHandle?: boolean;
  charset?: string;
  collate?: string;
  comment?: string;
  state?: number;
  partition?: unknown;
  view?: unknown;
  sequence?: unknown;
  extra?: Record<string, unknown>;
}

const ci = (s: string): { O: string; L: string } => ({ O: s, L: s.toLowerCase() });

export function tableJson(t: TableSpec): Record<string, unknown> {
  const cols = t.cols.map((c, i) => ({
    id: i + 1,
    name: ci(c.name),
    offset: i,
    origin_default: c.originDefault ?? null,
    origin_default_bit: null,
    default: c.default ?? null,
    default_bit: c.defaultBit ?? null,
    default_is_expr: c.defaultIsExpr ?? false,
    generated_expr_string: c.generated ?? '',
    generated_stored: c.stored ?? false,
    dependences: null,
    type: {
      Tp: c.tp,
      Flag: c.flag ?? 0,
      Flen: c.flen ?? -1,
      Decimal: c.decimal ?? 0,
      Charset: c.charset ?? 'binary',
      Collate: c.collate ?? 'binary',
      Elems: c.elems ?? null,
      ElemsIsBinaryLit: null,
      Array: false,
    },
    state: c.state ?? 5,
    comment: c.comment ?? '',
    hidden: c.hidden ?? false,
    change_state_info: null,
    version: 2,
  }));
  const offsetOf = (n: string): number => {
    const i = t.cols.findIndex((c) => c.name === n);
    if (i < 0) throw new Error(`no column ${n}`);
    return i;
  };
  const index_info =
    t.indexes === null
      ? null
      : (t.indexes ?? []).map((x, i) => ({
          id: i + 1,
          idx_name: ci(x.name),
          tbl_name: ci(''),
          idx_cols: x.cols.map(([n, len]) => ({ name: ci(n), offset: offsetOf(n), length: len })),
          state: x.state ?? 5,
          backfill_state: 0,
          comment: x.comment ?? '',
          index_type: 1,
          is_unique: x.unique ?? x.primary ?? false,
          is_primary: x.primary ?? false,
          is_invisible: x.invisible ?? false,
          is_global: false,
          mv_index: false,
        }));
  return {
    id: t.id,
    name: ci(t.name),
    charset: t.charset ?? 'utf8mb4',
    collate: t.collate ?? 'utf8mb4_bin',
    cols,
    index_info,
    constraint_info: null,
    fk_info: [],
    state: t.state ?? 5,
    pk_is_handle: t.pkIsHandle ?? false,
    is_common_handle: t.commonHandle ?? false,
    common_handle_version: t.commonHandle ? 1 : 0,
    comment: t.comment ?? '',
    auto_inc_id: 0,
    auto_id_cache: 0,
    auto_rand_id: 0,
    max_col_id: cols.length,
    max_idx_id: index_info?.length ?? 0,
    update_timestamp: 440129226253008905,
    ShardRowIDBits: 0,
    max_shard_row_id_bits: 0,
    auto_random_bits: 0,
    auto_random_range_bits: 0,
    pre_split_regions: 0,
    partition: t.partition ?? null,
    compression: '',
    view: t.view ?? null,
    sequence: t.sequence ?? null,
    Lock: null,
    version: 5,
    tiflash_replica: null,
    is_columnar: false,
    temp_table_type: 0,
    cache_table_status: 0,
    policy_ref_info: null,
    ...t.extra,
  };
}

export function dbJson(id: number, name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, db_name: ci(name), charset: 'utf8mb4', collate: 'utf8mb4_bin', state: 5, policy_ref_info: null, ...extra };
}
