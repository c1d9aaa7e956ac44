/**
 * The few WebAssembly calls the CSV writers need (the project's TypeScript lib has no
 * WebAssembly types): compile a module given as base64, once, and instantiate it.
 * TIKV_EXPORT_WASM=0, or a runtime without WebAssembly SIMD, gives no module: the callers then
 * use their JavaScript loops.
 */

/** A WebAssembly.Memory: growing it detaches `buffer` and every view of it. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

export const WASM_PAGE = 65536;

const modules = new Map<string, object | null>();

function compiled(base64: string): object | null {
  let m = modules.get(base64);
  if (m === undefined) {
    try {
      m = process.env.TIKV_EXPORT_WASM === '0' || WA === undefined ? null : new WA.Module(Buffer.from(base64, 'base64'));
    } catch {
      m = null; // no WebAssembly SIMD here
    }
    modules.set(base64, m);
  }
  return m;
}

/** A new instance of the module (its own memory), or undefined when WebAssembly is off here. */
export function instantiate(base64: string): Record<string, unknown> | undefined {
  const m = compiled(base64);
  return m === null ? undefined : new WA!.Instance(m, {}).exports;
}
