/**
 * A whole row in WebAssembly: one TiDB row v2 value -> its Dumpling CSV line, written straight
 * into the CSV formatter's buffer, which lives in the module's memory (csv.ts ByteBuf). The
 * same reader as row-csv.ts's JS fast path: integers (1, 2, 4 or 8 bytes, signed or unsigned,
 * printed in full 64-bit range), strings (quoted and escaped 16 bytes per step with SIMD),
 * DATETIME/DATE/UTC TIMESTAMP and the int handle from the record key are its own; the fields of
 * other types are written by JS in the middle of the line (resume()). The same escaping serves
 * long cells of the formatter's JS path (escape()).
 *
 * The module is tools/wasm/row-csv.wat compiled with wabt (tools/wasm/build.mjs; a test checks
 * that these bytes are what the .wat compiles to); the .wat documents the memory layout. It
 * never decides that a row is bad: anything it does not read exactly as the JS path would (a bad
 * or odd header, another integer width, a NOT NULL column without default missing from the row,
 * a value over ROW_IN_MAX bytes) makes it decline, and the JS path writes that row and reports
 * its errors. test/export/row-csv.test.ts compares it with the general path on fixture, random
 * and mutated rows, and runs again with TIKV_EXPORT_WASM=0 for the JS paths.
 */
import { instantiate, WASM_PAGE, type WasmMemory } from './wasm.js';
export const ROW_CSV_WASM = 'AGFzbQEAAAABMwdgA39/fwF/YAF/AX9gA35/fwF/YAR/f39/AX9gAn9/AGAFfn9/f38Bf2AFf39/f38BfwMLCgABAgMEBQAGAwYFAwEAAwcfBAZtZW1vcnkCAANlc2MAAwNyb3cABwZyZXN1bWUACAq0EwpVAQR/IAFBAWshBAJAA0AgAyAESg0BIAMgBGpBAXYhBSAAIAVBAnRqKAIAIQYgBiACRgRAIAUPCyAGIAJJBEAgBUEBaiEDBSAFQQFrIQQLDAALC0F/CxAAIACtQs2Zs+YMfkIjiKcL+AEDAX8BfgJ/IAEgAEIAU3EEQCACQS06AAAgAkEBaiECQgAgAH0hAAtBwAAhAwJAA0AgAEKAgICAEFQNASAAQgqAIQQgA0EBayEDIANBMCAAIARCCn59p2o6AAAgBCEADAALCyAApyEFAkADQCAFQeQASQ0BIAWtQp+Kro8FfkIliKchBiADQQJrIQMgAyAFIAZB5ABsa0EBdC8BgAg7AQAgBiEFDAALCyAFQQpPBEAgA0ECayEDIAMgBUEBdC8BgAg7AQAFIANBAWshAyADQTAgBWo6AAALIAIgA/0ABAD9CwQAIAIgA/0ABBD9CwQQIAJBwAAgA2tqC+EDAwJ7BH8BeyAD/Q8hCgJAA0AgASAAayEHIAdBAEwNASAA/QAEACEEIAT9DAAAAAAAAAAAAAAAAAAAAAD9IyAE/QwKCgoKCgoKCgoKCgoKCgoK/SP9UCAE/QwNDQ0NDQ0NDQ0NDQ0NDQ0N/SMgBP0MXFxcXFxcXFxcXFxcXFxcXP0j/VAgBCAK/SP9UP1Q/WQhBiAHQSBPBEAgAP0ABBAhBSAGIAX9DAAAAAAAAAAAAAAAAAAAAAD9IyAF/QwKCgoKCgoKCgoKCgoKCgoK/SP9UCAF/QwNDQ0NDQ0NDQ0NDQ0NDQ0N/SMgBf0MXFxcXFxcXFxcXFxcXFxcXP0j/VAgBSAK/SP9UP1Q/WRBEHRyIQYgAiAE/QsEACACIAX9CwQQIAZFBEAgAkEgaiECIABBIGohAAwCCwUgB0EQSQRAIAZBASAHdEEBa3EhBgsgAiAE/QsEACAGRQRAIAdBEEsEQEEQIQcLIAIgB2ohAiAAIAdqIQAMAgsLIAZoIQggAiAIaiECIAAgCGohACAALQAAIQkgAkHcADoAACACIAkgA0YEfyAJBSAJRQR/QTAFIAlBCkYEf0HuAAUgCUENRgR/QfIABSAJCwsLCzoAASACQQJqIQIgAEEBaiEADAALCyACCykBAX8gAEHNAWxBC3YhAiABQTAgAmo6AAAgAUEwIAAgAkEKbGtqOgABC+QCAQh/IABC////B4OnIQUgAEIYiEL//weDpyEGIABCKYinIQcgB0EfcSEKIAdBBXYhByAHQQ1uIQggByAIQQ1sayEJIAhBj84ASyAJQQxLciAKQR9LIAZBDHZBF0tyciAGQQZ2QT9xQTtLIAZBP3FBO0tyIAVBv4Q9S3JyBEBBfw8LIAQgAzoAACAIQeQAbiAEQQFqEAQgCEHkAHAgBEEDahAEIARBLToABSAJIARBBmoQBCAEQS06AAggCiAEQQlqEAQgBEELaiEEIAFFBEAgBEEgOgAAIAZBDHYgBEEBahAEIARBOjoAAyAGQQZ2QT9xIARBBGoQBCAEQTo6AAYgBkE/cSAEQQdqEAQgBEEJaiEEIAIEQCAEQS46AABBBiELA0AgBRABIQwgBCALakEwIAUgDEEKbGtqOgAAIAwhBSALQQFrIQsgCw0ACyAEIAJBAWpqIQQLCyAEIAM6AAAgBEEBags/ACACIAD9AAQA/QsEACABQRBLBEAgAiAA/QAEEP0LBBAgAiAA/QAEIP0LBCAgAiAA/QAEMP0LBDALIAIgAWoL/wMBD38gACABaiEFIAFBBkkEQEF/DwsgAC0AAEGAAUcEQEF/DwsgAC0AASEGIAZBfHEEQEF/DwsgBkEBcSEHIAAvAQIhCCAALwEEIQkgCEGACEsgCUGACEtyBEBBfw8LIABBBmohCiAKIAggB0EBdHRqIQsgCyAJIAdBAXR0aiEMIAwgCCAHQQFqdGohDSANIAVLBEBBfw8LQX8hEwJAA0AgECAITw0BIAcEQCAKIBBBAnRqKAIAIREgDCAQQQJ0aigCACEPBSAKIBBqLQAAIREgDCAQQQF0ai8BACEPCyAPIA5JBEBBfw8LIA8gBSANa0sEQEF/DwsgEEEARyARIBNNcQRAQX8PCyAQQQJ0IBE2AoAgIBBBAnQgDzYCgEAgESETIA8hDiAQQQFqIRAMAAsLIA0gDmohESAGQQJxBEAgESAFTwRAQX8PC0EJQQUgES0AAEEIcRshEiAFIBFrIBJHBEBBfw8LBSARIAVHBEBBfw8LC0EAIRACQANAIBAgCU8NASAHBH8gCyAQQQJ0aigCAAUgCyAQai0AAAshESAQQQBHIBEgE01xBEBBfw8LQYAgIAggERAAQQBOBEBBfw8LIBBBAnQgETYCgGAgESETIBBBAWohEAwACwtBwAEgDTYCAEHEASAINgIAQcgBIAk2AgBBAEEAIAIgAyAEEAkLEgAgAEHMASgCACABIAIgAxAJC4kFAwx/AX4Df0HAASgCACEFQcQBKAIAIQZByAEoAgAhB0EEKAIAIQpBAi0AACETQQEtAAAhEkGAgAEgAEEEdGohCwJAA0AgACAKTw0BIAQhFCAABEAgBEEALQAAOgAAIARBAWohBAsgCygCACEMIAstAAQhDSABIAZJIAFBAnQoAoAgIAxGcQR/IAEFQYAgIAYgDBAACyEOAkAgDkEATgRAIA5BAWohASAFIA4EfyAOQQJ0KAL8PwVBAAtqIQ8gBSAOQQJ0KAKAQGohCCANQQJGBEAgBCASOgAAIA8gCCAEQQFqIBMQAyEEIAQgEjoAACAEQQFqIQQMAgsgCCAPayEQIA1BA0YgEEEBRiAQQQJGciAQQQRGIBBBCEZyckVyBEBBzAEgATYCAEHQASAPNgIAQdQBIAg2AgBB2AEgFDYCAEF+IABrDwsgEEEBRgRAIA0EfiAPMQAABSAPMAAACyERBSAQQQJGBEAgDQR+IA8zAQAFIA8yAQALIREFIBBBBEYEQCANBH4gDzUCAAUgDzQCAAshEQUgDykDACERCwsLIA1BBE8EQCARIA1BBUYgCy0ABiASIAQQBSEEIARBAE4NAkF/DwsgESANRSAEEAIhBAwBCyAHBEBBgOAAIAcgDBAAQQBOBEBBwABBCCgCACAEEAYhBAwCCwsgCy0ABSEJIAlFBEBBfw8LIAlBA0YEQEHAAEEIKAIAIAQQBiEEDAELIAlBBEYEQCALKAIMIRAgBCALKAIIIBD8CgAAIAQgEGohBAwBCyACrUIghiADrYRCgICAgICAgICAf4UhESARIAlBAUYgBBACIQQLIAtBEGohCyAAQQFqIQAMAAsLQYABQQwoAgAgBBAGCwvQAQEAQYAIC8gBMDAwMTAyMDMwNDA1MDYwNzA4MDkxMDExMTIxMzE0MTUxNjE3MTgxOTIwMjEyMjIzMjQyNTI2MjcyODI5MzAzMTMyMzMzNDM1MzYzNzM4Mzk0MDQxNDI0MzQ0NDU0NjQ3NDg0OTUwNTE1MjUzNTQ1NTU2NTc1ODU5NjA2MTYyNjM2NDY1NjY2NzY4Njk3MDcxNzI3Mzc0NzU3Njc3Nzg3OTgwODE4MjgzODQ4NTg2ODc4ODg5OTA5MTkyOTM5NDk1OTY5Nzk4OTkA0gMEbmFtZQE/CgAEZmluZAEFZGl2MTACBmRpZ2l0cwMDZXNjBAJkMgUEdGltZQYFcHV0NjQHA3JvdwgGcmVzdW1lCQRjb2xzAokDCgAHAAFwAQFuAgR3YW50AwJsbwQCaGkFA21pZAYBeAEBAAF4AgcAAXYBBnNpZ25lZAIBbwMBcAQBcQUBeAYBeQMLAAFpAQNlbmQCAW8DAnNwBAF2BQF3BgRtYXNrBwNyZW0IAWsJAWMKA3NwdgQDAAF4AQFvAgF0BQ0AAXYBBGRhdGUCA2ZzcAMBcQQBbwUFbWljcm8GA2htcwcCeW0IBHllYXIJBW1vbnRoCgNkYXkLAWkMAXQGAwADc3JjAQFuAgFvBxQAAmluAQNsZW4CAmhpAwJsbwQBbwUCdmUGBWZsYWdzBwVsYXJnZQgBbgkBbQoDaWRzCwNubHMMBG9mZnMNBGRhdGEOBHByZXYPAWUQAWkRAXgSAXQTBGxhc3QIBAACY2kBAmhpAgJsbwMBbwkVAAJjaQEEaGludAICaGkDAmxvBAFvBQRkYXRhBgFuBwFtCAFlCQF4CgVuY29scwsDY29sDANjaWQNBG1vZGUOA2lkeA8BcxABdxEBdhIBcRMCc3AUAmF0';

/**
 * The value arrays' slots: a value array that the scan promises not to refill in place (a block)
 * is copied whole once, into the least recently used slot, and its rows are read there; four
 * slots because a merged scan takes values from several files' blocks in turn. Each slot has
 * 64 bytes of slack (16-byte loads run past a value's end).
 */
const SLOTS = 131072;
const SLOT_COUNT = 4;
const SLOT_SIZE = 131072 + 64;
/** The longest value array copied whole, and the longest value taken at all. */
const SLOT_MAX = SLOT_SIZE - 64;
export const ROW_IN_MAX = SLOT_MAX;
/** The columns' literals (defaults' fields) and the room they have. */
const LITERALS = 65536;
const MAX_LITERALS = 65536;
/** The CSV formatter's buffer starts here in the module's memory (a page boundary). */
export const ROW_OUT = Math.ceil((SLOTS + SLOT_COUNT * SLOT_SIZE) / WASM_PAGE) * WASM_PAGE;
const COLS = 16384;
const COL_SIZE = 16;
/** Columns the module's column table holds. */
const MAX_COLS = (LITERALS - COLS) / COL_SIZE;

/**
 * Column modes of the .wat: its own integers, strings and packed times (DATETIME with `fsp`
 * digits, DATE), or a field JS writes (resume()).
 */
export const RowMode = { Int: 0, Uint: 1, Str: 2, Js: 3, DateTime: 4, Date: 5 } as const;
/**
 * How a column missing from the row value is written: not at all (the row is declined), as the
 * int handle, as NULL, or as a literal (its default's CSV field).
 */
export const Missing = { Decline: 0, SignedHandle: 1, UnsignedHandle: 2, Null: 3, Literal: 4 } as const;

export interface RowColumn {
  id: number;
  mode: number;
  missing: number;
  /** RowMode.DateTime: fractional digits, 0..6. */
  fsp?: number;
  /** With Missing.Literal: the field as the formatter writes it (quoted, escaped). */
  literal?: Uint8Array;
}

/** What the module needs of the CSV options to write whole rows. */
export interface RowDialect {
  separator: number;
  delimiter: number;
  nullValue: Uint8Array;
  term: Uint8Array;
}

export class RowCsvWasm {
  readonly memory: WasmMemory;
  private readonly fn: (at: number, len: number, hi: number, lo: number, o: number) => number;
  private readonly resumeFn: (ci: number, hi: number, lo: number, o: number) => number;
  private readonly escFn: (i: number, end: number, o: number, special: number) => number;
  /** Whether it writes whole rows (1-byte separator and delimiter, NULL and terminator <= 64 bytes). */
  readonly writesRows: boolean;
  /** The module's memory as bytes and as 32-bit words (views renewed when it grows). */
  private bytes: Uint8Array;
  private words: Int32Array;
  private owner: object | undefined;
  /** The arrays in the slots, and when each was last used. */
  private readonly slotArray: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(SLOT_COUNT).fill(undefined);
  private readonly slotUsed = new Float64Array(SLOT_COUNT);
  private uses = 0;
  /** Slot copies (whole arrays) and row copies, for tests. */
  arrayCopies = 0;
  rowCopies = 0;
  /**
   * The last array copied row by row, its offset, and its ArrayBuffer as 32-bit words (`.buffer`
   * costs a runtime call: asked once per array).
   */
  private lastArray: Uint8Array | undefined;
  private lastOffset = 0;
  private srcWords: Int32Array = new Int32Array(0);
  /** Output bytes a row needs besides twice its value length (set by use()). */
  private perRow = 0;
  private readonly perColumn: number;
  private readonly term: number;

  private constructor(exports: Record<string, unknown>, rows: RowDialect | undefined) {
    this.memory = exports.memory as WasmMemory;
    this.fn = exports.row as (at: number, len: number, hi: number, lo: number, o: number) => number;
    this.resumeFn = exports.resume as (ci: number, hi: number, lo: number, o: number) => number;
    this.escFn = exports.esc as (i: number, end: number, o: number, special: number) => number;
    // the fixed areas and a first page of output (the formatter grows it later)
    this.memory.grow(Math.ceil((ROW_OUT + WASM_PAGE - this.memory.buffer.byteLength) / WASM_PAGE));
    const nullValue = rows?.nullValue ?? new Uint8Array(0);
    const term = rows?.term ?? new Uint8Array(0);
    this.writesRows = rows !== undefined && nullValue.length <= 64 && term.length <= 64;
    if (this.writesRows) {
      const m = new Uint8Array(this.memory.buffer);
      m[0] = rows!.separator;
      m[1] = rows!.delimiter;
      m[2] = rows!.delimiter; // the escaped byte: the delimiter's (Dumpling dialect)
      const dv = new DataView(this.memory.buffer);
      dv.setInt32(8, nullValue.length, true);
      dv.setInt32(12, term.length, true);
      m.set(nullValue, 64);
      m.set(term, 128);
    }
    this.bytes = new Uint8Array(this.memory.buffer);
    this.words = new Int32Array(this.memory.buffer);
    // a column: separator, two quotes, and the longer of NULL and 20 digits with a sign
    this.perColumn = 3 + Math.max(nullValue.length, 21);
    this.term = term.length;
  }

  /**
   * The module for a Dumpling-dialect formatter, or undefined when WebAssembly is off here. It
   * escapes long cells (escape()) always, and writes whole rows (writesRows) for `rows`: a 1-byte
   * separator and delimiter, when NULL text and line terminator are at most 64 bytes.
   */
  static create(rows: RowDialect | undefined): RowCsvWasm | undefined {
    const e = instantiate(ROW_CSV_WASM);
    return e === undefined ? undefined : new RowCsvWasm(e, rows);
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
      dv.setUint8(at + 6, c.fsp ?? 0);
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
   * memory offset `o` (reserve() bytes available); returns the offset after it, -1 when
   * declined, or -2 - ci when column ci (mode Js) needs its field written by JS: pendingField()
   * is its value, the line so far ends at pendingEnd() (the field's separator not written), and
   * resume(ci + 1, ...) goes on after it. hi, lo: the record key's handle bytes (big-endian, sign bit flipped). `stable`:
   * v is never refilled in place (a block: RowScan.valueBuffer's contract), so a copy of the whole
   * array made for an earlier row still holds; else the value alone is copied.
   */
  row(v: Uint8Array, start: number, end: number, hi: number, lo: number, o: number, stable: boolean): number {
    const bytes = this.view();
    if (stable && v.length <= SLOT_MAX) return this.fn(this.slotOf(v, bytes) + start, end - start, hi, lo, o);
    return this.fn(this.copyRow(v, start, end), end - start, hi, lo, o);
  }

  /** The value bytes of the column the last row()/resume() stopped at (a view of the memory). */
  pendingField(): Uint8Array {
    const w = this.words;
    return this.bytes.subarray(w[208 >> 2]!, w[212 >> 2]!);
  }

  /** Where the line ends in memory before that column's field. */
  pendingEnd(): number {
    return this.words[216 >> 2]!;
  }

  /** The columns from ci on, the line so far ending at memory offset o; as row(). */
  resume(ci: number, hi: number, lo: number, o: number): number {
    return this.resumeFn(ci, hi, lo, o);
  }

  /** Where the array v starts in memory: its slot, copied there unless it is already. */
  private slotOf(v: Uint8Array, bytes: Uint8Array): number {
    const arrays = this.slotArray;
    const used = this.slotUsed;
    const now = ++this.uses;
    let victim = 0;
    for (let i = 0; i < SLOT_COUNT; i++) {
      if (arrays[i] === v) {
        used[i] = now;
        return SLOTS + i * SLOT_SIZE;
      }
      if (used[i]! < used[victim]!) victim = i;
    }
    const at = SLOTS + victim * SLOT_SIZE;
    bytes.set(v, at);
    arrays[victim] = v;
    used[victim] = now;
    this.arrayCopies++;
    return at;
  }

  /**
   * Escapes src[start, end) (at most ROW_IN_MAX bytes) Dumpling's way, `special` being the
   * escaped delimiter byte, to memory offset `o` (twice the length plus 16 bytes reserved: 16-byte
   * stores run past the end); returns the offset after the escaped bytes. The cell is copied into
   * a slot first.
   */
  escape(src: Uint8Array, start: number, end: number, special: number, o: number): number {
    const base = this.freeSlot();
    this.view().set(src.subarray(start, end), base);
    return this.escFn(base, base + (end - start), o, special);
  }

  /** The memory as bytes (views of it are detached when the formatter's buffer grows it). */
  private view(): Uint8Array {
    if (this.bytes.length === 0) {
      this.bytes = new Uint8Array(this.memory.buffer);
      this.words = new Int32Array(this.memory.buffer);
    }
    return this.bytes;
  }

  /** The least recently used slot, taken for a one-off copy (it then holds no array). */
  private freeSlot(): number {
    let victim = 0;
    for (let i = 1; i < SLOT_COUNT; i++) if (this.slotUsed[i]! < this.slotUsed[victim]!) victim = i;
    this.slotArray[victim] = undefined;
    return SLOTS + victim * SLOT_SIZE;
  }

  /**
   * Copies v[start, end) into a free slot as the aligned 32-bit words of v's buffer that hold it,
   * so that it lands at the slot + its offset mod 4; the last partial word byte by byte (it may be
   * the buffer's end). Returns its address. No view is made per row: an allocation per row cost
   * more in scavenges than this copy.
   */
  private copyRow(v: Uint8Array, start: number, end: number): number {
    const base = this.freeSlot();
    this.rowCopies++;
    if (v !== this.lastArray) {
      this.lastArray = v;
      this.lastOffset = v.byteOffset;
      const ab = v.buffer;
      this.srcWords = new Int32Array(ab, 0, ab.byteLength >>> 2);
    }
    const s = this.lastOffset + start;
    const e = this.lastOffset + end;
    const src = this.srcWords;
    const words = this.words;
    const wEnd = e >>> 2;
    let d = base >>> 2;
    for (let w = s >>> 2; w < wEnd; w++) words[d++] = src[w]!;
    const bytes = this.bytes;
    for (let j = Math.max(wEnd << 2, s), k = base + (j - (s & ~3)); j < e; j++, k++) bytes[k] = v[j - this.lastOffset]!;
    return base + (s & 3);
  }
}
