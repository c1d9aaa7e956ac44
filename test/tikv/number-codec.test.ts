import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FormatError } from '../../src/errors.js';
import { readU64BE, readUvarint64, readVarint64 } from '../../src/tikv/number-codec.js';
import { fromHex, u64be, uvarint, zigzag } from './support/mvcc-builder.js';

describe('number codec', () => {
  it('hand-computed uvarints', () => {
    const cases: [string, bigint][] = [
      ['00', 0n],
      ['7f', 127n],
      ['8001', 128n],
      ['808040', 1n << 20n],
      ['808080808020', 1n << 40n],
      ['ffffffffffffffffff01', 0xffffffffffffffffn],
    ];
    for (const [h, v] of cases) assert.deepEqual(readUvarint64(fromHex(h), 0), { value: v, end: h.length / 2 }, h);
  });
  it('zigzag: 04 -> 2, 03 -> -2, 01 -> -1', () => {
    assert.equal(readVarint64(fromHex('04'), 0).value, 2n);
    assert.equal(readVarint64(fromHex('03'), 0).value, -2n);
    assert.equal(readVarint64(fromHex('01'), 0).value, -1n);
  });
  it('round trips against the independent test encoders (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), (u, s) => {
        const a = Uint8Array.from([9, ...uvarint(u)]);
        assert.deepEqual(readUvarint64(a, 1), { value: u, end: a.length });
        const b = Uint8Array.from(zigzag(s));
        assert.equal(readVarint64(b, 0).value, s);
        assert.equal(readU64BE(Uint8Array.from(u64be(u)), 0).value, u);
      }),
    );
  });
  it('errors: unterminated, too long, > 64 bits, short u64', () => {
    assert.throws(() => readUvarint64(fromHex('8080'), 0), (e: unknown) => e instanceof FormatError && e.code === 'truncated');
    assert.throws(() => readUvarint64(fromHex('ffffffffffffffffff02'), 0), (e: unknown) => e instanceof FormatError && e.code === 'overflow');
    assert.throws(() => readUvarint64(fromHex('ffffffffffffffffffff01'), 0), (e: unknown) => e instanceof FormatError && e.code === 'overflow');
    assert.throws(() => readU64BE(fromHex('00000000000000'), 0), (e: unknown) => e instanceof FormatError && e.code === 'truncated');
  });
});
