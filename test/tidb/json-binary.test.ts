import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DataError } from '../../src/errors.js';
import { jsonToText, peekJson, quoteGo } from '../../src/tidb/json-binary.js';
import { concat, jsonBinary, le, obj, type JsonValue } from './support/codec-encoders.js';
import { fromHex, label, toHex, utf8, vectorsMatching } from './support/codec-vectors.js';

describe('binary JSON vectors', () => {
  for (const v of vectorsMatching(/binary JSON (object|array)|nested JSON|key order is bytewise/, 4)) {
    it(label(v), () => {
      const b = fromHex(v.hex);
      assert.equal(jsonToText(b), v.input['text']);
      assert.equal(peekJson(concat(b, [0xee, 0xee]), 0), b.length);
    });
  }
  const [s] = vectorsMatching(/^binary JSON string "abc" as a datum/);
  it(label(s!), () => {
    const b = fromHex(s!.hex).subarray(1);
    assert.equal(jsonToText(b), '"abc"');
    assert.equal(peekJson(b, 0), 5);
  });
  const [dt] = vectorsMatching(/^binary JSON DATETIME value/);
  it(label(dt!), () => assert.equal(jsonToText(fromHex(dt!.hex)), '"2011-11-10 11:11:11.999999"'));
  it('the test encoder reproduces the {"a": 2} and [true, null, 3] vectors', () => {
    assert.equal(toHex(jsonBinary(obj({ a: { int: 2n } }))), vectorsMatching(/binary JSON object \{"a": 2\}/)[0]!.hex);
    assert.equal(toHex(jsonBinary([true, null, { int: 3n }])), vectorsMatching(/binary JSON array \[true/)[0]!.hex);
  });
});

describe('JSON text rules (hand-written from TiDB MarshalJSON / Go encoding/json)', () => {
  const cases: [string, JsonValue, string][] = [
    ['object and array separators', obj({ a: { int: 1n }, b: [{ int: 1n }, { int: 2n }] }), '{"a": 1, "b": [1, 2]}'],
    ['empty containers', [obj({}), []], '[{}, []]'],
    ['keys sorted bytewise, not length-first', obj({ bb: true, a: false, ab: null }), '{"a": false, "ab": null, "bb": true}'],
    ['uint64 above int64', { uint: 18446744073709551615n }, '18446744073709551615'],
    ['negative int64', { int: -9223372036854775808n }, '-9223372036854775808'],
    ['doubles', [1, 0.5, 1e15, -2.5e-16], '[1.0, 0.5, 1e15, -2.5e-16]'],
    ['quote, backslash, control characters', 'a"b\\c\n\r\t\b\f\u0001\u001f', '"a\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001f"'],
    ['no HTML escaping, DEL and non-ASCII kept', '<&>\u007f中文😀', '"<&>\u007f中文😀"'],
    ['U+2028 and U+2029 escaped', '\u2028\u2029', '"\\u2028\\u2029"'],
  ];
  for (const [name, v, text] of cases) it(name, () => assert.equal(jsonToText(jsonBinary(v)), text));

  it('invalid UTF-8 bytes print as \\ufffd, one per bad byte (Go DecodeRune)', () => {
    const bytes = Uint8Array.of(0x61, 0xff, 0xe2, 0x82, 0x62, 0xc0, 0xaf);
    assert.equal(quoteGo(bytes), '"a\\ufffd\\ufffd\\ufffdb\\ufffd\\ufffd"');
  });
  it('opaque values print as base64:type{T}', () => {
    const b = concat([0x0d, 0xfc, 3], utf8('abc'));
    assert.equal(jsonToText(b), '"base64:type252:YWJj"');
  });
  it('date and time scalars', () => {
    const core = (1999n << 50n) | (12n << 46n) | (31n << 41n);
    assert.equal(jsonToText(concat([0x0e], le(core, 8))), '"1999-12-31"');
    const ns = -((1n * 3600n + 2n * 60n + 3n) * 1_000_000_000n + 400_000_000n);
    assert.equal(jsonToText(concat([0x11], le(BigInt.asUintN(64, ns), 8), le(2n, 4))), '"-01:02:03.400000"', 'JSON times always print 6 fraction digits, whatever fsp is stored');
  });
});

describe('malformed binary JSON', () => {
  const bad: [string, Uint8Array][] = [
    ['empty', new Uint8Array(0)],
    ['unknown type code', Uint8Array.of(0x05, 0, 0)],
    ['bad literal', Uint8Array.of(0x04, 0x03)],
    ['truncated int64', Uint8Array.of(0x09, 1, 2, 3)],
    ['string longer than the buffer', Uint8Array.of(0x0c, 0x05, 0x61)],
    ['object size beyond the buffer', concat([0x01], le(0n, 4), le(100n, 4))],
    ['array count that cannot fit its size', concat([0x03], le(1000n, 4), le(8n, 4))],
    ['value offset outside the container', concat([0x03], le(1n, 4), le(13n, 4), [0x09], le(200n, 4))],
    ['NaN double', concat([0x0b], le(0x7ff8000000000000n, 8))],
  ];
  for (const [name, b] of bad) it(`rejects ${name}`, () => assert.throws(() => jsonToText(b), DataError));
});

describe('JSON property', () => {
  const leaf = fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }).map((n) => ({ int: n })),
    fc.string(),
  );
  const tree = fc.letrec<{ v: JsonValue }>((tie) => ({
    v: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf as fc.Arbitrary<JsonValue>,
      fc.array(tie('v'), { maxLength: 4 }),
      fc.uniqueArray(fc.tuple(fc.string({ maxLength: 4 }), tie('v')), { maxLength: 4, selector: ([k]) => k }).map((e) => ({ obj: e }) as JsonValue),
    ),
  })).v;
  it('text of a tree of ints/strings/literals parses back with JSON.parse to the same structure', () => {
    const plain = (v: JsonValue): unknown => {
      if (v === null || typeof v === 'boolean' || typeof v === 'string' || typeof v === 'number') return v;
      if (Array.isArray(v)) return v.map(plain);
      if ('int' in v) return Number(v.int);
      if ('uint' in v) return Number(v.uint);
      return Object.fromEntries(v.obj.map(([k, x]) => [k, plain(x)]));
    };
    fc.assert(
      fc.property(tree, (v) => {
        const b = jsonBinary(v);
        assert.equal(peekJson(b, 0), b.length);
        assert.deepEqual(JSON.parse(jsonToText(b)), plain(v));
      }),
      { numRuns: 200 },
    );
  });
});
