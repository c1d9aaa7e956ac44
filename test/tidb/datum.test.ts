import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DataError } from '../../src/errors.js';
import { cutDatum, decodeDatum, decodeDatums, type Datum } from '../../src/tidb/datum.js';
import { formatDecimal } from '../../src/tidb/decimal.js';
import { cmpFloat, cmpInt, concat, decimalBin, u64be, uvarint, varint } from './support/codec-encoders.js';
import { fromHex, label, utf8, vectorsMatching } from './support/codec-vectors.js';

const te = (d: Datum): unknown => (d.kind === 'bytes' ? { kind: 'bytes', value: Buffer.from(d.value).toString('hex') } : d);

describe('datum vectors', () => {
  const expected: Record<string, Datum> = {
    'key datum int64 1': { kind: 'int', value: 1n },
    'value datum int64 1': { kind: 'int', value: 1n },
    'value datum uint64 1': { kind: 'uint', value: 1n },
    'key datum bytes "123"': { kind: 'bytes', value: utf8('123') },
    'value datum bytes "123"': { kind: 'bytes', value: utf8('123') },
    'NULL datum': { kind: 'null' },
    'duration datum 1s': { kind: 'duration', value: 1_000_000_000n },
    'same packed time as a comparable datum': { kind: 'uint', value: 1840446893366133311n },
  };
  for (const v of vectorsMatching(/datum|^same packed time as a comparable datum/, 8)) {
    const key = Object.keys(expected).find((k) => v.description.startsWith(k));
    if (key === undefined) continue;
    it(label(v), () => {
      const b = fromHex(v.hex);
      const { datum, end } = decodeDatum(b, 0);
      assert.equal(end, b.length);
      assert.deepEqual(te(datum), te(expected[key]!));
      assert.equal(cutDatum(b, 0), b.length);
    });
  }
  for (const v of vectorsMatching(/^enum elems \["c","b","a"\]; (datum payload )?big-endian u64/, 2)) {
    it(`${label(v)} (as uintFlag payload)`, () => {
      const { datum } = decodeDatum(concat([0x04], fromHex(v.hex)), 0);
      assert.deepEqual(datum, { kind: 'uint', value: BigInt(v.input['value'] as number) });
    });
  }
  const [e] = vectorsMatching(/^enum elems \["c","b","a"\]; uvarint payload/);
  it(`${label(e!)} (as uvarintFlag payload)`, () => {
    assert.deepEqual(decodeDatum(concat([0x09], fromHex(e!.hex)), 0).datum, { kind: 'uint', value: 2n });
  });
  it('decimal datum (flag 06) carries precision and frac', () => {
    const b = fromHex('06' + '0e04' + '810dfb38d204d2');
    const { datum, end } = decodeDatum(b, 0);
    assert.equal(end, b.length);
    assert.equal(datum.kind, 'decimal');
    if (datum.kind === 'decimal') {
      assert.equal(formatDecimal(datum.value), '1234567890.1234');
      assert.deepEqual([datum.precision, datum.frac], [14, 4]);
    }
  });
  it('JSON datum (flag 0a) keeps type code + payload; its text is the JSON text', () => {
    const [v] = vectorsMatching(/^binary JSON string "abc" as a datum/);
    const { datum, end } = decodeDatum(fromHex(v!.hex), 0);
    assert.equal(end, 6);
    assert.equal(datum.kind, 'json');
    if (datum.kind === 'json') assert.equal(Buffer.from(datum.value).toString('hex'), '0c03616263');
  });
  it('splits the clustered-index handle vector into its two datums', () => {
    const [v] = vectorsMatching(/^clustered \(common handle\) record key/);
    const ds = decodeDatums(fromHex(v!.hex).subarray(11));
    assert.deepEqual(ds.map(te), [te({ kind: 'bytes', value: utf8('abc') }), { kind: 'int', value: 7n }]);
  });
});

describe('malformed datums', () => {
  const bad: [string, string][] = [
    ['empty input', ''],
    ['unknown flag 0x0b', '0b00'],
    ['maxFlag is a range bound, never data', 'fa'],
    ['truncated int', '03800000'],
    ['truncated float', '05bff0'],
    ['truncated duration', '0780'],
    ['compact bytes longer than the buffer', '020a6162'],
    ['negative compact bytes length', '020161'],
    ['memcomparable bytes with a bad marker', '0161626300000000000a'],
    ['memcomparable bytes without a terminating group', '016162636465666768ff'],
    ['decimal with frac > precision', '06020380'],
    ['truncated JSON', '0a0c0561'],
    ['truncated vector', '140200000000803f'],
  ];
  for (const [name, h] of bad) {
    it(`rejects ${name}`, () => {
      assert.throws(() => decodeDatum(fromHex(h), 0), DataError);
      assert.throws(() => cutDatum(fromHex(h), 0), DataError);
    });
  }
});

describe('datum properties', () => {
  const datumArb: fc.Arbitrary<[Uint8Array, Datum]> = fc.oneof(
    fc.constant<[Uint8Array, Datum]>([Uint8Array.of(0), { kind: 'null' }]),
    fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }).chain((n) =>
      fc.constantFrom<[Uint8Array, Datum]>([concat([3], cmpInt(n)), { kind: 'int', value: n }], [concat([8], varint(n)), { kind: 'int', value: n }]),
    ),
    fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).chain((n) =>
      fc.constantFrom<[Uint8Array, Datum]>([concat([4], u64be(n)), { kind: 'uint', value: n }], [concat([9], uvarint(n)), { kind: 'uint', value: n }]),
    ),
    fc.double({ noNaN: true }).map((f): [Uint8Array, Datum] => [concat([5], cmpFloat(f)), { kind: 'float', value: f }]),
    fc.uint8Array({ maxLength: 40 }).map((b): [Uint8Array, Datum] => [concat([2], varint(BigInt(b.length)), b), { kind: 'bytes', value: b }]),
    fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }).map((n): [Uint8Array, Datum] => {
      const t = (n < 0n ? '-' : '') + (n < 0n ? -n : n).toString().padStart(3, '0').replace(/(\d\d)$/, '.$1');
      return [concat([6, 15, 2], decimalBin(t, 15, 2)), { kind: 'bytes', value: utf8('decimal:' + t) }];
    }),
  );
  it('a concatenation of datums is cut and decoded back exactly', () => {
    fc.assert(
      fc.property(fc.array(datumArb, { maxLength: 8 }), (items) => {
        const buf = concat(...items.map(([b]) => b));
        let off = 0;
        for (const [b, d] of items) {
          const end = cutDatum(buf, off);
          assert.equal(end, off + b.length);
          const got = decodeDatum(buf, off);
          assert.equal(got.end, end);
          if (b[0] === 6) {
            assert.equal(got.datum.kind, 'decimal');
            if (got.datum.kind === 'decimal') assert.equal('decimal:' + formatDecimal(got.datum.value), Buffer.from((d as { value: Uint8Array }).value).toString());
          } else {
            assert.deepEqual(te(got.datum), te(d));
          }
          off = end;
        }
      }),
    );
  });
});
