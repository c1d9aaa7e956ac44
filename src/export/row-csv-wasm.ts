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

export const ROW_CSV_WASM = 'AGFzbQEAAAABIARgA39/fwF/YAN+f38Bf2AEf39/fwF/YAV/f39/fwF/AwYFAAECAAMFAwEAAwcQAgZtZW1vcnkCAANyb3cABArmDAVVAQR/IAFBAWshBAJAA0AgAyAESg0BIAMgBGpBAXYhBSAAIAVBAnRqKAIAIQYgBiACRgRAIAUPCyAGIAJJBEAgBUEBaiEDBSAFQQFrIQQLDAALC0F/C7IBAwF/AX4CfyABIABCAFNxBEAgAkEtOgAAIAJBAWohAkIAIAB9IQALQcAAIQMCQANAIABCgICAgBBUDQEgAEIKgCEEIANBAWshAyADQTAgACAEQgp+fadqOgAAIAQhAAwACwsgAKchBQNAIAVBCm4hBiADQQFrIQMgA0EwIAUgBkEKbGtqOgAAIAYhBSAFDQALIAIgA/0ABAD9CwQAIAIgA/0ABBD9CwQQIAJBwAAgA2tqC7oCAwF7BH8BeyAD/Q8hCQJAA0AgASAAayEGIAZBAEwNASAA/QAEACEEIAT9DAAAAAAAAAAAAAAAAAAAAAD9IyAE/QwKCgoKCgoKCgoKCgoKCgoK/SP9UCAE/QwNDQ0NDQ0NDQ0NDQ0NDQ0N/SMgBP0MXFxcXFxcXFxcXFxcXFxcXP0j/VAgBCAJ/SP9UP1Q/WQhBSAGQRBJBEAgBUEBIAZ0QQFrcSEFCyACIAT9CwQAIAVFBEAgBkEQSwRAQRAhBgsgAiAGaiECIAAgBmohAAwBCyAFaCEHIAIgB2ohAiAAIAdqIQAgAC0AACEIIAJB3AA6AAAgAiAIIANGBH8gCAUgCEUEf0EwBSAIQQpGBH9B7gAFIAhBDUYEf0HyAAUgCAsLCws6AAEgAkECaiECIABBAWohAAwACwsgAgs/ACACIAD9AAQA/QsEACABQRBLBEAgAiAA/QAEEP0LBBAgAiAA/QAEIP0LBCAgAiAA/QAEMP0LBDALIAIgAWoL3QcDGH8BfgJ/IAAgAWohBSABQQZJBEBBfw8LIAAtAABBgAFHBEBBfw8LIAAtAAEhBiAGQXxxBEBBfw8LIAZBAXEhByAALwECIQggAC8BBCEJIAhBgAhLIAlBgAhLcgRAQX8PCyAAQQZqIQogCiAIIAdBAXR0aiELIAsgCSAHQQF0dGohDCAMIAggB0EBanRqIQ0gDSAFSwRAQX8PC0F/IRMCQANAIBAgCE8NASAHBEAgCiAQQQJ0aigCACERIAwgEEECdGooAgAhDwUgCiAQai0AACERIAwgEEEBdGovAQAhDwsgDyAOSQRAQX8PCyAPIAUgDWtLBEBBfw8LIBBBAEcgESATTXEEQEF/DwsgEEECdCARNgKAICAQQQJ0IA82AoBAIBEhEyAPIQ4gEEEBaiEQDAALCyANIA5qIREgBkECcQRAIBEgBU8EQEF/DwtBCUEFIBEtAABBCHEbIRIgBSARayASRwRAQX8PCwUgESAFRwRAQX8PCwtBACEQAkADQCAQIAlPDQEgBwR/IAsgEEECdGooAgAFIAsgEGotAAALIREgEEEARyARIBNNcQRAQX8PC0GAICAIIBEQAEEATgRAQX8PCyAQQQJ0IBE2AoBgIBEhEyAQQQFqIRAMAAsLQQQoAgAhFUECLQAAIR9BAS0AACEeQYCAASEWAkADQCAUIBVPDQEgFARAIARBAC0AADoAACAEQQFqIQQLIBYoAgAhFyAWLQAEIRggGiAISSAaQQJ0KAKAICAXRnEEfyAaBUGAICAIIBcQAAshGQJAIBlBAE4EQCAZQQFqIRogDSAZBH8gGUECdCgC/D8FQQALaiEbIA0gGUECdCgCgEBqIQ8gGEECRgRAIAQgHjoAACAbIA8gBEEBaiAfEAIhBCAEIB46AAAgBEEBaiEEDAILIA8gG2shHCAcQQFGBEAgGAR+IBsxAAAFIBswAAALIR0FIBxBAkYEQCAYBH4gGzMBAAUgGzIBAAshHQUgHEEERgRAIBgEfiAbNQIABSAbNAIACyEdBSAcQQhGBEAgGykDACEdBUF/DwsLCwsgHSAYRSAEEAEhBAwBCyAJBEBBgOAAIAkgFxAAQQBOBEBBwABBCCgCACAEEAMhBAwCCwsgFi0ABSERIBFFBEBBfw8LIBFBA0YEQEHAAEEIKAIAIAQQAyEEDAELIBFBBEYEQCAWKAIMIRwgBCAWKAIIIBz8CgAAIAQgHGohBAwBCyACrUIghiADrYRCgICAgICAgICAf4UhHSAdIBFBAUYgBBABIQQLIBZBEGohFiAUQQFqIRQMAAsLQYABQQwoAgAgBBADCw==';

/** Where the row value is copied (at IN + its offset mod 4), and the longest value taken. */
const IN = 65536;
export const ROW_IN_MAX = 65536 - 32;
const IN_WORD = IN >> 2;
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
  private readonly fn: (at: number, len: number, hi: number, lo: number, o: number) => number;
  /** The module's memory as bytes and as 32-bit words (views renewed when it grows). */
  private bytes: Uint8Array;
  private words: Int32Array;
  private owner: object | undefined;
  /**
   * The last value array given to row(), its offset, and its ArrayBuffer as 32-bit words
   * (`.buffer` costs a runtime call: asked once per array).
   */
  private lastArray: Uint8Array | undefined;
  private lastOffset = 0;
  private srcWords: Int32Array = new Int32Array(0);
  /** Output bytes a row needs besides twice its value length (set by use()). */
  private perRow = 0;
  private readonly perColumn: number;
  private readonly term: number;

  private constructor(exports: Record<string, unknown>, separator: number, delimiter: number, nullValue: Uint8Array, term: Uint8Array) {
    this.memory = exports.memory as WasmMemory;
    this.fn = exports.row as (at: number, len: number, hi: number, lo: number, o: number) => number;
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
    this.bytes = new Uint8Array(this.memory.buffer);
    this.words = new Int32Array(this.memory.buffer);
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
    let words = this.words;
    if (words.length === 0) {
      // the memory grew (the formatter's buffer): views of the old one are detached
      words = this.words = new Int32Array(this.memory.buffer);
      this.bytes = new Uint8Array(this.memory.buffer);
    }
    if (v !== this.lastArray) {
      this.lastArray = v;
      this.lastOffset = v.byteOffset;
      const ab = v.buffer;
      this.srcWords = new Int32Array(ab, 0, ab.byteLength >>> 2);
    }
    // The value is copied as the aligned 32-bit words of its buffer that hold it, so it lands at
    // IN + (its offset mod 4); the last partial word byte by byte (it may be the buffer's end).
    // No view is made per row: an allocation per row cost more in scavenges than the copy.
    const s = this.lastOffset + start;
    const e = this.lastOffset + end;
    const src = this.srcWords;
    const wEnd = e >>> 2;
    let d = IN_WORD;
    for (let w = s >>> 2; w < wEnd; w++) words[d++] = src[w]!;
    const bytes = this.bytes;
    for (let j = Math.max(wEnd << 2, s), k = IN + (j - (s & ~3)); j < e; j++, k++) bytes[k] = v[j - this.lastOffset]!;
    return this.fn(IN + (s & 3), end - start, hi, lo, o);
  }
}
