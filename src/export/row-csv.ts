/**
 * Row value -> CSV line without the intermediate cells: a per-table compiled writer.
 *
 * `CsvRowWriter.row(rawKey, value)` returns the same bytes as
 * `formatter.row(decoder.decode(rawKey, value))` (test/export/row-csv.test.ts runs both over
 * every fixture row and over random rows), but for the common shape -- an int-handle table, a
 * row v2 value (pingcap/tidb:pkg/util/rowcodec, layout in src/tidb/row-v2.ts) -- it reads the
 * row header into reused typed arrays and writes each column's CSV field straight from the value
 * bytes into the formatter's buffer: integers as digits without bigint, strings escaped in
 * place without a copy, other types through renderV2 (one small allocation).
 *
 * Tables whose columns are all integers and strings go a step further: the whole line is
 * written by WebAssembly (row-csv-wasm.ts) straight from the value bytes; a row it declines
 * takes the JS paths.
 *
 * Anything else -- row v1, an empty value, a common handle, a keyspace prefix, a header or
 * value the fast reader does not accept, a column whose value would not render -- goes through
 * the general path (decoder.decode + formatter.row), which also produces the errors. The fast
 * reader therefore never decides that a row is bad; it only declines.
 */
import { RowDecoder, type ColumnPlan } from '../tidb/row-decoder.js';
import { isIntType, isStringType, isUnsigned, renderV2, text } from '../tidb/render.js';
import { TypeCode, type FieldType } from '../tidb/table-info.js';
import { isUtc, type TimeZone } from '../tidb/time-zone.js';
import { clampFsp } from '../tidb/mysql-time.js';
import type { CellKind, CsvFormatter } from './csv.js';
import { Missing, RowCsvWasm, RowMode, ROW_IN_MAX, type RowColumn } from './row-csv-wasm.js';
import type { RowScan, TableDecoder } from './source.js';

const MODE_INT = 0;
const MODE_UINT = 1;
const MODE_STR = 2;
const MODE_OTHER = 3;

/** |x| below this is exact as a double. */
const SAFE_HI = 0x200000; // 2^21: hi * 2^32 + lo < 2^53

interface Compiled {
  ids: Uint32Array;
  modes: Uint8Array;
  kinds: CellKind[];
  types: FieldType[];
  intHandle: Uint8Array;
  handleUnsigned: Uint8Array;
  plans: readonly ColumnPlan[];
  tz: TimeZone;
}

export class CsvRowWriter {
  private readonly decoder: TableDecoder;
  private readonly formatter: CsvFormatter;
  private readonly c: Compiled | null;
  /** The column table for the WebAssembly row writer, when every column is one it writes. */
  private wcols: RowColumn[] | null;
  // row v2 header scratch, reused across rows
  private nn = new Uint32Array(64);
  private nl = new Uint32Array(64);
  private ends = new Uint32Array(64);
  /** Rows written by the fast path / by the general path (for tests and profiling). */
  fastRows = 0;
  slowRows = 0;
  /** Rows written by / declined by the WebAssembly row writer (fastRows counts them too). */
  wasmRows = 0;
  wasmDeclined = 0;

  constructor(decoder: TableDecoder, formatter: CsvFormatter) {
    this.decoder = decoder;
    this.formatter = formatter;
    this.c = decoder instanceof RowDecoder && !decoder.isCommonHandle ? compile(decoder) : null;
    this.wcols = this.c !== null && formatter.rowWasm?.writesRows === true ? wasmColumns(this.c, formatter) : null;
  }

  /**
   * The row through the WebAssembly row writer (row-csv-wasm.ts) when it can take it: an int
   * handle record key and a value of at most ROW_IN_MAX bytes. A writer that has had more rows
   * declined than written (at least 64: e.g. a table of row format v1) stops asking.
   */
  private wasm(rawKey: Uint8Array, v: Uint8Array, start: number, end: number, stable: boolean): boolean {
    const k = rawKey;
    if (k.length !== 19 || k[0] !== 0x74 || k[9] !== 0x5f || k[10] !== 0x72 || k[1] !== 0x80 || k[2] !== 0 || end - start > ROW_IN_MAX) {
      return false;
    }
    const f = this.formatter;
    const w = f.rowWasm!;
    w.use(this, this.wcols!);
    const hi = ((k[11]! << 24) | (k[12]! << 16) | (k[13]! << 8) | k[14]!) >>> 0;
    const lo = ((k[15]! << 24) | (k[16]! << 16) | (k[17]! << 8) | k[18]!) >>> 0;
    let r = f.wasmRow(v, start, end, hi, lo, stable);
    while (r <= -2) {
      // a column of another type (or an integer of another width): its field as fast() writes it
      const ci = -2 - r;
      const c = this.c!;
      let cell: Uint8Array;
      try {
        cell = renderV2(c.types[ci]!, w.pendingField(), c.tz);
      } catch {
        r = -1; // the general path reports the error
        break;
      }
      r = f.wasmField(ci, c.kinds[ci]!, cell, hi, lo, w.reserve(end - start));
    }
    if (r >= 0) {
      this.wasmRows++;
      return true;
    }
    if (++this.wasmDeclined >= 64 && this.wasmDeclined > this.wasmRows) this.wcols = null;
    return false;
  }

  /**
   * The CSV line of one row (terminator included): a view valid until the next call. Throws what
   * decoder.decode throws for a row that does not decode.
   */
  row(rawKey: Uint8Array, value: Uint8Array): Uint8Array {
    if (this.wcols !== null && this.wasm(rawKey, value, 0, value.length, false)) {
      this.fastRows++;
      return this.formatter.lastRow();
    }
    if (this.c !== null && this.fast(this.c, rawKey, value, 0, value.length)) {
      this.fastRows++;
      return this.formatter.end();
    }
    this.slowRows++;
    return this.formatter.row(this.decoder.decode(rawKey, value));
  }

  /**
   * Appends the CSV line of one row, whose value is buf[start, end), to the formatter's kept
   * rows (CsvFormatter.keepRow; the writer takes them with takeKept()) instead of returning a
   * view: the line is written once, in place, and the value needs no view of its own (a scan's
   * valueBuffer()). `stable`: buf is never refilled in place while it is passed again (a scan's
   * valueBuffer(), see RowScan), which lets the WebAssembly writer copy it once for all its
   * rows. Throws what row() throws; then nothing is kept.
   */
  append(rawKey: Uint8Array, buf: Uint8Array, start: number, end: number, stable = false): void {
    const f = this.formatter;
    if (this.wcols !== null && this.wasm(rawKey, buf, start, end, stable)) {
      this.fastRows++;
    } else if (this.c !== null && this.fast(this.c, rawKey, buf, start, end)) {
      this.fastRows++;
      f.endRow();
    } else {
      this.slowRows++;
      f.row(this.decoder.decode(rawKey, start === 0 && end === buf.length ? buf : buf.subarray(start, end)));
    }
    f.keepRow();
  }

  /**
   * Writes the cells of the row whose value is v[vs, ve) (begin() .. last cell, no terminator);
   * false = declined.
   */
  private fast(c: Compiled, key: Uint8Array, v: Uint8Array, vs: number, ve: number): boolean {
    // int handle record key: 't' + cmp(table id) + '_r' + cmp(handle); table id in [0, 2^48)
    if (key.length !== 19 || key[0] !== 0x74 || key[9] !== 0x5f || key[10] !== 0x72 || key[1] !== 0x80 || key[2] !== 0) {
      return false;
    }
    // row v2 header
    if (ve - vs < 6 || v[vs] !== 0x80) return false;
    const flags = v[vs + 1]!;
    if ((flags & ~0x03) !== 0) return false;
    const large = (flags & 0x01) !== 0;
    const n = v[vs + 2]! | (v[vs + 3]! << 8);
    const m = v[vs + 4]! | (v[vs + 5]! << 8);
    const idSize = large ? 4 : 1;
    const offSize = large ? 4 : 2;
    let p = vs + 6;
    if (p + (n + m) * idSize + n * offSize > ve) return false;
    if (this.nn.length < n) this.nn = new Uint32Array(n * 2);
    if (this.ends.length < n) this.ends = new Uint32Array(n * 2);
    if (this.nl.length < m) this.nl = new Uint32Array(m * 2);
    const nn = this.nn;
    const nl = this.nl;
    const ends = this.ends;
    if (large) {
      for (let i = 0; i < n; i++, p += 4) nn[i] = u32le(v, p);
      for (let i = 0; i < m; i++, p += 4) nl[i] = u32le(v, p);
      for (let i = 0; i < n; i++, p += 4) ends[i] = u32le(v, p);
    } else {
      for (let i = 0; i < n; i++) nn[i] = v[p++]!;
      for (let i = 0; i < m; i++) nl[i] = v[p++]!;
      for (let i = 0; i < n; i++, p += 2) ends[i] = v[p]! | (v[p + 1]! << 8);
    }
    const dataStart = p;
    let prev = 0;
    for (let i = 0; i < n; i++) {
      const e = ends[i]!;
      if (e < prev || dataStart + e > ve) return false;
      if (i > 0 && nn[i]! <= nn[i - 1]!) return false;
      prev = e;
    }
    const dataEnd = dataStart + prev;
    if ((flags & 0x02) !== 0) {
      if (dataEnd >= ve) return false;
      if (ve - dataEnd !== ((v[dataEnd]! & 0x08) !== 0 ? 9 : 5)) return false;
    } else if (dataEnd !== ve) {
      return false;
    }
    for (let i = 0; i < m; i++) {
      if (i > 0 && nl[i]! <= nl[i - 1]!) return false;
      if (find(nn, n, nl[i]!) >= 0) return false;
    }

    const f = this.formatter;
    f.begin();
    const ids = c.ids;
    const cols = ids.length;
    for (let ci = 0; ci < cols; ci++) {
      const id = ids[ci]!;
      const kind = c.kinds[ci]!;
      const idx = find(nn, n, id);
      if (idx >= 0) {
        const s = dataStart + (idx === 0 ? 0 : ends[idx - 1]!);
        const e = dataStart + ends[idx]!;
        const mode = c.modes[ci]!;
        if (mode === MODE_STR) {
          f.cell(kind, v, s, e);
          continue;
        }
        if (mode !== MODE_OTHER) {
          const signed = mode === MODE_INT;
          const w = e - s;
          if (w === 1) {
            f.intCell(kind, signed ? (v[s]! << 24) >> 24 : v[s]!);
            continue;
          }
          if (w === 2) {
            const x = v[s]! | (v[s + 1]! << 8);
            f.intCell(kind, signed ? (x << 16) >> 16 : x);
            continue;
          }
          if (w === 4) {
            const x = u32le(v, s);
            f.intCell(kind, signed ? x | 0 : x);
            continue;
          }
          if (w === 8 && this.u64Cell(kind, u32le(v, s + 4), u32le(v, s), signed)) continue;
        }
        // any other type or width: the general renderer for this one cell
        let cell: Uint8Array;
        try {
          cell = renderV2(c.types[ci]!, v.subarray(s, e), c.tz);
        } catch {
          return false; // the general path reports the error
        }
        f.cell(kind, cell, 0, cell.length);
        continue;
      }
      if (m > 0 && find(nl, m, id) >= 0) {
        f.nullCell();
        continue;
      }
      if (c.intHandle[ci] === 1) {
        // cmp-encoded handle: big-endian with the sign bit flipped
        const hi = (((key[11]! ^ 0x80) << 24) | (key[12]! << 16) | (key[13]! << 8) | key[14]!) >>> 0;
        const lo = ((key[15]! << 24) | (key[16]! << 16) | (key[17]! << 8) | key[18]!) >>> 0;
        if (!this.u64Cell(kind, hi, lo, c.handleUnsigned[ci] === 0)) this.bigCell(kind, hi, lo, c.handleUnsigned[ci] === 0);
        continue;
      }
      const def = c.plans[ci]!.def;
      if (!def.ok) return false;
      if (def.cell === null) {
        if (c.plans[ci]!.notNull) return false;
        f.nullCell();
      } else {
        f.cell(kind, def.cell, 0, def.cell.length);
      }
    }
    return true;
  }

  /** A 64-bit integer given as two 32-bit halves; false when it is outside ±2^53. */
  private u64Cell(kind: CellKind, hi: number, lo: number, signed: boolean): boolean {
    if (hi < SAFE_HI) {
      this.formatter.intCell(kind, hi * 4294967296 + lo);
      return true;
    }
    if (signed && hi >= 0x80000000) {
      const nhi = ~hi >>> 0;
      if (nhi < SAFE_HI) {
        this.formatter.intCell(kind, -(nhi * 4294967296 + (~lo >>> 0) + 1));
        return true;
      }
    }
    return false;
  }

  private bigCell(kind: CellKind, hi: number, lo: number, signed: boolean): void {
    const bits = (BigInt(hi) << 32n) | BigInt(lo);
    const t = text((signed ? BigInt.asIntN(64, bits) : bits).toString());
    this.formatter.cell(kind, t, 0, t.length);
  }
}

function u32le(b: Uint8Array, p: number): number {
  return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
}

function find(ids: Uint32Array, n: number, id: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const x = ids[mid]!;
    if (x === id) return mid;
    if (x < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/**
 * The WebAssembly row writer's column table: integers printed as numbers, strings (and raw
 * binary) quoted, DATETIME, DATE and (printed in UTC) TIMESTAMP are written by the module, any
 * other column's field by JS (wasm() above, as
 * fast() writes it). A column missing from a row is written as the handle, NULL or its default's
 * field (rendered here once), as fast() does; a default that does not render makes the module
 * decline such rows. Null (the JS paths only) when under half of the columns are the module's
 * own, where the round trips to JS would cost more than they save, or when the table does not
 * fit its tables.
 */
function wasmColumns(c: Compiled, f: CsvFormatter): RowColumn[] | null {
  const cols: RowColumn[] = [];
  let own = 0;
  for (let i = 0; i < c.ids.length; i++) {
    const mode = c.modes[i]!;
    const kind = c.kinds[i]!;
    let m: number = RowMode.Js;
    const tp = c.types[i]!.Tp;
    let fsp = 0;
    if ((mode === MODE_INT || mode === MODE_UINT) && kind === 'number') m = mode === MODE_INT ? RowMode.Int : RowMode.Uint;
    else if (mode === MODE_STR && (kind === 'string' || (kind === 'bytes' && f.options.binaryFormat === 'raw'))) m = RowMode.Str;
    else if (kind === 'string' && (tp === TypeCode.Datetime || (tp === TypeCode.Timestamp && isUtc(c.tz)))) {
      // TIMESTAMPs only when printed in UTC, as stored (another zone: JS converts them)
      m = RowMode.DateTime;
      fsp = clampFsp(c.types[i]!.Decimal);
    } else if (kind === 'string' && (tp === TypeCode.Date || tp === TypeCode.NewDate)) m = RowMode.Date;
    if (m !== RowMode.Js || c.intHandle[i] === 1) own++;
    const col: RowColumn = { id: c.ids[i]!, mode: m, missing: Missing.Decline, fsp };
    const def = c.plans[i]!.def;
    if (c.intHandle[i] === 1) {
      if (kind !== 'number') return null;
      col.missing = c.handleUnsigned[i] === 1 ? Missing.UnsignedHandle : Missing.SignedHandle;
    } else if (!def.ok) col.missing = Missing.Decline;
    else if (def.cell === null) col.missing = c.plans[i]!.notNull ? Missing.Decline : Missing.Null;
    else {
      col.missing = Missing.Literal;
      col.literal = f.field(kind, def.cell);
    }
    cols.push(col);
  }
  return own * 2 >= cols.length && RowCsvWasm.fits(cols) ? cols : null;
}

function compile(d: RowDecoder): Compiled | null {
  const plans = d.plan;
  const k = plans.length;
  const c: Compiled = {
    ids: new Uint32Array(k),
    modes: new Uint8Array(k),
    kinds: [],
    types: [],
    intHandle: new Uint8Array(k),
    handleUnsigned: new Uint8Array(k),
    plans,
    tz: d.timeZone,
  };
  for (let i = 0; i < k; i++) {
    const p = plans[i]!;
    if (!Number.isInteger(p.id) || p.id < 0 || p.id > 0xffffffff) return null;
    const ft = p.out.column.type;
    const tp = ft.Tp;
    c.ids[i] = p.id;
    c.modes[i] = isIntType(tp) ? (isUnsigned(ft) ? MODE_UINT : MODE_INT) : isStringType(tp) || tp === TypeCode.Geometry ? MODE_STR : MODE_OTHER;
    c.kinds.push(p.out.kind);
    c.types.push(ft);
    c.intHandle[i] = p.isIntHandle ? 1 : 0;
    c.handleUnsigned[i] = isUnsigned(ft) ? 1 : 0;
  }
  return c;
}

/**
 * Highest commit_ts of the rows noted, kept as 8 big-endian bytes when the scan offers
 * `commitTsBytes()` (no bigint per row), else as a bigint.
 */
export class MaxCommitTs {
  /** The highest commit_ts seen through commitTsBytes(), as two unsigned 32-bit halves. */
  private hi = 0;
  private lo = 0;
  private big = 0n;

  note(scan: RowScan): void {
    if (scan.commitTsBytes === undefined) {
      const ts = scan.commitTs();
      if (ts > this.big) this.big = ts;
      return;
    }
    const b = scan.commitTsBytes();
    const hi = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
    if (hi < this.hi) return;
    const lo = ((b[4]! << 24) | (b[5]! << 16) | (b[6]! << 8) | b[7]!) >>> 0;
    if (hi > this.hi || lo > this.lo) {
      this.hi = hi;
      this.lo = lo;
    }
  }

  value(): bigint {
    const x = (BigInt(this.hi) << 32n) | BigInt(this.lo);
    return x > this.big ? x : this.big;
  }
}
