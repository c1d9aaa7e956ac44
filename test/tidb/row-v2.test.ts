import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DataError } from '../../src/errors.js';
import { parseRowV2, rowV2Lookup } from '../../src/tidb/row-v2.js';
import { concat, le, narrowInt, rowV2 } from './support/codec-encoders.js';
import { fromHex, label, toHex, utf8, vectorsMatching } from './support/codec-vectors.js';

const hexMap = (m: Map<number, Uint8Array | null>) => [...m].map(([k, v]) => [k, v === null ? null : toHex(v)]).sort((a, b) => (a[0] as number) - (b[0] as number));

describe('row v2 vectors', () => {
  const expected: Record<string, [number, string | null][]> = {
    'row v2: col 1 NULL, col 2 int 2': [[1, null], [2, '02']],
    'row v2 large layout: col 300 = empty string': [[300, '']],
    'row v2 small layout: col 1 = int 2': [[1, '02']],
    'row v2: col1 int 100, col2 varchar': [[1, '64'], [2, '616263'], [3, '010081']],
    'row v2 mixing int, NULL, packed datetime, double': [[1, '01'], [2, null], [3, '3f420fcbb2948a19'], [5, 'c000000000000000']],
  };
  for (const v of vectorsMatching(/^row v2/, 5)) {
    const key = Object.keys(expected).find((k) => v.description.startsWith(k))!;
    it(label(v), () => {
      const row = parseRowV2(fromHex(v.hex));
      assert.deepEqual(hexMap(rowV2Lookup(row)), expected[key]);
      assert.equal(row.large, v.description.includes('large'));
    });
  }
  it('the test encoder reproduces the derived vectors', () => {
    assert.equal(toHex(rowV2([[1, null], [2, Uint8Array.of(2)]])), '8000010001000201010002');
    assert.equal(toHex(rowV2([[300, new Uint8Array(0)]])), '8001010000002c01000000000000');
  });
  it('tolerates a 5- or 9-byte checksum trailer', () => {
    const r5 = parseRowV2(rowV2([[1, Uint8Array.of(7)]], { checksum: Uint8Array.of(0x01, 1, 2, 3, 4) }));
    assert.equal(toHex(r5.values[0]!), '07');
    assert.equal(r5.checksum?.length, 5);
    const r9 = parseRowV2(rowV2([[1, Uint8Array.of(7)]], { checksum: Uint8Array.of(0x09, 1, 2, 3, 4, 5, 6, 7, 8) }));
    assert.equal(r9.checksum?.length, 9);
  });
  it('switches to the large layout when data exceeds 65535 bytes', () => {
    const big = new Uint8Array(70000).fill(0x41);
    const row = parseRowV2(rowV2([[1, big], [2, utf8('x')]]));
    assert.equal(row.large, true);
    assert.equal(row.values[0]!.length, 70000);
    assert.equal(toHex(row.values[1]!), '78');
  });
});

describe('malformed row v2', () => {
  const ok = rowV2([[1, Uint8Array.of(1, 2)], [2, Uint8Array.of(3)]]); // 80 00 0200 0000 01 02 0200 0300 010203
  const bad: [string, Uint8Array][] = [
    ['header shorter than 6 bytes', fromHex('80000100')],
    ['wrong version byte', concat([0x81], ok.subarray(1))],
    ['unknown flag bits', concat([0x80, 0x04], ok.subarray(2))],
    ['ids and offsets beyond the buffer', fromHex('8000050000000102')],
    ['end offset beyond the data', concat(ok.subarray(0, 8), le(2n, 2), le(9n, 2), ok.subarray(12))],
    ['decreasing end offsets', concat(ok.subarray(0, 8), le(2n, 2), le(1n, 2), ok.subarray(12))],
    ['trailing bytes without the checksum flag', concat(ok, [0])],
    ['checksum flag with a wrong-size trailer', concat([0x80, 0x02], ok.subarray(2), [0x00, 1, 2])],
    ['checksum flag without a trailer', concat([0x80, 0x02], ok.subarray(2))],
    ['the same id in the not-null and null lists', fromHex('800001000100010101000a')],
    ['not-null ids out of order (TiDB binary-searches them)', fromHex('8000020000000201' + '0100' + '0200' + 'aabb')],
    ['null ids out of order', fromHex('800000000200' + '0302')],
  ];
  for (const [name, b] of bad) it(`rejects ${name}`, () => assert.throws(() => parseRowV2(b), DataError));
});

describe('row v2 property', () => {
  it('parse(encode(cols)) returns every column, NULLs included, small and large', () => {
    const cols = fc.uniqueArray(
      fc.tuple(fc.oneof(fc.integer({ min: 1, max: 255 }), fc.integer({ min: 1, max: 100000 })), fc.option(fc.uint8Array({ maxLength: 20 }), { nil: null })),
      { selector: ([id]) => id, maxLength: 12 },
    );
    fc.assert(
      fc.property(cols, (cs) => {
        const m = rowV2Lookup(parseRowV2(rowV2(cs)));
        assert.equal(m.size, cs.length);
        for (const [id, v] of cs) {
          const got = m.get(id);
          assert.equal(got === null ? null : toHex(got!), v === null ? null : toHex(v));
        }
        void narrowInt;
      }),
    );
  });
});
