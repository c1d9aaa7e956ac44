import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FormatError } from '../../src/errors.js';
import {
  crc32c,
  maskCrc,
  unmaskCrc,
  xxhash32,
  xxhash64Low32,
  xxh3Low32WithLastByte,
  computeBlockChecksum,
  checksumModifierForContext,
  verifyBlockChecksum,
  ChecksumType,
} from '../../src/rocksdb/checksum.js';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

test('crc32c known vectors (RFC 3720 / facebook/rocksdb util/crc32c_test.cc)', () => {
  assert.equal(crc32c(ascii('123456789')), 0xe3069283);
  assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
  assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
  assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e);
  assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c);
  // Extend: crc("hello world") == Extend(crc("hello "), "world")
  assert.equal(crc32c(ascii('world'), crc32c(ascii('hello '))), crc32c(ascii('hello world')));
});

test('crc mask/unmask (util/crc32c_test.cc Mask test)', () => {
  const crc = crc32c(ascii('foo'));
  assert.notEqual(maskCrc(crc), crc);
  assert.notEqual(maskCrc(maskCrc(crc)), crc);
  assert.equal(unmaskCrc(maskCrc(crc)), crc);
  assert.equal(unmaskCrc(unmaskCrc(maskCrc(maskCrc(crc)))), crc);
  // by hand: mask(0) = rot15(0) + 0xa282ead8
  assert.equal(maskCrc(0), 0xa282ead8);
  // mask(1) = (1 << 17) + 0xa282ead8
  assert.equal(maskCrc(1), (0x20000 + 0xa282ead8) >>> 0);
});

test('xxHash known vectors (xxHash reference: empty input, "abc")', () => {
  assert.equal(xxhash32(new Uint8Array(0)), 0x02cc5d05);
  assert.equal(xxhash32(ascii('abc')), 0x32d153ff);
  assert.equal(xxhash64Low32(new Uint8Array(0)), 0x51d8e999); // xxh64("") = ef46db3751d8e999
  assert.equal(xxhash64Low32(ascii('abc')), 0xad770999); // xxh64("abc") = 44bc2cf5ad770999
  // XXH3_64("") = 2d06800538d394c2; with a last byte of 0 the modifier is 0.
  assert.equal(xxh3Low32WithLastByte(Uint8Array.of(0)), 0x38d394c2);
  assert.equal(xxh3Low32WithLastByte(Uint8Array.of(1)), (0x38d394c2 ^ 0x6b9083d9) >>> 0);
});

test('context modifier (format_version 6)', () => {
  assert.equal(checksumModifierForContext(0, 12345), 0);
  assert.equal(checksumModifierForContext(0x11111111, 0x10), (0x11111111 ^ 0x10) >>> 0);
  // offset above 2^32: low32 + high32
  assert.equal(checksumModifierForContext(0x1, 0x1_0000_0002), (0x1 ^ 0x3) >>> 0);
});

test('verifyBlockChecksum accepts the right value and reports a wrong one', () => {
  const block = ascii('some block bytes\x00');
  for (const t of [ChecksumType.Crc32c, ChecksumType.XxHash, ChecksumType.XxHash64, ChecksumType.Xxh3]) {
    const good = computeBlockChecksum(t, block);
    verifyBlockChecksum(t, block, good, { file: 'x.sst', offset: 100 });
    assert.throws(
      () => verifyBlockChecksum(t, block, (good ^ 1) >>> 0, { file: 'x.sst', offset: 100 }),
      (e: unknown) => e instanceof FormatError && e.code === 'corruption' && e.file === 'x.sst' && e.offset === 100,
    );
  }
  // modifier is added to the stored value
  const c = computeBlockChecksum(ChecksumType.Crc32c, block);
  const stored = (c + checksumModifierForContext(0xabcdef01, 100)) >>> 0;
  verifyBlockChecksum(ChecksumType.Crc32c, block, stored, { offset: 100, baseContextChecksum: 0xabcdef01 });
  assert.throws(() => computeBlockChecksum(9, block), (e: unknown) => e instanceof FormatError && e.code === 'unsupported');
});
