/** Helpers shared by the scenario definitions. */
import { tso } from '../mvcc.js';
import type { Cell, Expected } from '../scenario.js';
import type { Input } from '../schema.js';

/** Physical time of the first transaction: 2023-11-14 22:13:20 UTC. */
export const BASE_MS = 1_700_000_000_000;

/** A realistic TSO n seconds after BASE_MS (logical part = `logical`). */
export const T = (n: number, logical = 0): bigint => tso(BASE_MS + n * 1000, logical);

/** A cell whose printed text is exactly the input string (plain ASCII/UTF-8 text, integers as text). */
export const same = (v: string): Cell => [v, v];
/** Integer input printed in decimal. */
export const int = (v: number | bigint): Cell => [v, v.toString()];
export const nul: Cell = [null, null];
export const cell = (input: Input | null, expected: Expected): Cell => [input, expected];
