/** The spec's test vectors (fixtures/vectors/vectors.json, a copy of the shared docs file). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Vector {
  source: string;
  locator?: string;
  description: string;
  input: Record<string, unknown>;
  hex: string;
  derived: boolean;
  kind: string;
}

const path = fileURLToPath(new URL('../../../fixtures/vectors/vectors.json', import.meta.url));
export const VECTORS: Vector[] = JSON.parse(readFileSync(path, 'utf8')) as Vector[];

export function vectorsFrom(sourceSuffix: string, pred: (v: Vector) => boolean = () => true): Vector[] {
  return VECTORS.filter((v) => v.source.endsWith(sourceSuffix) && pred(v));
}

/** Test-name tag: derived vectors are trusted less and say so. */
export const tag = (v: Vector): string => (v.derived ? '[derived] ' : '');
