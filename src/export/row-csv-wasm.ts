/**
 * A whole row in WebAssembly: one TiDB row v2 value -> its Dumpling CSV line, written straight
 * into the CSV formatter's buffer, which lives in the module's memory (csv.ts ByteBuf). The
 * same reader as row-csv.ts's JS fast path, for tables whose columns are all integers (1, 2, 4
 * or 8 bytes, signed or unsigned, printed in full 64-bit range) and strings (quoted and
 * escaped 16 bytes per step with SIMD), with the int handle taken from the record key.
 *
 * The module is tools/wasm/row-csv.wat compiled with wabt (tools/wasm/build.mjs; a test checks
 * that these bytes are what the .wat compiles to); the .wat documents the memory layout. It
 * never decides that a row is bad: anything it does not read exactly as the JS path would (row
 * v1, a bad or odd header, another integer width, a column missing from the row, whose default
 * the JS path writes) makes it decline, and the JS path writes that row and reports its errors.
 * test/export/row-csv-wasm.test.ts compares it with the general path on random and mutated rows.
 */
import { instantiate, type WasmMemory } from './wasm.js';

export const ROW_CSV_WASM = 'AGFzbQEAAAABFwNgA39/fwF/YAN+f38Bf2AEf39/fwF/AwYFAAECAAIFAwEAAwcQAgZtZW1vcnkCAANyb3cABArvDAVVAQR/IAFBAWshBAJAA0AgAyAESg0BIAMgBGpBAXYhBSAAIAVBAnRqKAIAIQYgBiACRgRAIAUPCyAGIAJJBEAgBUEBaiEDBSAFQQFrIQQLDAALC0F/C7IBAwF/AX4CfyABIABCAFNxBEAgAkEtOgAAIAJBAWohAkIAIAB9IQALQcAAIQMCQANAIABCgICAgBBUDQEgAEIKgCEEIANBAWshAyADQTAgACAEQgp+fadqOgAAIAQhAAwACwsgAKchBQNAIAVBCm4hBiADQQFrIQMgA0EwIAUgBkEKbGtqOgAAIAYhBSAFDQALIAIgA/0ABAD9CwQAIAIgA/0ABBD9CwQQIAJBwAAgA2tqC7oCAwF7BH8BeyAD/Q8hCQJAA0AgASAAayEGIAZBAEwNASAA/QAEACEEIAT9DAAAAAAAAAAAAAAAAAAAAAD9IyAE/QwKCgoKCgoKCgoKCgoKCgoK/SP9UCAE/QwNDQ0NDQ0NDQ0NDQ0NDQ0N/SMgBP0MXFxcXFxcXFxcXFxcXFxcXP0j/VAgBCAJ/SP9UP1Q/WQhBSAGQRBJBEAgBUEBIAZ0QQFrcSEFCyACIAT9CwQAIAVFBEAgBkEQSwRAQRAhBgsgAiAGaiECIAAgBmohAAwBCyAFaCEHIAIgB2ohAiAAIAdqIQAgAC0AACEIIAJB3AA6AAAgAiAIIANGBH8gCAUgCEUEf0EwBSAIQQpGBH9B7gAFIAhBDUYEf0HyAAUgCAsLCws6AAEgAkECaiECIABBAWohAAwACwsgAgs/ACACIAD9AAQA/QsEACABQRBLBEAgAiAA/QAEEP0LBBAgAiAA/QAEIP0LBCAgAiAA/QAEMP0LBDALIAIgAWoL5gcDGH8BfgJ/QYCABCAAaiEEIABBBkkEQEF/DwtBgIAELQAAQYABRwRAQX8PC0GBgAQtAAAhBSAFQXxxBEBBfw8LIAVBAXEhBkGCgAQvAQAhB0GEgAQvAQAhCCAHQYAISyAIQYAIS3IEQEF/DwtBhoAEIQkgCSAHIAZBAXR0aiEKIAogCCAGQQF0dGohCyALIAcgBkEBanRqIQwgDCAESwRAQX8PC0F/IRICQANAIA8gB08NASAGBEAgCSAPQQJ0aigCACEQIAsgD0ECdGooAgAhDgUgCSAPai0AACEQIAsgD0EBdGovAQAhDgsgDiANSQRAQX8PCyAOIAQgDGtLBEBBfw8LIA9BAEcgECASTXEEQEF/DwsgD0ECdCAQNgKAICAPQQJ0IA42AoBAIBAhEiAOIQ0gD0EBaiEPDAALCyAMIA1qIRAgBUECcQRAIBAgBE8EQEF/DwtBCUEFIBAtAABBCHEbIREgBCAQayARRwRAQX8PCwUgECAERwRAQX8PCwtBACEPAkADQCAPIAhPDQEgBgR/IAogD0ECdGooAgAFIAogD2otAAALIRAgD0EARyAQIBJNcQRAQX8PC0GAICAHIBAQAEEATgRAQX8PCyAPQQJ0IBA2AoBgIBAhEiAPQQFqIQ8MAAsLQQQoAgAhFEECLQAAIR5BAS0AACEdQYCAASEVAkADQCATIBRPDQEgEwRAIANBAC0AADoAACADQQFqIQMLIBUoAgAhFiAVLQAEIRcgGSAHSSAZQQJ0KAKAICAWRnEEfyAZBUGAICAHIBYQAAshGAJAIBhBAE4EQCAYQQFqIRkgDCAYBH8gGEECdCgC/D8FQQALaiEaIAwgGEECdCgCgEBqIQ4gF0ECRgRAIAMgHToAACAaIA4gA0EBaiAeEAIhAyADIB06AAAgA0EBaiEDDAILIA4gGmshGyAbQQFGBEAgFwR+IBoxAAAFIBowAAALIRwFIBtBAkYEQCAXBH4gGjMBAAUgGjIBAAshHAUgG0EERgRAIBcEfiAaNQIABSAaNAIACyEcBSAbQQhGBEAgGikDACEcBUF/DwsLCwsgHCAXRSADEAEhAwwBCyAIBEBBgOAAIAggFhAAQQBOBEBBwABBCCgCACADEAMhAwwCCwsgFS0ABSEQIBBFBEBBfw8LIBBBA0YEQEHAAEEIKAIAIAMQAyEDDAELIBBBBEYEQCAVKAIMIRsgAyAVKAIIIBv8CgAAIAMgG2ohAwwBCyABrUIghiACrYRCgICAgICAgICAf4UhHCAcIBBBAUYgAxABIQMLIBVBEGohFSATQQFqIRMMAAsLQYABQQwoAgAgAxADCw==';

/** Where the row value is copied, and the longest value the module takes. */
const IN = 65536;
export const ROW_IN_MAX = 65536 - 32;
/** The columns' literals (defaults' fields) and the room they have. */
const LITERALS = 131072;
const MAX_LITERALS = 65536;
/** The CSV formatter's buffer starts here in the module's memory. */
export const ROW_OUT = 196608;
const COLS = 16384;
const COL_SIZE = 16;
/** Columns the module's column table holds. */
const MAX_COLS = (IN - COLS) / COL_SIZE;

/** Column modes of the .wat. */
export const RowMode = { Int: 0, Uint: 1, Str: 2 } as const;
/**
 * How a column missing from the row value is written: not at all (the row is declined), as the
 * int handle, as NULL, or as a literal (its default's CSV field).
 */
export const Missing = { Decline: 0, SignedHandle: 1, UnsignedHandle: 2, Null: 3, Literal: 4 } as const;

export interface RowColumn {
  id: number;
  mode: number;
  missing: number;
  /** With Missing.Literal: the field as the formatter writes it (quoted, escaped). */
  literal?: Uint8Array;
}

export class RowCsvWasm {
  readonly memory: WasmMemory;
  private readonly fn: (len: number, hi: number, lo: number, o: number) => number;
  private input: Uint8Array;
  private owner: object | undefined;
  /** The last value array given to row(), its ArrayBuffer and offset (`.buffer` costs a call). */
  private lastArray: Uint8Array | undefined;
  private lastBuffer: ArrayBufferLike = new ArrayBuffer(0);
  private lastOffset = 0;
  /** Output bytes a row needs besides twice its value length (set by use()). */
  private perRow = 0;
  private readonly perColumn: number;
  private readonly term: number;

  private constructor(exports: Record<string, unknown>, separator: number, delimiter: number, nullValue: Uint8Array, term: Uint8Array) {
    this.memory = exports.memory as WasmMemory;
    this.fn = exports.row as (len: number, hi: number, lo: number, o: number) => number;
    // room for the output buffer from the start (the formatter grows it later)
    this.memory.grow(3);
    const m = new Uint8Array(this.memory.buffer);
    m[0] = separator;
    m[1] = delimiter;
    m[2] = delimiter; // the escaped byte: the delimiter's (Dumpling dialect)
    const dv = new DataView(this.memory.buffer);
    dv.setInt32(8, nullValue.length, true);
    dv.setInt32(12, term.length, true);
    m.set(nullValue, 64);
    m.set(term, 128);
    this.input = new Uint8Array(this.memory.buffer, IN, ROW_IN_MAX);
    // a column: separator, two quotes, and the longer of NULL and 20 digits with a sign
    this.perColumn = 3 + Math.max(nullValue.length, 21);
    this.term = term.length;
  }

  /**
   * A row writer for Dumpling's dialect with these 1-byte separator and delimiter, or undefined
   * (WebAssembly off, or NULL text or line terminator longer than 64 bytes).
   */
  static create(separator: number, delimiter: number, nullValue: Uint8Array, term: Uint8Array): RowCsvWasm | undefined {
    if (nullValue.length > 64 || term.length > 64) return undefined;
    const e = instantiate(ROW_CSV_WASM);
    return e === undefined ? undefined : new RowCsvWasm(e, separator, delimiter, nullValue, term);
  }

  /** Whether these columns (and their literals) fit the module's tables. */
  static fits(cols: readonly RowColumn[]): boolean {
    return cols.length <= MAX_COLS && cols.reduce((n, c) => n + (c.literal?.length ?? 0), 0) <= MAX_LITERALS;
  }

  /** Loads the column table of `owner` (a row writer), unless it is the one loaded. */
  use(owner: object, cols: readonly RowColumn[]): void {
    if (this.owner === owner) return;
    if (!RowCsvWasm.fits(cols)) throw new RangeError(`internal: ${cols.length} columns do not fit the WebAssembly row writer`);
    const dv = new DataView(this.memory.buffer);
    const mem = new Uint8Array(this.memory.buffer);
    dv.setInt32(4, cols.length, true);
    let lit = LITERALS;
    for (let i = 0; i < cols.length; i++) {
      const c = cols[i]!;
      const at = COLS + COL_SIZE * i;
      dv.setUint32(at, c.id, true);
      dv.setUint8(at + 4, c.mode);
      dv.setUint8(at + 5, c.missing);
      const l = c.literal ?? new Uint8Array(0);
      mem.set(l, lit);
      dv.setUint32(at + 8, lit, true);
      dv.setUint32(at + 12, l.length, true);
      lit += l.length;
    }
    this.perRow = cols.length * this.perColumn + (lit - LITERALS) + this.term + 64;
    this.owner = owner;
  }

  /** Bytes to reserve at the output for a row whose value is `len` bytes. */
  reserve(len: number): number {
    return 2 * len + this.perRow;
  }

  /**
   * Writes the line of the row whose value is v[start, end) (at most ROW_IN_MAX bytes) at
   * memory offset `o` (reserve() bytes available); returns the offset after it, or -1 when
   * declined. hi, lo: the record key's handle bytes (big-endian, sign bit flipped).
   */
  row(v: Uint8Array, start: number, end: number, hi: number, lo: number, o: number): number {
    let input = this.input;
    if (input.length === 0) {
      // the memory grew (the formatter's buffer): views of the old one are detached
      input = this.input = new Uint8Array(this.memory.buffer, IN, ROW_IN_MAX);
    }
    if (v !== this.lastArray) {
      this.lastArray = v;
      this.lastBuffer = v.buffer;
      this.lastOffset = v.byteOffset;
    }
    // a view built from the cached buffer costs less than v.subarray() (30 vs 45 ns measured)
    input.set(new Uint8Array(this.lastBuffer, this.lastOffset + start, end - start));
    return this.fn(end - start, hi, lo, o);
  }
}
