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
export const CSV_ESCAPE_WASM = 'AGFzbQEAAAABDwJgBH9/f38Bf2ACf38BfwMDAgABBQMBAAMHEAIGbWVtb3J5AgADZXNjAAEK8QICzgEBAX8CQANAIAAgAU8NASAALQAAIQQgBCADRgRAIAJB3AA6AAAgAiAEOgABIAJBAmohAgUgBEUEQCACQdwAOgAAIAJBMDoAASACQQJqIQIFIARBCkYEQCACQdwAOgAAIAJB7gA6AAEgAkECaiECBSAEQQ1GBEAgAkHcADoAACACQfIAOgABIAJBAmohAgUgBEHcAEYEQCACQdwAOgAAIAJB3AA6AAEgAkECaiECBSACIAQ6AAAgAkEBaiECCwsLCwsgAEEBaiEADAALCyACC54BAgJ/AntBgIAEIQMgAf0PIQUCQANAIAJBEGogAEsNASAC/QAEACEEIAT9DAAAAAAAAAAAAAAAAAAAAAD9IyAEQQr9D/0j/VAgBEEN/Q/9IyAEQdwA/Q/9I/1QIAQgBf0j/VD9UP1TBEAgAiACQRBqIAMgARAAIQMFIAMgBP0LBAAgA0EQaiEDCyACQRBqIQIMAAsLIAIgACADIAEQAAs=';

const OUT = 65536;

// The few WebAssembly names used here (the project's TypeScript lib has no WebAssembly types).
interface WasmInstance {
  exports: { memory: { buffer: ArrayBuffer }; esc: (n: number, special: number) => number };
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => WasmInstance;
}
const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
/** Longest cell given to the module (its input area). */
export const WASM_MAX = 65536;

let module: object | null | undefined;

function compiled(): object | null {
  if (module === undefined) {
    try {
      module = process.env.TIKV_EXPORT_WASM === '0' || WA === undefined ? null : new WA.Module(Buffer.from(CSV_ESCAPE_WASM, 'base64'));
    } catch {
      module = null; // no WebAssembly SIMD here: the JavaScript loop
    }
  }
  return module;
}

export class WasmEscaper {
  private constructor(
    private readonly mem: Uint8Array,
    private readonly esc: (n: number, special: number) => number,
  ) {}

  /** One escaper (with its own 192 KiB memory), or undefined when the module cannot run here. */
  static create(): WasmEscaper | undefined {
    const m = compiled();
    if (m === null) return undefined;
    const inst = new WA!.Instance(m, {});
    return new WasmEscaper(new Uint8Array(inst.exports.memory.buffer), inst.exports.esc);
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
