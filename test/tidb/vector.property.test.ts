/**
 * Property test (issue #3): VECTOR(FLOAT32) values built by the fixture builder
 * (test/support/tidb-builder/values.ts vectorF32, from the spec §6.9) decode in src/tidb/vector.ts
 * to the same float32 elements and print as TiDB does: '[' + elements joined by ',' + ']', each
 * Go strconv.FormatFloat(v, 'f', -1, 32) — the shortest decimal that reads back as the same
 * float32, written without an exponent. The expected text is computed here independently: try
 * 1..9 significant digits (toPrecision and its neighbours), keep the closest that round-trips
 * through Math.fround, and expand it to plain notation by string manipulation. The same vector
 * also goes through a row (v1 datum flag 0x14 and v2) into RowDecoder.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { RowDecoder } from '../../src/tidb/row-decoder.js';
import { parseTableInfo } from '../../src/tidb/table-info-parse.js';
import { decodeVector, vectorToText } from '../../src/tidb/vector.js';
import { encodeRowV1, encodeRowV2 } from '../support/tidb-builder/row.js';
import { columnJson, parseType, tableInfoJson } from '../support/tidb-builder/schema.js';
import { recordKeyInt } from '../support/tidb-builder/tidb-keys.js';
import { vectorF32 } from '../support/tidb-builder/values.js';

/** Plain (no exponent) text of sign * 0.DIGITS * 10^exp10 where digits = "d1d2..." and value = d1.d2... * 10^e. */
function plain(neg: boolean, digits: string, e: number): string {
  digits = digits.replace(/0+$/, '');
  if (digits === '') return '0';
  let s: string;
  const pointAt = e + 1; // digits before the decimal point
  if (pointAt <= 0) s = `0.${'0'.repeat(-pointAt)}${digits}`;
  else if (pointAt >= digits.length) s = digits + '0'.repeat(pointAt - digits.length);
  else s = `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
  return (neg ? '-' : '') + s;
}

/** Every float32 and every <= 9-digit decimal in float32 range is an integer multiple of 1/G. */
const G = 10n ** 60n * 2n ** 160n;
const pow2 = (e: number): bigint => (e >= 0 ? G * 2n ** BigInt(e) : G / 2n ** BigInt(-e));
const pow10 = (e: number): bigint => (e >= 0 ? G * 10n ** BigInt(e) : G / 10n ** BigInt(-e));

/**
 * Go FormatFloat(v, 'f', -1, 32) for a float32 v, computed exactly: at the smallest digit count p
 * where the truncation or the round-up of v to p significant digits reads back as v
 * (round-to-nearest-even: strictly between the midpoints to v's neighbours, or on one when v's
 * mantissa is even), take the readable candidate nearest to v (a tie goes to the even digit).
 */
function goF32(v: number): string {
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const neg = v < 0;
  const a = Math.abs(v);
  const bits = new DataView(new Float32Array([a]).buffer).getUint32(0, true);
  const E = bits >>> 23;
  const F = bits & 0x7fffff;
  const M = E === 0 ? F : F | 0x800000;
  const e2 = E === 0 ? -149 : E - 150;
  // in units of 2^(e2-2): v = 4M, upper midpoint 4M+2, lower midpoint 4M-2 (4M-1 at a binade start)
  const unit = pow2(e2 - 2) / G; // only used when e2 - 2 >= 0
  const scaled = (n: bigint): bigint => (e2 - 2 >= 0 ? n * unit * G : (n * G) / 2n ** BigInt(2 - e2));
  const av = scaled(4n * BigInt(M));
  const up = scaled(4n * BigInt(M) + 2n);
  const lo = scaled(4n * BigInt(M) - (M === 0x800000 && E > 1 ? 1n : 2n));
  const inclusive = M % 2 === 0;
  for (let p = 1; p <= 9; p++) {
    const [mant, expPart] = a.toExponential(p - 1).split('e');
    const scale = Number(expPart) - (p - 1); // approx p-digit rounding = base * 10^scale
    const base = BigInt(mant!.replace('.', ''));
    const cands: { d: bigint; dist: bigint }[] = [];
    for (const d of [base - 1n, base, base + 1n]) {
      if (d <= 0n) continue;
      const c = d * pow10(scale);
      const ok = inclusive ? c >= lo && c <= up : c > lo && c < up;
      if (ok) cands.push({ d, dist: c > av ? c - av : av - c });
    }
    if (cands.length > 0) {
      cands.sort((x, y) => (x.dist < y.dist ? -1 : x.dist > y.dist ? 1 : Number(x.d % 2n) - Number(y.d % 2n)));
      const ds = cands[0]!.d.toString();
      return plain(neg, ds, scale + ds.length - 1);
    }
  }
  throw new Error(`no shortest form for ${v}`);
}

const f32 = fc.oneof(
  fc.float({ noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: -100000, max: 100000 }).map((n) => Math.fround(n / 100)),
  fc.constantFrom(0, -0, 1, -1, 0.5, 1.1, 2.2, 3.4028234663852886e38, 1.401298464324817e-45, 1.1754943508222875e-38, 16777216, 16777217),
).map(Math.fround);
const vec = fc.array(f32, { maxLength: 24 });

const pt = parseType('vector');
const table = parseTableInfo(
  tableInfoJson({
    id: 91,
    name: 'vecprop',
    cols: [columnJson({ id: 1, name: 'v', offset: 0, ft: pt.ft, originDefault: null, defaultValue: null })],
    indexes: null,
    pkIsHandle: false,
    isCommonHandle: false,
    maxColId: 1,
    maxIdxId: 0,
    partition: null,
    updateTs: 0n,
  }),
);
const decoder = new RowDecoder(table);

describe('VECTOR(FLOAT32): builder vectorF32 -> src decode / text', () => {
  it('the oracle formatter agrees with the spec examples', () => {
    assert.equal(goF32(Math.fround(1.1)), '1.1');
    assert.equal(goF32(Math.fround(2.2)), '2.2');
    assert.equal(goF32(1), '1');
    assert.equal(goF32(Math.fround(1e30)), '1000000000000000000000000000000');
    assert.equal(goF32(Math.fround(1e-7)), '0.0000001');
    assert.equal(goF32(16777216), '16777216');
    assert.equal(goF32(Math.fround(0.1)), '0.1');
  });

  it('decodeVector(vectorF32(x)) = x and vectorToText prints Go shortest fixed float32', () => {
    fc.assert(
      fc.property(vec, (xs) => {
        const b = vectorF32(xs);
        const got = Array.from(decodeVector(b));
        assert.equal(got.length, xs.length);
        got.forEach((g, i) => assert.ok(Object.is(g, xs[i]), `element ${i}: ${g} vs ${xs[i]}`));
        assert.equal(vectorToText(b), `[${xs.map(goF32).join(',')}]`);
      }),
      { numRuns: 300 },
    );
  });

  it('through a row (v1 datum 0x14 and v2) RowDecoder prints the same text', () => {
    fc.assert(
      fc.property(vec, fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), (xs, handle) => {
        const want = `[${xs.map(goF32).join(',')}]`;
        const key = recordKeyInt(91, handle);
        const v1 = decoder.decode(key, encodeRowV1([{ id: 1, datum: { k: 'vector', v: vectorF32(xs) } }]));
        assert.equal(Buffer.from(v1[0]!).toString('utf8'), want);
        const v2 = decoder.decode(key, encodeRowV2([{ id: 1, value: vectorF32(xs) }]));
        assert.equal(Buffer.from(v2[0]!).toString('utf8'), want);
      }),
      { numRuns: 150 },
    );
  });
});
