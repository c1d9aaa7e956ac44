import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatLdbScanHex, parseLdbScanHex } from './ldb-output.js';

const b = (...xs: number[]): Uint8Array => Uint8Array.from(xs);

test('parses ldb scan --hex lines, upper-case hex, empty key and value as bare 0x', () => {
  // Literal output of `ldb --db=COPY scan --hex` (RocksDB 7.8.3) after
  // put(""->""), put(00->""), put(01->ff00), written by hand from that run.
  const text = '0x : 0x\n0x00 : 0x\n0x01 : 0xFF00\n';
  const got = parseLdbScanHex(text);
  assert.deepEqual(got, [
    { key: b(), value: b() },
    { key: b(0x00), value: b() },
    { key: b(0x01), value: b(0xff, 0x00) },
  ]);
});

test('parses a TiKV-shaped key and lower-case hex', () => {
  const got = parseLdbScanHex('0x7A748000000000000000FF : 0x50ab\n');
  assert.equal(got.length, 1);
  assert.deepEqual(got[0]!.key, b(0x7a, 0x74, 0x80, 0, 0, 0, 0, 0, 0, 0, 0xff));
  assert.deepEqual(got[0]!.value, b(0x50, 0xab));
});

test('empty output is an empty scan; a missing final newline is accepted', () => {
  assert.deepEqual(parseLdbScanHex(''), []);
  assert.deepEqual(parseLdbScanHex('0x61 : 0x62'), [{ key: b(0x61), value: b(0x62) }]);
});

test('rejects anything that is not an entry line', () => {
  assert.throws(() => parseLdbScanHex('Failed: Non-existing column family nope\n'), /line 1/);
  assert.throws(() => parseLdbScanHex('0x61 : 0x62\n\n'), /line 2/); // blank line inside
  assert.throws(() => parseLdbScanHex('0x616 : 0x62\n'), /odd number/);
  assert.throws(() => parseLdbScanHex('0x61 :0x62\n'), /line 1/);
  assert.throws(() => parseLdbScanHex('0x6G : 0x62\n'), /line 1/);
});

test('formatLdbScanHex writes exactly what ldb writes', () => {
  const text = '0x : 0x\n0x00 : 0x\n0x01 : 0xFF00\n';
  assert.equal(formatLdbScanHex(parseLdbScanHex(text)), text);
});
