import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatJsonDouble, formatTidbFloat, goFormatFixed, shortestDigits } from '../../src/tidb/float-format.js';

// Expected texts written by hand from MySQL/TiDB behaviour (SELECT of a DOUBLE/FLOAT column) and
// Go's strconv rules, not printed by this code.
describe('DOUBLE column text (AppendFormatFloat, bitSize 64)', () => {
  const cases: [number, string][] = [
    [0.1, '0.1'],
    [0.30000000000000004, '0.30000000000000004'],
    [100, '100'],
    [-2.5, '-2.5'],
    [0, '0'],
    [123456789012345, '123456789012345'],
    [999999999999999.9, '999999999999999.9'],
    [1e15, '1e15'],
    [1.5e300, '1.5e300'],
    [-1.7976931348623157e308, '-1.7976931348623157e308'],
    [1e-15, '0.000000000000001'],
    [1e-16, '1e-16'],
    [-2.5e-20, '-2.5e-20'],
    [5e-324, '5e-324'],
    [NaN, '0'],
    [Infinity, '0'],
  ];
  for (const [v, s] of cases) it(`${v} -> ${s}`, () => assert.equal(formatTidbFloat(v, 64), s));
});

describe('FLOAT column text (float32 shortest, bitSize 32)', () => {
  const cases: [number, string][] = [
    [0.1, '0.1'],
    [Math.fround(0.1), '0.1'],
    [1.1, '1.1'],
    [123456.789, '123456.79'],
    [16777217, '16777216'],
    [-0.5, '-0.5'],
    [3.4028234663852886e38, '3.40282e38'],
    [1e15, '1e15'],
    [1.2345678e20, '1.23457e20'],
    [1e-20, '1e-20'],
    [1.5e-16, '1.5e-16'],
    [-3.4028234663852886e38, '-3.40282e38'],
    [1.234567e20, '1.23457e20'],
    [9.9999999e20, '1e21'],
  ];
  for (const [v, s] of cases) it(`${v} -> ${s}`, () => assert.equal(formatTidbFloat(v, 32), s));
});

describe('JSON double text (marshalFloat64To)', () => {
  const cases: [number, string][] = [
    [1, '1.0'],
    [-3, '-3.0'],
    [4.1, '4.1'],
    [0.5, '0.5'],
    [1e14, '100000000000000.0'],
    [1e15, '1e15'],
    [1.5e-16, '1.5e-16'],
    [1e-7, '0.0000001'],
  ];
  for (const [v, s] of cases) it(`${v} -> ${s}`, () => assert.equal(formatJsonDouble(v), s));
});

describe('strconv.FormatFloat(v, f, -1, 32) for VECTOR elements', () => {
  it('never uses an exponent', () => {
    assert.equal(goFormatFixed(Math.fround(1e20), 32), '100000000000000000000');
    assert.equal(goFormatFixed(Math.fround(1e-7), 32), '0.0000001');
    assert.equal(goFormatFixed(Math.fround(2.2), 32), '2.2');
  });
});

describe('shortest digits properties', () => {
  it('float64: the text parses back to the same double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
        assert.ok(Object.is(Number(goFormatFixed(v, 64)), v) || (v === 0 && Number(goFormatFixed(v, 64)) === 0));
        const s = formatTidbFloat(v, 64);
        assert.equal(Number(s.replace(/e(\d)/, 'e+$1')), v);
      }),
    );
  });
  it('float32: round trips through Math.fround with at most 9 digits, never more than toPrecision(9)', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (f) => {
        const d = shortestDigits(f, 32);
        assert.ok(d.digits.length <= 9);
        const back = Number(`${d.negative ? '-' : ''}0.${d.digits}e${d.exp + 1}`);
        assert.ok(Math.fround(back) === f, `${f} -> ${d.digits}e${d.exp}`);
        if (d.digits.length > 1) {
          // one digit fewer, correctly rounded, must not round trip (shortest)
          const shorter = Math.fround(Number(f.toPrecision(d.digits.length - 1)));
          assert.notEqual(shorter, f);
        }
      }),
    );
  });
});

// Ground truth from numpy's Dragon4 (test/tidb/fixtures/gen-float-shortest.py), independent of V8.
describe('shortest digits against numpy Dragon4 (fixture)', () => {
  const fx = JSON.parse(readFileSync(fileURLToPath(new URL('./fixtures/float-shortest.json', import.meta.url)), 'utf8')) as {
    float32: { bits: string; text: string }[];
    float64: { bits: string; text: string }[];
  };
  const dv = new DataView(new ArrayBuffer(8));
  it(`float32: ${fx.float32.length} values incl. exponent boundaries and subnormals`, () => {
    assert.ok(fx.float32.length > 1000);
    for (const { bits, text } of fx.float32) {
      dv.setUint32(0, parseInt(bits, 16));
      assert.equal(goFormatFixed(dv.getFloat32(0), 32), text, bits);
    }
  });
  it(`float64: ${fx.float64.length} values`, () => {
    assert.ok(fx.float64.length > 200);
    for (const { bits, text } of fx.float64) {
      dv.setBigUint64(0, BigInt('0x' + bits));
      assert.equal(goFormatFixed(dv.getFloat64(0), 64), text, bits);
    }
  });
});
