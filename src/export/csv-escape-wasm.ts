/**
 * Dumpling-dialect escaping of long cells in WebAssembly SIMD (16 bytes per step). Same output
 * as csv.ts's pushBackslashed (tested byte for byte against a reference on random cells); used
 * for cells of at least WASM_MIN bytes, where the copy in and out of the module's memory costs
 * less than the scalar loop saves (measured in the commit that added it).
 *
 * The module is tools/wasm/csv-escape.wat compiled with wabt (tools/wasm/build.mjs; a test
 * checks that these bytes are what the .wat compiles to). Its memory: the cell at [0, 64 KiB),
 * the escaped bytes from 64 KiB on. Without WebAssembly SIMD (or with TIKV_EXPORT_WASM=0),
 * create() returns undefined and the JavaScript loop does everything.
 */
export const CSV_ESCAPE_WASM = 'AGFzbQEAAAABDwJgBH9/f38Bf2ACf38BfwMDAgABBQMBAAMHEAIGbWVtb3J5AgADZXNjAAEK8QICzgEBAX8CQANAIAAgAU8NASAALQAAIQQgBCADRgRAIAJB3AA6AAAgAiAEOgABIAJBAmohAgUgBEUEQCACQdwAOgAAIAJBMDoAASACQQJqIQIFIARBCkYEQCACQdwAOgAAIAJB7gA6AAEgAkECaiECBSAEQQ1GBEAgAkHcADoAACACQfIAOgABIAJBAmohAgUgBEHcAEYEQCACQdwAOgAAIAJB3AA6AAEgAkECaiECBSACIAQ6AAAgAkEBaiECCwsLCwsgAEEBaiEADAALCyACC54BAgJ/AntBgIAEIQMgAf0PIQUCQANAIAJBEGogAEsNASAC/QAEACEEIAT9DAAAAAAAAAAAAAAAAAAAAAD9IyAEQQr9D/0j/VAgBEEN/Q/9IyAEQdwA/Q/9I/1QIAQgBf0j/VD9UP1TBEAgAiACQRBqIAMgARAAIQMFIAMgBP0LBAAgA0EQaiEDCyACQRBqIQIMAAsLIAIgACADIAEQAAsAPQRuYW1lAQgBAAVieXRlcwIsAgAFAAFpAQNlbmQCAW8DAnNwBAFjAQYAAW4BAnNwAgFpAwFvBAF2BQNzcHY=';

import { instantiate, type WasmMemory } from './wasm.js';

const OUT = 65536;

/** Longest cell given to the module (its input area). */
export const WASM_MAX = 65536;

export class WasmEscaper {
  private constructor(
    private readonly mem: Uint8Array,
    private readonly esc: (n: number, special: number) => number,
  ) {}

  /** One escaper (with its own 192 KiB memory), or undefined when the module cannot run here. */
  static create(): WasmEscaper | undefined {
    const e = instantiate(CSV_ESCAPE_WASM);
    if (e === undefined) return undefined;
    return new WasmEscaper(new Uint8Array((e.memory as WasmMemory).buffer), e.esc as (n: number, special: number) => number);
  }

  /**
   * Escapes src[start, end) (at most WASM_MAX bytes) into out at outPos (room for twice the
   * length reserved by the caller); returns the position after the escaped bytes.
   */
  escapeInto(src: Uint8Array, start: number, end: number, special: number, out: Uint8Array, outPos: number): number {
    const mem = this.mem;
    mem.set(src.subarray(start, end), 0);
    const oEnd = this.esc(end - start, special);
    out.set(mem.subarray(OUT, oEnd), outPos);
    return outPos + (oEnd - OUT);
  }
}
