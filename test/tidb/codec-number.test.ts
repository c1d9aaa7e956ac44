import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DataError } from '../../src/errors.js';
import {
  decodeCmpInt,
  decodeNarrowInt,
  decodeNarrowUint,
  encodeCmpInt,
  readUvarint,
  readVarint,
} from '../../src/tidb/codec-number.js';
import { cmpInt, narrowInt, narrowUint, uvarint, varint } from './support/codec-encoders.js';
import { fromHex, label, toHex, vectorsMatching } from './support/codec-vectors.js';

describe('comparable int (EncodeInt)', () => {
  for (const v of vectorsMatching(/^comparable int64/, 3)) {
    it(label(v), () => {
      const n = BigInt(v.input['int64'] as number);
      assert.equal(decodeCmpInt(fromHex(v.hex), 0), n);
      assert.equal(toHex(encodeCmpInt(n)), v.hex);
      assert.equal(toHex(cmpInt(n)), v.hex, 'test encoder agrees with the vector');
    });
  }
  it('decodes at an offset and rejects truncation', () => {
    assert.equal(decodeCmpInt(fromHex('ff7fffffffffffffff'), 1), -1n);
    assert.throws(() => decodeCmpInt(fromHex('80000000000000'), 0), DataError);
  });
  it('property: decode(encode(x)) = x and byte order = numeric order', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), (a, b) => {
        assert.equal(decodeCmpInt(cmpInt(a), 0), a);
        const c = Buffer.compare(Buffer.from(cmpInt(a)), Buffer.from(cmpInt(b)));
        assert.equal(Math.sign(c), a < b ? -1 : a > b ? 1 : 0);
      }),
    );
  });
});

describe('varints', () => {
  for (const v of vectorsMatching(/^zigzag varint/, 7)) {
    it(label(v), () => {
      const n = BigInt(v.input['int64'] as number);
      assert.deepEqual(readVarint(fromHex(v.hex), 0), { value: n, end: v.hex.length / 2 });
      assert.equal(toHex(varint(n)), v.hex);
    });
  }
  for (const v of vectorsMatching(/^LEB128 uvarint/, 5)) {
    it(label(v), () => {
      const n = BigInt(v.input['uint64'] as number);
      assert.deepEqual(readUvarint(fromHex(v.hex), 0), { value: n, end: v.hex.length / 2 });
      assert.equal(toHex(uvarint(n)), v.hex);
    });
  }
  it('reads the 64-bit extremes', () => {
    assert.equal(readUvarint(fromHex('ffffffffffffffffff01'), 0).value, (1n << 64n) - 1n);
    assert.equal(readVarint(fromHex('ffffffffffffffffff01'), 0).value, -(1n << 63n));
    assert.equal(readVarint(fromHex('feffffffffffffffff01'), 0).value, (1n << 63n) - 1n);
  });
  const bad: [string, string][] = [
    ['empty', ''],
    ['continuation bit on the last byte', '80'],
    ['truncated after 3 bytes', 'ffffff'],
    ['10th byte carries more than bit 63', 'ffffffffffffffffff02'],
    ['11 bytes', 'ffffffffffffffffff8001'],
  ];
  for (const [name, h] of bad) {
    it(`rejects malformed uvarint: ${name}`, () => {
      assert.throws(() => readUvarint(fromHex(h), 0), DataError);
      assert.throws(() => readVarint(fromHex(h), 0), DataError);
    });
  }
  it('property: uvarint/varint round trip at any offset', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), fc.nat(5), (u, s, pad) => {
        const ub = uvarint(u);
        const buf = new Uint8Array(pad + ub.length + 2);
        buf.set(ub, pad);
        assert.deepEqual(readUvarint(buf, pad), { value: u, end: pad + ub.length });
        const sb = varint(s);
        assert.deepEqual(readVarint(sb, 0), { value: s, end: sb.length });
      }),
    );
  });
});

describe('narrow little-endian ints (row v2)', () => {
  it('sign-extends signed values of each width', () => {
    assert.equal(decodeNarrowInt(fromHex('ff')), -1n);
    assert.equal(decodeNarrowInt(fromHex('7f')), 127n);
    assert.equal(decodeNarrowInt(fromHex('0080')), -32768n);
    assert.equal(decodeNarrowInt(fromHex('cf07')), 1999n); // YEAR 1999 vector value
    assert.equal(decodeNarrowInt(fromHex('00000080')), -2147483648n);
    assert.equal(decodeNarrowInt(fromHex('0080e2c2180d0000')), 14400000000000n);
    assert.equal(decodeNarrowInt(fromHex('ffffffffffffff7f')), (1n << 63n) - 1n);
  });
  it('reads unsigned values without sign extension', () => {
    assert.equal(decodeNarrowUint(fromHex('ff')), 255n);
    assert.equal(decodeNarrowUint(fromHex('30303100')), 3223600n); // BIT(24) vector value
    assert.equal(decodeNarrowUint(fromHex('ffffffffffffffff')), (1n << 64n) - 1n);
  });
  for (const n of [0, 3, 5, 6, 7, 9, 16]) {
    it(`rejects a ${n}-byte integer (TiDB would read it as 8 bytes)`, () => {
      assert.throws(() => decodeNarrowInt(new Uint8Array(n)), DataError);
      assert.throws(() => decodeNarrowUint(new Uint8Array(n)), DataError);
    });
  }
  it('property: narrowest encoding round trips', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (s, u) => {
        assert.equal(decodeNarrowInt(narrowInt(s)), s);
        assert.equal(decodeNarrowUint(narrowUint(u)), u);
      }),
    );
  });
});
