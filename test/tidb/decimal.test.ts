import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DataError } from '../../src/errors.js';
import {
  decimalBinSize,
  decimalFromText,
  decodeDecimalBin,
  decodeDecimalWithPrec,
  formatDecimal,
  peekDecimalWithPrec,
} from '../../src/tidb/decimal.js';
import { concat, decimalBin } from './support/codec-encoders.js';
import { fromHex, label, toHex, vectorsMatching } from './support/codec-vectors.js';

describe('decimal bin (MySQL decimal2bin)', () => {
  for (const v of vectorsMatching(/^DECIMAL\(14,4\)/, 2)) {
    it(label(v), () => {
      const { value, end } = decodeDecimalBin(fromHex(v.hex), 0, 14, 4);
      assert.equal(end, 7);
      assert.equal(formatDecimal(value), v.input['value']);
      assert.equal(toHex(decimalBin(v.input['value'] as string, 14, 4)), v.hex, 'test encoder agrees');
    });
  }
  for (const v of vectorsMatching(/^EncodeDecimal\(/, 6)) {
    it(label(v), () => {
      const prec = v.input['precision'] as number;
      const frac = v.input['frac'] as number;
      const { value, precision, frac: f, end } = decodeDecimalWithPrec(fromHex(v.hex), 0);
      assert.equal(precision, prec);
      assert.equal(f, frac);
      assert.equal(end, v.hex.length / 2);
      // The stored text carries exactly `frac` digits.
      const expected = formatDecimal(decimalFromText(v.input['value'] as string), frac, true);
      assert.equal(formatDecimal(value), expected);
      assert.equal(peekDecimalWithPrec(fromHex(v.hex), 0), v.hex.length / 2);
    });
  }
  it('hand-checked texts: leading zeros dropped, frac digits kept, zero', () => {
    assert.equal(formatDecimal(decodeDecimalBin(fromHex('0a028000000000').subarray(2), 0, 10, 2).value), '0.00');
    assert.equal(formatDecimal(decodeDecimalWithPrec(fromHex('0a03800030390000'), 0).value), '12345.000');
    assert.equal(formatDecimal(decodeDecimalWithPrec(fromHex('040275c8'), 0).value), '-10.55');
  });
  it('bin sizes follow dig2bytes', () => {
    assert.equal(decimalBinSize(14, 4), 7);
    assert.equal(decimalBinSize(65, 30), 30);
    assert.equal(decimalBinSize(9, 0), 4);
    assert.equal(decimalBinSize(10, 0), 5);
    assert.equal(decimalBinSize(1, 1), 1);
  });
  it('normalises negative zero', () => {
    // -0.00 as an encoder that complements zero would write it: 7f ff ff ff ff (10,2)
    const d = decodeDecimalBin(fromHex('7fffffffff'), 0, 10, 2).value;
    assert.equal(d.negative, false);
    assert.equal(formatDecimal(d), '0.00');
  });
  const bad: [string, () => unknown][] = [
    ['truncated bin', () => decodeDecimalBin(fromHex('810dfb38d204'), 0, 14, 4)],
    ['integer word above 999999999', () => decodeDecimalBin(fromHex('80' + 'ffffffff'.slice(2) + '000000'), 0, 10, 0)],
    ['leading partial word above its digit count', () => decodeDecimalBin(fromHex('8a'), 0, 1, 0)],
    ['fraction word above its digit count', () => decodeDecimalBin(fromHex('80ff'), 0, 2, 1)],
    ['precision 0', () => decodeDecimalWithPrec(fromHex('000080'), 0)],
    ['precision 66', () => decodeDecimalWithPrec(fromHex('4200' + '80'.repeat(30)), 0)],
    ['frac 31', () => decodeDecimalWithPrec(fromHex('401f' + '80'.repeat(30)), 0)],
    ['frac > precision', () => decodeDecimalWithPrec(fromHex('020380'), 0)],
    ['missing header', () => decodeDecimalWithPrec(fromHex('05'), 0)],
  ];
  for (const [name, f] of bad) it(`rejects ${name}`, () => assert.throws(f, DataError));
});

describe('decimal text with the column scale', () => {
  const d = (s: string) => decimalFromText(s);
  it('rounds half-up (away from zero) when the value carries more digits', () => {
    assert.equal(formatDecimal(d('1.005'), 2), '1.01');
    assert.equal(formatDecimal(d('1.004'), 2), '1.00');
    assert.equal(formatDecimal(d('-1.005'), 2), '-1.01');
    assert.equal(formatDecimal(d('9.995'), 2), '10.00');
    assert.equal(formatDecimal(d('99.5'), 0), '100');
    assert.equal(formatDecimal(d('-0.004'), 2), '0.00');
  });
  it('pads to the scale only for defaults; keeps stored digits otherwise', () => {
    assert.equal(formatDecimal(d('1.5'), 2, true), '1.50');
    assert.equal(formatDecimal(d('1.5'), 2), '1.5');
    assert.equal(formatDecimal(d('3'), -1), '3');
    assert.equal(formatDecimal(d('-0'), 1, true), '0.0');
  });
  it('rejects non-decimal text', () => {
    for (const s of ['', 'abc', '1e5', '1.2.3', '.']) assert.throws(() => decimalFromText(s), DataError);
  });
});

describe('decimal properties', () => {
  const decimalArb = fc
    .tuple(fc.integer({ min: 1, max: 65 }), fc.integer({ min: 0, max: 30 }))
    .filter(([p, f]) => f <= p)
    .chain(([p, f]) =>
      fc.tuple(
        fc.constant(p),
        fc.constant(f),
        fc.boolean(),
        fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 0, maxLength: p - f }),
        fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: f, maxLength: f }),
      ),
    );
  it('decode(encode(x)) = x', () => {
    fc.assert(
      fc.property(decimalArb, ([p, f, neg, ip, fp]) => {
        const textIn = `${neg ? '-' : ''}${ip || '0'}${f > 0 ? '.' + fp : ''}`;
        const bin = decimalBin(textIn, p, f);
        const { value, end } = decodeDecimalBin(concat(bin, [0xaa]), 0, p, f);
        assert.equal(end, bin.length);
        assert.equal(formatDecimal(value), formatDecimal(decimalFromText(textIn)));
      }),
    );
  });
  it('memcomparable: byte order = numeric order for one (prec, frac)', () => {
    const num = fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 99999999 }), fc.integer({ min: 0, max: 999 }));
    fc.assert(
      fc.property(num, num, ([na, ia, fa], [nb, ib, fb]) => {
        const ta = `${na ? '-' : ''}${ia}.${String(fa).padStart(3, '0')}`;
        const tb = `${nb ? '-' : ''}${ib}.${String(fb).padStart(3, '0')}`;
        const va = (na ? -1 : 1) * (ia * 1000 + fa);
        const vb = (nb ? -1 : 1) * (ib * 1000 + fb);
        const c = Math.sign(Buffer.compare(Buffer.from(decimalBin(ta, 11, 3)), Buffer.from(decimalBin(tb, 11, 3))));
        assert.equal(c, Math.sign(va - vb));
      }),
    );
  });
});

describe('decimal: input is never modified', () => {
  it('decoding a value held in a Node Buffer twice gives the same result (Buffer.slice is a view)', async () => {
    const { decodeDecimalWithPrec, formatDecimal } = await import('../../src/tidb/decimal.js');
    // DECIMAL(10,2) 130.00 and -1.50 as TiDB writes them (precision, frac, bin)
    for (const hexValue of ['0a0280000082' + '00', '0a027ffffffe' + 'cd']) {
      const buf = Buffer.from(hexValue, 'hex');
      const before = buf.toString('hex');
      const a = formatDecimal(decodeDecimalWithPrec(buf, 0).value, 2);
      const b = formatDecimal(decodeDecimalWithPrec(buf, 0).value, 2);
      assert.equal(buf.toString('hex'), before);
      assert.equal(a, b);
    }
  });
});
