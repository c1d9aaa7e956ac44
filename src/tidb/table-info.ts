/**
 * TiDB schema JSON as TiDB writes it into the meta keys (pingcap/tidb:pkg/meta/model/{db,table,
 * column,index}.go, pkg/parser/types/field_type.go). Only the fields tikv-export uses are typed;
 * everything else stays in the parsed object untouched. See tikv-tidb-encoding.md §7.
 *
 * Parsing/validation lives in table-info-parse.ts (parseTableInfo / parseDbInfo); this file
 * is the shared contract for the catalog, the row decoder and CREATE TABLE.
 */

/** CIStr: {"O": original, "L": lower-case}. */
export interface CIStr {
  O: string;
  L: string;
}

/** FieldType JSON keys are capitalised (custom MarshalJSON). -1 = unspecified flen/decimal. */
export interface FieldType {
  Tp: number;
  Flag: number;
  Flen: number;
  Decimal: number;
  Charset: string;
  Collate: string;
  Elems: string[] | null;
  ElemsIsBinaryLit?: boolean[] | null;
  Array?: boolean;
}

export interface ColumnInfo {
  id: number;
  name: CIStr;
  offset: number;
  origin_default: unknown; // string | number | null as TiDB marshals it
  origin_default_bit?: string | null; // base64
  default: unknown;
  default_bit?: string | null;
  default_is_expr?: boolean;
  generated_expr_string: string;
  generated_stored: boolean;
  type: FieldType;
  state: number;
  comment: string;
  hidden: boolean;
  change_state_info?: unknown;
  version: number;
}

export interface IndexColumn {
  name: CIStr;
  offset: number;
  length: number; // prefix length, -1 = whole column
}

export interface IndexInfo {
  id: number;
  idx_name: CIStr;
  tbl_name?: CIStr;
  idx_cols: IndexColumn[];
  state: number;
  comment: string;
  index_type: number;
  is_unique: boolean;
  is_primary: boolean;
  is_invisible?: boolean;
  is_global?: boolean;
}

export interface PartitionDefinition {
  id: number;
  name: CIStr;
  less_than?: string[] | null;
  in_values?: string[][] | null;
  comment?: string;
  /** Placement policy reference ({id, name}), TiDB >= 5.3. */
  policy_ref_info?: unknown;
}

export interface PartitionInfo {
  type: number; // 1 RANGE, 2 HASH, 3 LIST, 4 KEY
  expr: string;
  columns?: CIStr[] | null;
  enable: boolean;
  definitions: PartitionDefinition[];
  num?: number;
}

export interface TableInfo {
  id: number;
  name: CIStr;
  charset: string;
  collate: string;
  cols: ColumnInfo[];
  index_info: IndexInfo[] | null;
  state: number;
  pk_is_handle: boolean;
  is_common_handle: boolean;
  common_handle_version?: number;
  comment: string;
  auto_inc_id?: number;
  max_col_id?: number;
  partition: PartitionInfo | null;
  view?: unknown;
  sequence?: unknown;
  version?: number;
  update_timestamp?: number;
  /** The exact JSON bytes this came from (for checkpoints / fingerprints). */
  [key: string]: unknown;
}

export interface DbInfo {
  id: number;
  db_name: CIStr;
  charset: string;
  collate: string;
  state: number;
  [key: string]: unknown;
}

/** SchemaState (pkg/meta/model): only Public objects are live. */
export const StatePublic = 5;

/** mysql type codes (pkg/parser/mysql/type.go). */
export const TypeCode = {
  Tiny: 1,
  Short: 2,
  Long: 3,
  Float: 4,
  Double: 5,
  Null: 6,
  Timestamp: 7,
  Longlong: 8,
  Int24: 9,
  Date: 10,
  Duration: 11,
  Datetime: 12,
  Year: 13,
  NewDate: 14,
  Varchar: 15,
  Bit: 16,
  TiDBVectorFloat32: 0xe1,
  JSON: 0xf5,
  NewDecimal: 0xf6,
  Enum: 0xf7,
  Set: 0xf8,
  TinyBlob: 0xf9,
  MediumBlob: 0xfa,
  LongBlob: 0xfb,
  Blob: 0xfc,
  VarString: 0xfd,
  String: 0xfe,
  Geometry: 0xff,
} as const;

/** Flag bits (pkg/parser/mysql/type.go). */
export const Flag = {
  NotNull: 1 << 0,
  PriKey: 1 << 1,
  UniqueKey: 1 << 2,
  MultipleKey: 1 << 3,
  Blob: 1 << 4,
  Unsigned: 1 << 5,
  Zerofill: 1 << 6,
  Binary: 1 << 7,
  Enum: 1 << 8,
  AutoIncrement: 1 << 9,
  Timestamp: 1 << 10,
  Set: 1 << 11,
  NoDefaultValue: 1 << 12,
  OnUpdateNow: 1 << 13,
  GeneratedColumn: 1 << 23,
} as const;
