/** Loads fixtures/vectors/vectors.json (a copy of the shared spec vectors; see its NOTE.md). */
import { VECTORS, type Vector } from '../../tikv/support/vectors.js';

export type { Vector };
export const ALL_VECTORS: Vector[] = VECTORS;

/** Vectors whose description matches; throws when none do (a test must never assert nothing). */
export function vectorsMatching(re: RegExp, min = 1): Vector[] {
  const out = ALL_VECTORS.filter((v) => re.test(v.description));
  if (out.length < min) throw new Error(`expected at least ${min} vectors matching ${re}, found ${out.length}`);
  return out;
}

/** Test-name label: derived vectors are trusted less and say so. */
export function label(v: Vector): string {
  return `${v.derived ? '[derived] ' : ''}${v.description}`;
}

export function fromHex(h: string): Uint8Array {
  return new Uint8Array(Buffer.from(h, 'hex'));
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
export const str = (b: Uint8Array | null): string | null => (b === null ? null : Buffer.from(b).toString('latin1'));
