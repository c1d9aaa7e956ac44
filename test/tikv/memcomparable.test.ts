import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FormatError } from '../../src/errors.js';
import {
  compareBytes,
  cutBytes,
  cutBytesDesc,
  decodeBytes,
  decodeBytesDesc,
  encodeBytes,
  encodeBytesDesc,
  encodedLength,
} from '../../src/tikv/memcomparable.js';
import { fromHex, toHex } from './support/mvcc-builder.js';
import { VECTORS, tag } from './support/vectors.js';

const mcVectors = VECTORS.filter(
  (v) => (v.source.endsWith('codec/bytes.rs') || v.source.endsWith('codec/bytes.go')) && typeof v.input['raw_hex'] === 'string',
);

describe('memcomparable: upstream vectors', () => {
  it('has the expected number of vectors (guards against a silently empty table)', () => {
    assert.equal(mcVectors.length, 20);
  });
  for (const v of mcVectors) {
    const raw = fromHex(v.input['raw_hex'] as string);
    const desc = v.description.includes('descending');
    it(`${tag(v)}${desc ? 'desc' : 'asc'} ${v.input['raw_hex'] || '(empty)'} <-> ${v.hex} (${v.source} ${v.locator ?? ''})`, () => {
      const enc = desc ? encodeBytesDesc(raw) : encodeBytes(raw);
      assert.equal(toHex(enc), v.hex);
      const bytes = fromHex(v.hex);
      const dec = desc ? decodeBytesDesc(bytes, 0) : decodeBytes(bytes, 0);
      assert.equal(toHex(dec.value), toHex(raw));
      assert.equal(dec.end, bytes.length);
      const cut = desc ? cutBytesDesc(bytes, 0) : cutBytes(bytes, 0);
      assert.deepEqual(cut, { end: bytes.length, rawLength: raw.length });
    });
  }
});

describe('memcomparable: offsets and trailing data', () => {
  it('decodes at an offset and stops at the terminating group (ts suffix left alone)', () => {
    // 'z' + mc("abc") + 8 ts bytes: value ends at 1 + 9
    const buf = fromHex('7a' + '616263' + '0000000000fa' + 'ffffffffffffff9b');
    const d = decodeBytes(buf, 1);
    assert.equal(new TextDecoder().decode(d.value), 'abc');
    assert.equal(d.end, 10);
  });
  it('encodedLength follows (len/8 + 1) * 9', () => {
    assert.deepEqual([0, 1, 7, 8, 9, 16].map(encodedLength), [9, 9, 9, 18, 18, 27]);
  });
});

interface Bad {
  name: string;
  hex: string;
  code: 'corruption' | 'truncated';
  offset: number;
  desc?: boolean;
}

// Written by hand from the decoding rules in bytes.rs / spec §1.4.
const BAD: Bad[] = [
  { name: 'empty input', hex: '', code: 'truncated', offset: 0 },
  { name: 'group shorter than 9 bytes', hex: '01020300000000', code: 'truncated', offset: 0 },
  { name: 'full group then nothing', hex: '0102030405060708ff', code: 'truncated', offset: 9 },
  { name: 'marker 0xf6 (pad 9)', hex: '0000000000000000f6', code: 'corruption', offset: 8 },
  { name: 'marker 0x00 (pad 255)', hex: '000000000000000000', code: 'corruption', offset: 8 },
  { name: 'marker 0x80', hex: '010203040506070880', code: 'corruption', offset: 8 },
  { name: 'non-zero padding byte (pad 5, byte 3 = 01)', hex: '0102030100000000fa', code: 'corruption', offset: 3 },
  { name: 'non-zero last padding byte', hex: '0102030000000001fa', code: 'corruption', offset: 7 },
  { name: 'pad 8 with garbage', hex: '0100000000000000f7', code: 'corruption', offset: 0 },
  { name: 'bad marker in the second group', hex: '0102030405060708ff0900000000000000e0', code: 'corruption', offset: 17 },
  { name: 'bad padding in the second group', hex: '0102030405060708ff0900000000000001f8', code: 'corruption', offset: 16 },
  { name: 'desc: marker 0x09 (pad 9)', hex: 'ffffffffffffffff09', code: 'corruption', offset: 8, desc: true },
  { name: 'desc: padding not 0xff', hex: 'fefdfcffffffff00' + '05', code: 'corruption', offset: 7, desc: true },
  { name: 'desc: truncated', hex: 'fefdfcfbfaf9f8f700', code: 'truncated', offset: 9, desc: true },
];

describe('memcomparable: malformed inputs must fail', () => {
  for (const b of BAD) {
    it(b.name, () => {
      const buf = fromHex(b.hex);
      for (const f of b.desc ? [decodeBytesDesc, cutBytesDesc] : [decodeBytes, cutBytes]) {
        assert.throws(
          () => f(buf, 0),
          (e: unknown) => e instanceof FormatError && e.code === b.code && e.offset === b.offset,
        );
      }
    });
  }
  it('reports offsets relative to the buffer when decoding at an offset', () => {
    const buf = fromHex('7a' + '0000000000000000f6');
    assert.throws(() => decodeBytes(buf, 1), (e: unknown) => e instanceof FormatError && e.offset === 9);
  });
});

describe('memcomparable: properties', () => {
  const bytes = fc.uint8Array({ maxLength: 40 });
  it('decodeBytes(encodeBytes(x)) = x, cut agrees, desc likewise', () => {
    fc.assert(
      fc.property(bytes, (x) => {
        const e = encodeBytes(x);
        assert.equal(e.length, encodedLength(x.length));
        assert.deepEqual(decodeBytes(e, 0), { value: x, end: e.length });
        assert.deepEqual(cutBytes(e, 0), { end: e.length, rawLength: x.length });
        const d = encodeBytesDesc(x);
        assert.deepEqual(decodeBytesDesc(d, 0), { value: x, end: d.length });
      }),
    );
  });
  it('order preserved: sign(compare(a,b)) = sign(compare(enc a, enc b)); desc reverses it', () => {
    // small alphabet so shared prefixes and 0x00 bytes are common
    const b = fc.uint8Array({ maxLength: 20, min: 0, max: 3 });
    fc.assert(
      fc.property(b, b, (x, y) => {
        const s = Math.sign(Buffer.compare(Buffer.from(x), Buffer.from(y)));
        assert.equal(Math.sign(compareBytes(encodeBytes(x), encodeBytes(y))), s);
        assert.equal(Math.sign(compareBytes(encodeBytesDesc(x), encodeBytesDesc(y))) + 0, s === 0 ? 0 : -s);
      }),
      { numRuns: 500 },
    );
  });
  it('encoded values are prefix-free (no encoding is a prefix of another)', () => {
    fc.assert(
      fc.property(bytes, bytes, (x, y) => {
        fc.pre(Buffer.compare(Buffer.from(x), Buffer.from(y)) !== 0);
        const ex = encodeBytes(x);
        const ey = encodeBytes(y);
        const n = Math.min(ex.length, ey.length);
        assert.notEqual(toHex(ex.subarray(0, n)), toHex(ey.subarray(0, n)));
      }),
    );
  });
});
