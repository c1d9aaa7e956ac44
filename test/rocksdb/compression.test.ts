/** Block decompression: hand-written streams and streams made by other encoders. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { deflateRawSync } from 'node:zlib';
import { compressSync as lz4Compress } from 'lz4-napi';
import { Compressor as ZstdCompressor, compress as zstdCompress } from 'zstd-napi';
import { FormatError } from '../../src/errors.js';
import { CompressionDict, CompressionType, decompressBlock, decompressBlockInto, MAX_BLOCK_SIZE, registerDecompressor } from '../../src/rocksdb/compression.js';
import { encodeVarint } from '../../src/rocksdb/varint.js';

const require = createRequire(import.meta.url);
const snappy = require('snappyjs') as { compress(b: Uint8Array): Uint8Array };

const text = Buffer.from('key00001 alpha bravo charlie '.repeat(40), 'latin1');
const withSize = (n: number, body: Uint8Array): Uint8Array => Uint8Array.from([...encodeVarint(n), ...body]);
const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof FormatError, String(e));
    return e.code;
  }
  return 'no error';
};

test('hand-written streams: snappy literal and LZ4 literal-only block', () => {
  // snappy: varint length 3, literal tag (3-1)<<2 = 0x08, "abc"
  assert.equal(Buffer.from(decompressBlock(CompressionType.Snappy, Uint8Array.of(3, 0x08, 0x61, 0x62, 0x63), 2)).toString(), 'abc');
  // RocksDB fv2 LZ4: varint32 size 3, then token 0x30 (3 literals), "abc"
  assert.equal(Buffer.from(decompressBlock(CompressionType.LZ4, Uint8Array.of(3, 0x30, 0x61, 0x62, 0x63), 2)).toString(), 'abc');
  assert.equal(Buffer.from(decompressBlock(CompressionType.LZ4HC, Uint8Array.of(3, 0x30, 0x61, 0x62, 0x63), 5)).toString(), 'abc');
  // none: the bytes themselves
  const raw = Uint8Array.of(1, 2, 3);
  assert.equal(decompressBlock(CompressionType.None, raw, 5), raw);
});

test('streams from other encoders round-trip (zlib raw deflate, lz4, zstd, snappy)', () => {
  const z = withSize(text.length, deflateRawSync(text));
  assert.deepEqual(Buffer.from(decompressBlock(CompressionType.Zlib, z, 2)), text);
  const l = lz4Compress(text).subarray(4); // lz4_flex prepends the size; RocksDB uses a varint
  assert.deepEqual(Buffer.from(decompressBlock(CompressionType.LZ4, withSize(text.length, l), 4)), text);
  const zs = withSize(text.length, zstdCompress(text));
  assert.deepEqual(Buffer.from(decompressBlock(CompressionType.ZSTD, zs, 5)), text);
  assert.deepEqual(Buffer.from(decompressBlock(CompressionType.ZSTDNotFinal, zs, 5)), text);
  assert.deepEqual(Buffer.from(decompressBlock(CompressionType.Snappy, snappy.compress(text), 3)), text);
});

test('size mismatch and garbage -> corruption with location', () => {
  const l = lz4Compress(text).subarray(4);
  assert.equal(code(() => decompressBlock(CompressionType.LZ4, withSize(text.length + 1, l), 4)), 'corruption');
  assert.equal(code(() => decompressBlock(CompressionType.Zlib, withSize(10, Uint8Array.of(0xff, 0xff, 0xff)), 4)), 'corruption');
  assert.equal(code(() => decompressBlock(CompressionType.ZSTD, withSize(10, Uint8Array.of(1, 2, 3, 4)), 4)), 'corruption');
  assert.equal(code(() => decompressBlock(CompressionType.Snappy, Uint8Array.of(5, 0x08, 0x61), 4)), 'corruption');
  const zs = withSize(text.length - 1, zstdCompress(text));
  try {
    decompressBlock(CompressionType.ZSTD, zs, 5, { file: 'f.sst', offset: 77, what: 'data block' });
    assert.fail('expected error');
  } catch (e) {
    assert.ok(e instanceof FormatError);
    assert.equal(e.code, 'corruption');
    assert.equal(e.file, 'f.sst');
    assert.equal(e.offset, 77);
  }
  // a size prefix that cannot be a varint32
  assert.equal(code(() => decompressBlock(CompressionType.LZ4, Uint8Array.of(0xff, 0xff), 4)), 'corruption');
});

test('bzip2, xpress and unknown types are refused clearly', () => {
  assert.equal(code(() => decompressBlock(CompressionType.BZip2, Uint8Array.of(1, 2), 5)), 'unsupported');
  assert.equal(code(() => decompressBlock(CompressionType.BZip2, Uint8Array.of(1, 2), 1)), 'unsupported');
  assert.equal(code(() => decompressBlock(CompressionType.Xpress, Uint8Array.of(1, 2), 5)), 'unsupported');
  assert.equal(code(() => decompressBlock(0x99, Uint8Array.of(1, 2), 5)), 'unsupported');
});

test('format_version 0/1 framings: lz4 8-byte size header, zlib without size', () => {
  // lz4 legacy: size_t length (LE) in 8 bytes, then the raw block (token 0x30, "abc")
  const l = Uint8Array.of(3, 0, 0, 0, 0, 0, 0, 0, 0x30, 0x61, 0x62, 0x63);
  assert.equal(Buffer.from(decompressBlock(CompressionType.LZ4, l, 1)).toString(), 'abc');
  assert.equal(Buffer.from(decompressBlock(CompressionType.LZ4HC, l, 0)).toString(), 'abc');
  // the same bytes under format_version 2 mean size 3 then garbage
  assert.equal(code(() => decompressBlock(CompressionType.LZ4, l, 2)), 'corruption');
  assert.equal(code(() => decompressBlock(CompressionType.LZ4, Uint8Array.of(3, 0, 0, 0, 1, 0, 0, 0, 0x30), 1)), 'corruption');
  assert.equal(code(() => decompressBlock(CompressionType.LZ4, Uint8Array.of(3, 0, 0), 1)), 'corruption');
  // zlib legacy: just raw deflate
  assert.deepEqual(Buffer.from(decompressBlock(CompressionType.Zlib, deflateRawSync(text), 0)), text);
  assert.equal(code(() => decompressBlock(CompressionType.Zlib, Uint8Array.of(0xff, 0xff, 0xff), 1)), 'corruption');
  // snappy and zstd framings do not depend on the version
  assert.deepEqual(Buffer.from(decompressBlock(CompressionType.Snappy, snappy.compress(text), 0)), text);
  assert.deepEqual(Buffer.from(decompressBlock(CompressionType.ZSTD, withSize(text.length, zstdCompress(text)), 1)), text);
});

test('decompressors are pluggable and their output length is checked', () => {
  registerDecompressor(0x80, (input, n) => Uint8Array.from({ length: n }, (_, i) => input[i % input.length]!));
  assert.deepEqual([...decompressBlock(0x80, Uint8Array.of(4, 7, 8), 2)], [7, 8, 7, 8]);
  registerDecompressor(0x81, () => Uint8Array.of(1));
  assert.equal(code(() => decompressBlock(0x81, Uint8Array.of(4, 7), 2)), 'corruption');
});

test('dictionary streams from other encoders (zlib deflate dictionary, zstd raw-content dictionary)', () => {
  const dictBytes = Buffer.from('alpha bravo charlie key00001 '.repeat(8), 'latin1');
  const dict = new CompressionDict(dictBytes);
  const z = deflateRawSync(text, { dictionary: dictBytes });
  assert.deepEqual(Buffer.from(decompressBlock(CompressionType.Zlib, withSize(text.length, z), 5, { dict })), text);
  assert.equal(code(() => decompressBlock(CompressionType.Zlib, withSize(text.length, z), 5)), 'corruption');
  const c = new ZstdCompressor();
  c.loadDictionary(dictBytes);
  const zs = withSize(text.length, c.compress(text));
  assert.deepEqual(Buffer.from(decompressBlock(CompressionType.ZSTD, zs, 5, { dict })), text);
  assert.deepEqual(Buffer.from(decompressBlock(CompressionType.ZSTD, zs, 5, { dict })), text); // cached decompressor
});

test('decompressBlockInto: zstd in place, other types copied; full slot -> -1; bad sizes -> corruption', () => {
  const out = new Uint8Array(new SharedArrayBuffer(4 * text.length)); // the prefetch worker's slots are shared memory
  const zs = withSize(text.length, zstdCompress(text));
  assert.equal(decompressBlockInto(CompressionType.ZSTD, zs, 5, out, 7), text.length);
  assert.deepEqual(Buffer.from(out.subarray(7, 7 + text.length)), text);
  const l = withSize(text.length, lz4Compress(text).subarray(4));
  assert.equal(decompressBlockInto(CompressionType.LZ4, l, 4, out, 2 * text.length), text.length);
  assert.deepEqual(Buffer.from(out.subarray(2 * text.length, 3 * text.length)), text);
  assert.equal(decompressBlockInto(CompressionType.None, text, 5, out, 0), text.length);
  assert.deepEqual(Buffer.from(out.subarray(0, text.length)), text);
  // Does not fit behind outPos: -1, for the in-place and the copying path alike.
  assert.equal(decompressBlockInto(CompressionType.ZSTD, zs, 5, out, 3 * text.length + 1), -1);
  assert.equal(decompressBlockInto(CompressionType.LZ4, l, 4, out, 3 * text.length + 1), -1);
  // Size prefix one too small or too large, garbage payload: corruption as decompressBlock.
  assert.equal(code(() => decompressBlockInto(CompressionType.ZSTD, withSize(text.length - 1, zstdCompress(text)), 5, out, 0)), 'corruption');
  assert.equal(code(() => decompressBlockInto(CompressionType.ZSTD, withSize(text.length + 1, zstdCompress(text)), 5, out, 0)), 'corruption');
  assert.equal(code(() => decompressBlockInto(CompressionType.ZSTD, withSize(10, Uint8Array.of(1, 2, 3, 4)), 5, out, 0)), 'corruption');
  // Each error says where the block is and why (made only when it is thrown).
  const where = { file: 'f.sst', offset: 42, what: 'data block' };
  const message = (data: Uint8Array): string => {
    try {
      decompressBlockInto(CompressionType.ZSTD, data, 5, out, 0, where);
    } catch (e) {
      return (e as Error).message;
    }
    return 'no error';
  };
  assert.equal(message(withSize(10, Uint8Array.of(1, 2, 3, 4))), 'corruption: zstd data does not decompress (file f.sst, offset 42, data block, zstd, found Src size is incorrect)');
  assert.equal(message(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x7f)), 'corruption: bad uncompressed-size prefix (file f.sst, offset 42, data block, zstd, found overflow: varint32 does not fit in 32 bits (buffer byte 0 of 5, found byte 0x7f in 5th position))');
  assert.equal(message(Uint8Array.of(0xff, 0xff)), 'corruption: bad uncompressed-size prefix (file f.sst, offset 42, data block, zstd, found truncated: varint32 runs past the end of the buffer (buffer byte 0 of 2))');
  assert.equal(message(withSize(MAX_BLOCK_SIZE + 1, Uint8Array.of(1))), `corruption: uncompressed block size too large (file f.sst, offset 42, data block, zstd, found ${MAX_BLOCK_SIZE + 1})`);
  assert.match(message(withSize(text.length - 1, zstdCompress(text))), /^corruption: zstd (block decompressed to the wrong size|data does not decompress) \(file f\.sst, offset 42, data block, zstd/);
});

test('start-up: the pure-JS decoders and xxHash load only at their first block', async () => {
  const { spawnSync } = await import('node:child_process');
  const here = new URL('.', import.meta.url);
  const code = `
    import { createRequire } from 'node:module';
    const c = await import(${JSON.stringify(new URL('../../src/rocksdb/compression.ts', here).href)});
    const k = await import(${JSON.stringify(new URL('../../src/rocksdb/checksum.ts', here).href)});
    const loaded = () => Object.keys(createRequire(import.meta.url).cache).filter((p) => /node_modules\\/(lz4js|snappyjs|fzstd|@node-rs\\/xxhash)\\//.test(p)).map((p) => p.replace(/.*node_modules\\//, '').split('/')[0] === '@node-rs' ? '@node-rs/xxhash' : p.replace(/.*node_modules\\//, '').split('/')[0]);
    const before = [...new Set(loaded())];
    k.xxhash32(new Uint8Array(3));
    c.decompressBlock(1, Uint8Array.of(3, 8, 0x61, 0x62, 0x63), 2); // snappy "abc" (one literal)
    console.log(JSON.stringify({ before, after: [...new Set(loaded())].sort() }));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8', cwd: new URL('../..', import.meta.url).pathname });
  assert.equal(r.status, 0, r.stderr);
  const got = JSON.parse(r.stdout) as { before: string[]; after: string[] };
  assert.deepEqual(got.before, [], 'nothing loaded by importing the modules');
  assert.deepEqual(got.after, ['@node-rs/xxhash', 'snappyjs'], 'loaded when first needed');
});
