import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError } from '../../src/errors.js';
import { decodeVector, peekVector, vectorToText } from '../../src/tidb/vector.js';
import { decodeDatum } from '../../src/tidb/datum.js';
import { fromHex, label, vectorsMatching } from './support/codec-vectors.js';

describe('VECTOR(FLOAT32)', () => {
  for (const v of vectorsMatching(/^(empty )?VectorFloat32 /, 3)) {
    it(label(v), () => {
      const b = fromHex(v.hex);
      assert.equal(vectorToText(b), v.input['text']);
      assert.deepEqual(Array.from(decodeVector(b)), (v.input['elements'] as number[]).map(Math.fround));
    });
  }
  const [d] = vectorsMatching(/^datum encoding of VectorFloat32/);
  it(label(d!), () => {
    const { datum, end } = decodeDatum(fromHex(d!.hex), 0);
    assert.equal(end, d!.hex.length / 2);
    assert.equal(datum.kind, 'vector');
    if (datum.kind === 'vector') assert.equal(vectorToText(datum.value), '[1.1,2.2]');
  });
  const bad: [string, string][] = [
    ['truncated header', '0200'],
    ['fewer elements than the dimension', '02000000cdcc8c3f'],
    ['trailing bytes', '01000000cdcc8c3f00'],
    ['NaN element', '010000000000c07f'],
    ['dimension above 16383', '00400000'],
  ];
  for (const [name, h] of bad) it(`rejects ${name}`, () => assert.throws(() => vectorToText(fromHex(h)), DataError));
  it('peek measures 4 + 4*dim', () => assert.equal(peekVector(fromHex('ff01000000000000000000'), 1), 8));
});
