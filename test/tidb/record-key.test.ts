import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DataError } from '../../src/errors.js';
import { decodeRecordKey, indexPrefix, intRecordKey, recordPrefix, recordRange, tablePrefix } from '../../src/tidb/record-key.js';
import { cmpInt, concat } from './support/codec-encoders.js';
import { fromHex, label, toHex, vectorsMatching } from './support/codec-vectors.js';

const cmp = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b));

describe('table / index prefixes', () => {
  const [t] = vectorsMatching(/^table prefix for table id 1/);
  it(label(t!), () => assert.equal(toHex(tablePrefix(1)), t!.hex));
  const [c] = vectorsMatching(/^CutRowKeyPrefix\(EncodeTableIndexPrefix\(42,666\)\)/);
  it(label(c!), () => assert.equal(toHex(indexPrefix(42, 666).subarray(11)), c!.hex));
  const [f] = vectorsMatching(/^full index prefix t\{42\}_i\{666\}/);
  it(label(f!), () => assert.equal(toHex(indexPrefix(42, 666)), f!.hex));
});

describe('record keys', () => {
  for (const v of vectorsMatching(/^record key t\{1\}_r\{int handle/, 2)) {
    it(label(v), () => {
      const h = BigInt(v.input['handle'] as number);
      assert.deepEqual(decodeRecordKey(fromHex(v.hex)), { tableId: 1, handle: { kind: 'int', value: h } });
      assert.equal(toHex(intRecordKey(1, h)), v.hex);
    });
  }
  const [ch] = vectorsMatching(/^clustered \(common handle\) record key/);
  it(label(ch!), () => {
    const k = decodeRecordKey(fromHex(ch!.hex));
    assert.equal(k.tableId, 5);
    assert.equal(k.handle.kind, 'common');
    if (k.handle.kind === 'common') assert.equal(toHex(k.handle.bytes), ch!.hex.slice(22));
  });
  it('strips an API v2 keyspace prefix', () => {
    const raw = concat([0x78, 0x00, 0x01, 0x02], intRecordKey(7, -5n));
    assert.deepEqual(decodeRecordKey(raw), { tableId: 7, handle: { kind: 'int', value: -5n }, keyspaceId: 0x102 });
  });
  const bad: [string, Uint8Array][] = [
    ['index key', concat(indexPrefix(1, 1), [3], cmpInt(1n))],
    ['meta key', fromHex('6d4442730000000000fa')],
    ['too short', fromHex('7480000000000000015f')],
    ['handle of 7 bytes', concat(recordPrefix(1), new Uint8Array(7))],
    ['empty handle', recordPrefix(1)],
  ];
  for (const [name, b] of bad) it(`rejects ${name}`, () => assert.throws(() => decodeRecordKey(b), DataError));
});

describe('record range', () => {
  it('is [t{id}_r, t{id}_s)', () => {
    const { start, end } = recordRange(1);
    assert.equal(toHex(start), '7480000000000000015f72');
    assert.equal(toHex(end), '7480000000000000015f73');
  });
  it('property: every int handle (incl. negative, i64::MAX) and every common handle is inside; other tables and index keys are not', () => {
    const { start, end } = recordRange(100);
    const inside = (k: Uint8Array) => cmp(k, start) >= 0 && cmp(k, end) < 0;
    assert.ok(inside(intRecordKey(100, (1n << 63n) - 1n)));
    assert.ok(inside(intRecordKey(100, -(1n << 63n))));
    assert.ok(!inside(indexPrefix(100, 1)));
    assert.ok(!inside(intRecordKey(101, -(1n << 63n))));
    assert.ok(!inside(intRecordKey(99, (1n << 63n) - 1n)));
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), fc.uint8Array({ minLength: 9, maxLength: 30 }), (h, common) => {
        assert.ok(inside(intRecordKey(100, h)));
        assert.ok(inside(concat(recordPrefix(100), common)));
      }),
    );
  });
});
