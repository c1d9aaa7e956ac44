/**
 * RowDecoder: one per table (or partition), turns (raw record key, row value) into the cells TiDB
 * would print for the table's visible columns.
 *
 * Rules (tikv-tidb-encoding.md §5, §8; pingcap/tidb:pkg/util/rowcodec/decoder.go
 * ChunkDecoder.tryAppendHandleColumn; tikv/tikv table_scan_executor.rs process_kv_pair):
 *   output columns  state public (5), not hidden, not a MODIFY COLUMN temporary (_Col$_…,
 *                   _Tombstone$_…), not a virtual generated column; `cols` order
 *   value format    empty or 00 -> no stored columns; first byte 0x80 -> row v2; else row v1
 *   missing column  1. PK-is-handle column -> the int handle (unsigned by flag)
 *                   2. common-handle PK column -> its datum cut from the key (idx_cols order),
 *                      except a prefix column or a string whose key datum may be a collation
 *                      sort key (NeedRestoredData, §8): DataError, never sort-key bytes as text
 *                   3. origin_default (origin_default_bit for BIT)
 *                   4. NULL (a NOT NULL column with no origin default -> DataError, as TiKV)
 *   errors          any decode failure -> DataError carrying the key and value hex
 * Cells never alias the input buffers (strings are copied), so callers may batch rows while the
 * scanner reuses its buffers.
 */
import { DataError, FormatError, hex } from '../errors.js';
import { decodeDatums, type Datum } from './datum.js';
import { decodeRecordKey, type Handle } from './record-key.js';
import { cellKind, isIntType, isUnsigned, renderDatum, renderDefault, renderV2, text, type CellKind } from './render.js';
import { parseRowV1 } from './row-v1.js';
import { parseRowV2, ROW_V2_VERSION, rowV2Get, type RowV2 } from './row-v2.js';
import { Flag, StatePublic, TypeCode, type ColumnInfo, type FieldType, type TableInfo } from './table-info.js';
import { parseTimeZone, type TimeZone } from './time-zone.js';

export interface OutputColumn {
  name: string;
  kind: CellKind;
  column: ColumnInfo;
}

export interface RowDecoderOptions {
  /** Zone TIMESTAMP values are printed in: "UTC" (default), "+08:00", or an IANA name. */
  timeZone?: string;
  /**
   * Whether the cluster may run with TiDB's new collation framework (mysql.tidb
   * new_collation_enabled). undefined/true = possible: a clustered PK string column with a
   * non-binary collation that is absent from the row value is a DataError, because its key
   * datum is a collation sort key, not the text. false = known off: the key holds the text.
   */
  newCollation?: boolean;
}

export type DefaultCell = { ok: true; cell: Uint8Array | null } | { ok: false; error: string };

/** How one output column is filled (read-only to callers; see `RowDecoder.plan`). */
export interface ColumnPlan {
  out: OutputColumn;
  id: number;
  /** Index into the common-handle datums, or -1. */
  handleIndex: number;
  /** Prefix PK column: the key holds a truncated value, never usable. */
  handlePrefix: boolean;
  /** String PK column whose key datum may be a collation sort key (see needRestoredData): never usable. */
  handleSortKey: boolean;
  isIntHandle: boolean;
  notNull: boolean;
  def: DefaultCell;
}

const TEMP_NAME = /^_(Col|Tombstone)\$_/i;

const STRING_TYPES: ReadonlySet<number> = new Set([
  TypeCode.Varchar,
  TypeCode.VarString,
  TypeCode.String,
  TypeCode.TinyBlob,
  TypeCode.MediumBlob,
  TypeCode.LongBlob,
  TypeCode.Blob,
]);

/**
 * pingcap/tidb:pkg/types/etc.go NeedRestoredData, minus its "new collation enabled" test: a
 * non-binary string column whose collation is not a _bin one (or a VARCHAR, whose _bin sort key
 * drops trailing spaces), and not utf8mb4_0900_bin. Such a column's handle datum is a sort key.
 */
export function needRestoredData(ft: FieldType): boolean {
  if (!STRING_TYPES.has(ft.Tp)) return false;
  const collate = ft.Collate.toLowerCase();
  if (ft.Charset.toLowerCase() === 'binary' || collate === 'binary') return false;
  if (collate === 'utf8mb4_0900_bin') return false;
  const isVarchar = ft.Tp === TypeCode.Varchar || ft.Tp === TypeCode.VarString;
  return !collate.endsWith('_bin') || isVarchar;
}

/** True when the column is emitted by a dump (see the rules above). */
export function isOutputColumn(c: ColumnInfo): boolean {
  if (c.state !== StatePublic || c.hidden === true) return false;
  if (TEMP_NAME.test(c.name.O) || c.name.L === '_tidb_rowid') return false;
  if (typeof c.generated_expr_string === 'string' && c.generated_expr_string !== '' && c.generated_stored !== true) {
    return false;
  }
  return true;
}

export class RowDecoder {
  readonly columns: OutputColumn[];
  readonly timeZone: TimeZone;
  private readonly plans: ColumnPlan[];
  private readonly commonHandle: boolean;
  private readonly intHandle: boolean;
  private readonly handleColumnCount: number;
  private readonly tableName: string;

  constructor(table: TableInfo, opts: RowDecoderOptions = {}) {
    this.timeZone = parseTimeZone(opts.timeZone);
    this.tableName = table.name?.O ?? String(table.id);
    this.commonHandle = table.is_common_handle === true;
    this.intHandle = !this.commonHandle;

    // PK-is-handle column: the int column carrying PriKeyFlag.
    let pkHandleId = -1;
    if (table.pk_is_handle === true) {
      const pk = table.cols.find((c) => (c.type.Flag & Flag.PriKey) !== 0 && isIntType(c.type.Tp));
      if (pk === undefined) throw new DataError(`table ${this.tableName}: pk_is_handle but no integer PRIMARY KEY column`);
      pkHandleId = pk.id;
    }

    // Common handle: PK columns in idx_cols order.
    const handleIdx = new Map<number, { index: number; prefix: boolean }>();
    let handleColumnCount = 0;
    if (this.commonHandle) {
      const pk = (table.index_info ?? []).find((ix) => ix.is_primary);
      if (pk === undefined) throw new DataError(`table ${this.tableName}: clustered (common handle) without a PRIMARY index`);
      pk.idx_cols.forEach((ic, i) => {
        const col = table.cols.find((c) => c.name.L === ic.name.L) ?? table.cols[ic.offset];
        if (col === undefined) throw new DataError(`table ${this.tableName}: PRIMARY column ${ic.name.O} not found`);
        handleIdx.set(col.id, { index: i, prefix: ic.length !== -1 && ic.length !== undefined });
      });
      handleColumnCount = pk.idx_cols.length;
    }
    this.handleColumnCount = handleColumnCount;

    this.plans = [];
    for (const c of table.cols) {
      if (!isOutputColumn(c)) continue;
      const h = handleIdx.get(c.id);
      const out: OutputColumn = { name: c.name.O, kind: cellKind(c.type), column: c };
      let def: DefaultCell;
      try {
        def = {
          ok: true,
          cell: renderDefault(c.type, c.origin_default, c.origin_default_bit, c.version ?? 0, this.timeZone),
        };
      } catch (e) {
        def = { ok: false, error: e instanceof Error ? e.message : String(e) };
      }
      this.plans.push({
        out,
        id: c.id,
        handleIndex: h?.index ?? -1,
        handlePrefix: h?.prefix ?? false,
        handleSortKey: h !== undefined && opts.newCollation !== false && needRestoredData(c.type),
        isIntHandle: c.id === pkHandleId,
        notNull: (c.type.Flag & Flag.NotNull) !== 0,
        def,
      });
    }
    this.columns = this.plans.map((p) => p.out);
  }

  /**
   * The per-column plan in output order, for compiled row writers (src/export/row-csv.ts) that
   * must fill cells exactly like decode(). Do not mutate.
   */
  get plan(): readonly ColumnPlan[] {
    return this.plans;
  }

  /** True for a clustered (common handle) table, false for an int-handle table. */
  get isCommonHandle(): boolean {
    return this.commonHandle;
  }

  decode(rawRecordKey: Uint8Array, value: Uint8Array): (Uint8Array | null)[] {
    try {
      return this.decodeInner(rawRecordKey, value);
    } catch (e) {
      if (e instanceof DataError || e instanceof FormatError || e instanceof RangeError) {
        throw new DataError(
          `table ${this.tableName}: row does not decode: ${e.message}`,
          hex(rawRecordKey, Infinity),
          hex(value, Infinity),
        );
      }
      throw e;
    }
  }

  private decodeInner(rawKey: Uint8Array, value: Uint8Array): (Uint8Array | null)[] {
    const { handle } = decodeRecordKey(rawKey);
    this.checkHandle(handle);
    let handleDatums: Datum[] | null = null;
    const tz = this.timeZone;
    const cells: (Uint8Array | null)[] = new Array(this.plans.length);

    const empty = value.length === 0 || (value.length === 1 && value[0] === 0);
    let v2: RowV2 | null = null;
    let v1: Map<number, Datum> | null = null;
    if (!empty) {
      if (value[0] === ROW_V2_VERSION) v2 = parseRowV2(value);
      else v1 = parseRowV1(value);
    }

    for (let i = 0; i < this.plans.length; i++) {
      const p = this.plans[i]!;
      const ft = p.out.column.type;
      try {
        if (v2 !== null) {
          const b = rowV2Get(v2, p.id);
          if (b !== undefined) {
            cells[i] = b === null ? null : renderV2(ft, b, tz);
            continue;
          }
        }
        if (v1 !== null && v1.has(p.id)) {
          cells[i] = renderDatum(ft, v1.get(p.id)!, tz);
          continue;
        }
        if (p.isIntHandle && handle.kind === 'int') {
          const x = isUnsigned(ft) ? BigInt.asUintN(64, handle.value) : handle.value;
          cells[i] = text(x.toString());
          continue;
        }
        if (p.handleIndex >= 0 && handle.kind === 'common') {
          if (p.handlePrefix) throw new DataError('prefix PRIMARY KEY column is missing from the row value');
          if (p.handleSortKey) {
            throw new DataError(
              `PRIMARY KEY column with collation ${ft.Collate} is missing from the row value; the key holds its ` +
                'collation sort key (new collation), not the text, so it is not exported',
            );
          }
          handleDatums ??= this.splitHandle(handle.bytes);
          cells[i] = renderDatum(ft, handleDatums[p.handleIndex]!, tz);
          continue;
        }
        if (!p.def.ok) throw new DataError(`column is not stored and its origin default is unusable: ${p.def.error}`);
        if (p.def.cell === null && p.notNull) {
          throw new DataError('NOT NULL column is missing from the row and has no origin default');
        }
        cells[i] = p.def.cell;
      } catch (e) {
        if (e instanceof DataError || e instanceof FormatError || e instanceof RangeError) {
          throw new DataError(`column ${p.out.name} (id ${p.id}): ${e.message}`);
        }
        throw e;
      }
    }
    return cells;
  }

  private checkHandle(handle: Handle): void {
    if (this.commonHandle && handle.kind !== 'common') {
      throw new DataError('clustered (common handle) table row has an 8-byte int handle');
    }
    if (this.intHandle && handle.kind !== 'int') {
      throw new DataError('int-handle table row has a common handle');
    }
  }

  private splitHandle(bytes: Uint8Array): Datum[] {
    const datums = decodeDatums(bytes);
    if (datums.length !== this.handleColumnCount) {
      throw new DataError(`common handle has ${datums.length} datums, PRIMARY KEY has ${this.handleColumnCount} columns`);
    }
    return datums;
  }
}
