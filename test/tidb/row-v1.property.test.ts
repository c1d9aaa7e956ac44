/**
 * Property test (issue #3): old-format (v1) rows built by the fixture builder
 * (test/support/tidb-builder/row.ts encodeRowV1 + schema.ts toDatum, written from the spec)
 * decode through RowDecoder (src/tidb/row-decoder.ts -> row-v1.ts) to the cells TiDB prints.
 * The expected text is computed here by plain formatting rules from the random input:
 * integers via BigInt.toString, strings as UTF-8, binary as is, DECIMAL(20,4) as
 * sign + integer digits + '.' + 4 fraction digits, DATETIME / TIME as their zero-padded text,
 * DOUBLE (in the range where JS and Go both print plain shortest digits) via String(v).
 * Columns are stored in random order, may be NULL, or missing (-> NULL: nullable, no default).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { RowDecoder } from '../../src/tidb/row-decoder.js';
import { parseTableInfo } from '../../src/tidb/table-info-parse.js';
import { encodeRowV1 } from '../support/tidb-builder/row.js';
import { columnJson, parseType, tableInfoJson, toDatum, type Input, type ParsedType } from '../support/tidb-builder/schema.js';
import { recordKeyInt, type Datum } from '../support/tidb-builder/tidb-keys.js';

const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;
const U64_MAX = (1n << 64n) - 1n;
const pad = (n: number | bigint, w: number): string => n.toString().padStart(w, '0');

interface ColSpec {
  name: string;
  type: string;
  /** Random input literal + the text TiDB prints for it (null for bytes compared as-is). */
  arb: fc.Arbitrary<{ input: Input; text: Uint8Array }>;
}
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

const COLS: ColSpec[] = [
  {
    name: 'i',
    type: 'bigint',
    arb: fc
      .oneof(fc.constantFrom(I64_MIN, I64_MAX, 0n, -1n), fc.bigInt({ min: I64_MIN, max: I64_MAX }), fc.bigInt({ min: -1000n, max: 1000n }))
      .map((v) => ({ input: v, text: utf8(v.toString()) })),
  },
  {
    name: 'u',
    type: 'bigint unsigned',
    arb: fc.oneof(fc.constantFrom(0n, U64_MAX, 1n << 63n), fc.bigInt({ min: 0n, max: U64_MAX })).map((v) => ({ input: v, text: utf8(v.toString()) })),
  },
  {
    name: 's',
    type: 'varchar(255)',
    arb: fc.string({ unit: 'grapheme', maxLength: 30 }).map((v) => ({ input: v, text: utf8(v) })),
  },
  {
    name: 'b',
    type: 'blob',
    arb: fc.uint8Array({ maxLength: 40 }).map((v) => ({ input: v, text: v })),
  },
  {
    name: 'd',
    type: 'decimal(20,4)',
    arb: fc.tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 16n - 1n }), fc.integer({ min: 0, max: 9999 })).map(([neg, ip, fp]) => {
      const zero = ip === 0n && fp === 0;
      const text = `${neg && !zero ? '-' : ''}${ip}.${pad(fp, 4)}`;
      return { input: text, text: utf8(text) };
    }),
  },
  {
    name: 'dt',
    type: 'datetime',
    arb: fc
      .record({
        y: fc.integer({ min: 1000, max: 9999 }),
        mo: fc.integer({ min: 1, max: 12 }),
        d: fc.integer({ min: 1, max: 28 }),
        h: fc.integer({ min: 0, max: 23 }),
        mi: fc.integer({ min: 0, max: 59 }),
        s: fc.integer({ min: 0, max: 59 }),
      })
      .map((t) => {
        const text = `${t.y}-${pad(t.mo, 2)}-${pad(t.d, 2)} ${pad(t.h, 2)}:${pad(t.mi, 2)}:${pad(t.s, 2)}`;
        return { input: text, text: utf8(text) };
      }),
  },
  {
    name: 't',
    type: 'time',
    arb: fc
      .record({ neg: fc.boolean(), h: fc.integer({ min: 0, max: 838 }), mi: fc.integer({ min: 0, max: 59 }), s: fc.integer({ min: 0, max: 59 }) })
      .map((t) => {
        const zero = t.h === 0 && t.mi === 0 && t.s === 0;
        const text = `${t.neg && !zero ? '-' : ''}${pad(t.h, 2)}:${pad(t.mi, 2)}:${pad(t.s, 2)}`;
        return { input: text, text: utf8(text) };
      }),
  },
  {
    name: 'f',
    type: 'double',
    arb: fc
      .oneof(fc.double({ min: -1e14, max: 1e14, noNaN: true }), fc.integer().map((n) => n / 1024), fc.constant(0))
      .filter((v) => !Object.is(v, -0) && (v === 0 || (Math.abs(v) >= 1e-6 && Math.abs(v) < 1e15)))
      .map((v) => ({ input: v, text: utf8(String(v)) })),
  },
];

const parsed: ParsedType[] = COLS.map((c) => parseType(c.type));
const tableJson = tableInfoJson({
  id: 77,
  name: 'v1prop',
  cols: COLS.map((c, i) => columnJson({ id: i + 1, name: c.name, offset: i, ft: parsed[i]!.ft, originDefault: null, defaultValue: null })),
  indexes: null,
  pkIsHandle: false,
  isCommonHandle: false,
  maxColId: COLS.length,
  maxIdxId: 0,
  partition: null,
  updateTs: 0n,
});
const decoder = new RowDecoder(parseTableInfo(tableJson));

type Cell = { state: 'value'; input: Input; text: Uint8Array } | { state: 'null' } | { state: 'missing' };
const cellArb = (c: ColSpec): fc.Arbitrary<Cell> =>
  fc.oneof(
    { weight: 6, arbitrary: c.arb.map((v): Cell => ({ state: 'value', ...v })) },
    { weight: 1, arbitrary: fc.constant<Cell>({ state: 'null' }) },
    { weight: 1, arbitrary: fc.constant<Cell>({ state: 'missing' }) },
  );

const hexOf = (b: Uint8Array | null): string | null => (b === null ? null : Buffer.from(b).toString('hex'));

describe('row v1: builder encodeRowV1 -> RowDecoder renders what TiDB prints', () => {
  it('columns in decoder order match the table', () => assert.deepEqual(decoder.columns.map((c) => c.name), COLS.map((c) => c.name)));

  it('random rows (random column order, NULLs, missing columns)', () => {
    fc.assert(
      fc.property(fc.tuple(...COLS.map(cellArb)), fc.bigInt({ min: I64_MIN, max: I64_MAX }), fc.nat(), (cells, handle, orderSeed) => {
        const stored: { id: number; datum: Datum }[] = [];
        cells.forEach((cell, i) => {
          if (cell.state === 'missing') return;
          stored.push({ id: i + 1, datum: cell.state === 'null' ? { k: 'null' } : toDatum(parsed[i]!, cell.input) });
        });
        // a deterministic shuffle: v1 rows carry their column ids, order must not matter
        const rot = stored.length === 0 ? 0 : orderSeed % stored.length;
        const ordered = [...stored.slice(rot), ...stored.slice(0, rot)];
        if (orderSeed % 2 === 1) ordered.reverse();
        const out = decoder.decode(recordKeyInt(77, handle), encodeRowV1(ordered));
        assert.equal(out.length, COLS.length);
        cells.forEach((cell, i) => {
          const want = cell.state === 'value' ? cell.text : null;
          assert.equal(hexOf(out[i]!), hexOf(want), `column ${COLS[i]!.name} (${COLS[i]!.type}) ${cell.state === 'value' ? String(cell.input) : cell.state}`);
        });
      }),
      { numRuns: 300 },
    );
  });
});
