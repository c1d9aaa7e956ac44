import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DataError } from '../../src/errors.js';
import { decodeCmpFloat, encodeCmpFloat } from '../../src/tidb/comparable-float.js';
import { cmpFloat } from './support/codec-encoders.js';
import { fromHex, label, toHex, vectorsMatching } from './support/codec-vectors.js';

describe('comparable float64', () => {
  for (const v of vectorsMatching(/^comparable float64/, 4)) {
    it(label(v), () => {
      const f = v.input['float64'] as number;
      assert.equal(decodeCmpFloat(fromHex(v.hex), 0), f);
      assert.equal(toHex(encodeCmpFloat(f)), v.hex);
      assert.equal(toHex(cmpFloat(f)), v.hex, 'test encoder agrees');
    });
  }
  it('keeps -0, infinities and the sign of NaN-free extremes', () => {
    assert.ok(Object.is(decodeCmpFloat(cmpFloat(-0), 0), -0));
    assert.equal(decodeCmpFloat(cmpFloat(-Infinity), 0), -Infinity);
    assert.equal(decodeCmpFloat(cmpFloat(Number.MIN_VALUE), 0), Number.MIN_VALUE);
  });
  it('rejects truncated input', () => {
    assert.throws(() => decodeCmpFloat(fromHex('bff000000000'), 0), DataError);
    assert.throws(() => decodeCmpFloat(fromHex('00bff00000000000'), 1), DataError);
  });
  it('property: round trip and memcomparable order', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), fc.double({ noNaN: true }), (a, b) => {
        assert.ok(Object.is(decodeCmpFloat(cmpFloat(a), 0), a));
        const c = Math.sign(Buffer.compare(Buffer.from(cmpFloat(a)), Buffer.from(cmpFloat(b))));
        if (a < b) assert.equal(c, -1);
        else if (a > b) assert.equal(c, 1);
        else if (!(Object.is(a, -0) !== Object.is(b, -0))) assert.equal(c, 0);
      }),
    );
  });
});
