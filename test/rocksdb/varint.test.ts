import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FormatError } from '../../src/errors.js';
import {
  readVarint32,
  readVarint64,
  readVarint64Big,
  readVarsigned64,
  readFixed32,
  readFixed64,
  readFixed64Big,
  readLengthPrefixed,
  encodeVarint,
} from '../../src/rocksdb/varint.js';

const b = (...xs: number[]): Uint8Array => Uint8Array.from(xs);

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof FormatError, `expected FormatError, got ${String(e)}`);
    return e.code;
  }
  return 'no error';
}

// Encodings written by hand from the LEB128 definition (rocksdb-format §2).
test('varint32 hand-written encodings', () => {
  assert.deepEqual(readVarint32(b(0x00), 0), { value: 0, next: 1 });
  assert.deepEqual(readVarint32(b(0x7f), 0), { value: 127, next: 1 });
  assert.deepEqual(readVarint32(b(0x80, 0x01), 0), { value: 128, next: 2 });
  assert.deepEqual(readVarint32(b(0xaa, 0xac, 0x02), 1), { value: 300, next: 3 });
  assert.deepEqual(readVarint32(b(0xff, 0xff, 0xff, 0xff, 0x0f), 0), { value: 0xffffffff, next: 5 });
});

test('varint32 rejects > 32 bits, 6 bytes, and truncation', () => {
  assert.equal(code(() => readVarint32(b(0xff, 0xff, 0xff, 0xff, 0x1f), 0)), 'overflow');
  assert.equal(code(() => readVarint32(b(0x80, 0x80, 0x80, 0x80, 0x80, 0x01), 0)), 'overflow');
  assert.equal(code(() => readVarint32(b(0x80, 0x80), 0)), 'truncated');
  assert.equal(code(() => readVarint32(b(), 0)), 'truncated');
});

test('varint64 hand-written encodings and limits', () => {
  assert.deepEqual(readVarint64(b(0xac, 0x02), 0), { value: 300, next: 2 });
  // 2^53 - 1 = 53 one bits = 7 full groups (49 bits) + 0x0f
  assert.deepEqual(readVarint64(b(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f), 0), {
    value: Number.MAX_SAFE_INTEGER,
    next: 8,
  });
  // 2^53 -> overflow as number, fine as bigint
  const two53 = b(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10);
  assert.equal(code(() => readVarint64(two53, 0)), 'overflow');
  assert.deepEqual(readVarint64Big(two53, 0), { value: 1n << 53n, next: 8 });
  // 2^64 - 1: nine 0xff then 0x01
  const max = b(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01);
  assert.deepEqual(readVarint64Big(max, 0), { value: (1n << 64n) - 1n, next: 10 });
  assert.equal(code(() => readVarint64(max, 0)), 'overflow');
  // 11 bytes -> overflow, 10th byte > 1 -> overflow
  const eleven = b(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00);
  assert.equal(code(() => readVarint64(eleven, 0)), 'overflow');
  assert.equal(code(() => readVarint64Big(eleven, 0)), 'overflow');
  assert.equal(code(() => readVarint64Big(b(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02), 0)), 'overflow');
  assert.equal(code(() => readVarint64(b(0xff, 0xff, 0xff), 0)), 'truncated');
  assert.equal(code(() => readVarint64Big(b(0xff), 0)), 'truncated');
});

test('varsigned64 zigzag', () => {
  assert.equal(readVarsigned64(b(0x00), 0).value, 0);
  assert.equal(readVarsigned64(b(0x01), 0).value, -1);
  assert.equal(readVarsigned64(b(0x02), 0).value, 1);
  assert.equal(readVarsigned64(b(0x7f), 0).value, -64);
  assert.equal(readVarsigned64(b(0x80, 0x01), 0).value, 64);
});

test('varint64 round-trips every safe integer (property)', () => {
  fc.assert(
    fc.property(fc.maxSafeNat(), (n) => {
      const enc = encodeVarint(n);
      assert.deepEqual(readVarint64(enc, 0), { value: n, next: enc.length });
      assert.equal(readVarint64Big(enc, 0).value, BigInt(n));
    }),
    { numRuns: 300 },
  );
});

test('fixed32 / fixed64 little-endian', () => {
  assert.equal(readFixed32(b(0x78, 0x56, 0x34, 0x12), 0), 0x12345678);
  assert.equal(readFixed32(b(0xff, 0xff, 0xff, 0xff), 0), 0xffffffff);
  assert.equal(readFixed64(b(1, 0, 0, 0, 1, 0, 0, 0), 0), 0x100000001);
  const magic = b(0xf7, 0xcf, 0xf4, 0x85, 0xb7, 0x41, 0xe2, 0x88);
  assert.equal(readFixed64Big(magic, 0), 0x88e241b785f4cff7n);
  assert.equal(code(() => readFixed64(magic, 0)), 'overflow');
  assert.equal(code(() => readFixed32(b(1, 2, 3), 0)), 'truncated');
  assert.equal(code(() => readFixed64(b(1, 2, 3, 4, 5, 6, 7), 0)), 'truncated');
});

test('length-prefixed slice', () => {
  const r = readLengthPrefixed(b(0x03, 0x61, 0x62, 0x63, 0x64), 0);
  assert.deepEqual([...r.value], [0x61, 0x62, 0x63]);
  assert.equal(r.next, 4);
  assert.equal(code(() => readLengthPrefixed(b(0x05, 0x61), 0)), 'truncated');
});

test('LEB128 / zigzag vectors from fixtures/vectors (same encodings as RocksDB varint64 / varsigned64)', async () => {
  const { readFileSync } = await import('node:fs');
  const vectors = JSON.parse(readFileSync(new URL('../../fixtures/vectors/vectors.json', import.meta.url), 'utf8')) as {
    locator?: string;
    input: { uint64?: number; int64?: number };
    hex: string;
  }[];
  const u = vectors.filter((v) => v.locator === 'EncodeUvarint');
  const z = vectors.filter((v) => typeof v.locator === 'string' && v.locator.startsWith('EncodeVarint'));
  assert.ok(u.length >= 4 && z.length >= 4);
  for (const v of u) {
    const b = Uint8Array.from(Buffer.from(v.hex, 'hex'));
    assert.deepEqual(readVarint64(b, 0), { value: v.input.uint64, next: b.length }, v.hex);
  }
  for (const v of z) {
    const b = Uint8Array.from(Buffer.from(v.hex, 'hex'));
    assert.deepEqual(readVarsigned64(b, 0), { value: v.input.int64, next: b.length }, v.hex);
  }
});
