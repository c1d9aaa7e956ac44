/**
 * Damaged SSTs (copies of the RocksDB-written fixtures in a temp dir): a FormatError with the
 * right code, file and offset — never wrong data, another exception, or a hang.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FormatError } from '../../src/errors.js';
import { SstReader } from '../../src/rocksdb/sst-reader.js';
import { computeBlockChecksum } from '../../src/rocksdb/checksum.js';
import { firstMismatch, readScanFile, toHex, type ScanEntry, dumpSstFile } from './sst-scan-text.js';

const dir = fileURLToPath(new URL('../../fixtures/rocksdb-sst/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'sst-corruption-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
function copyOf(name: string): string {
  const p = join(tmp, `${n++}-${name}.sst`);
  copyFileSync(`${dir}${name}.sst`, p);
  return p;
}
function patch(path: string, offset: number, fn: (b: number) => number): void {
  const buf = readFileSync(path);
  buf[offset] = fn(buf[offset]!);
  writeFileSync(path, buf);
}
function formatError(fn: () => unknown): FormatError {
  try {
    fn();
  } catch (e) {
    if (e instanceof FormatError) return e;
    throw new Error(`expected FormatError, got ${String(e)}`);
  }
  throw new Error('expected FormatError, got success');
}
function handles(name: string): { offset: number; size: number }[] {
  const r = SstReader.open(`${dir}${name}.sst`);
  try {
    return r.dataBlockHandles();
  } finally {
    r.close();
  }
}

for (const name of ['fv5-crc32c-none-datahash', 'fv5-xxh3-lz4-binary', 'fv4-xxhash64-zlib-binary', 'fv3-xxhash-snappy-binary']) {
  test(`${name}: a flipped byte in a data block -> corruption naming file, block offset, checksums`, () => {
    const hs = handles(name);
    const victim = hs[5]!;
    const p = copyOf(name);
    patch(p, victim.offset + Math.floor(victim.size / 2), (b) => b ^ 0x10);
    const want = readScanFile(`${dir}${name}.scan.txt.gz`);
    const r = SstReader.open(p); // footer, metaindex, properties, index are intact
    try {
      const c = r.cursor();
      const seen: ScanEntry[] = [];
      const e = formatError(() => {
        for (c.seekToFirst(); c.valid(); c.next()) {
          seen.push({ key: toHex(c.userKey()), seq: c.seq(), type: c.kind(), value: toHex(c.value()) });
        }
      });
      assert.equal(e.code, 'corruption');
      assert.equal(e.file, p);
      assert.equal(e.offset, victim.offset);
      assert.match(e.message, /data block checksum mismatch/);
      assert.match(e.expected ?? '', /^0x[0-9a-f]{8}$/);
      assert.match(e.found ?? '', /^0x[0-9a-f]{8}$/);
      assert.notEqual(e.expected, e.found);
      // Everything delivered before the error came from the intact blocks before it.
      assert.ok(seen.length > 0 && seen.length < want.length);
      assert.equal(firstMismatch(seen, want.slice(0, seen.length)), -1);
    } finally {
      r.close();
    }
  });
}

test('seek into a damaged block fails; seeks elsewhere still read right', () => {
  const name = 'fv5-crc32c-zstd-partitioned';
  const hs = handles(name);
  const want = readScanFile(`${dir}${name}.scan.txt.gz`);
  const p = copyOf(name);
  const last = hs[hs.length - 1]!;
  patch(p, last.offset + 3, (b) => b ^ 0xff);
  const r = SstReader.open(p);
  try {
    const c = r.cursor();
    const e = formatError(() => c.seek(Buffer.from(want[want.length - 1]!.key, 'hex')));
    assert.equal(e.code, 'corruption');
    assert.equal(e.offset, last.offset);
    c.seek(Buffer.from(want[0]!.key, 'hex'));
    assert.ok(c.valid());
    assert.equal(Buffer.from(c.userKey()).toString('hex').toUpperCase(), want[0]!.key);
  } finally {
    r.close();
  }
});

test('damaged index / properties / metaindex blocks fail at open', () => {
  const name = 'fv5-crc32c-snappy-restart4';
  const size = readFileSync(`${dir}${name}.sst`).length;
  const hs = handles(name);
  const last = hs[hs.length - 1]!;
  const afterData = last.offset + last.size + 5;
  // Each byte between the data blocks and the footer belongs to a meta block; flipping one in
  // the index, properties or metaindex block must fail the open (filter bytes are not read).
  let failures = 0;
  for (let off = afterData; off < size - 53; off += 97) {
    const p = copyOf(name);
    patch(p, off, (b) => b ^ 0x01);
    try {
      const got = dumpSstFile(p);
      assert.equal(firstMismatch(got, readScanFile(`${dir}${name}.scan.txt.gz`)), -1, `flip at ${off} changed data`);
    } catch (e) {
      assert.ok(e instanceof FormatError, `flip at ${off}: ${String(e)}`);
      assert.equal(e.code, 'corruption', `flip at ${off}: ${e.message}`);
      assert.equal(e.file, p);
      assert.ok(e.offset !== undefined && e.offset >= afterData - 5 && e.offset <= off, `flip at ${off}: offset ${e.offset}`);
      failures++;
    }
  }
  assert.ok(failures > 0);
});

test('truncated SSTs -> truncated, offset = the file size', () => {
  const name = 'fv5-crc32c-zstd-firstkey';
  const size = readFileSync(`${dir}${name}.sst`).length;
  for (const keep of [size - 1, size - 20, Math.floor(size / 2), 100, 10, 0]) {
    const p = copyOf(name);
    truncateSync(p, keep);
    const e = formatError(() => SstReader.open(p));
    assert.equal(e.code, 'truncated', `keep ${keep}: ${e.message}`);
    assert.equal(e.file, p);
    assert.equal(e.offset, keep, `keep ${keep}`);
  }
  // The MANIFEST's size makes it definite even for a file cut at a block boundary.
  const p = copyOf(name);
  const e = formatError(() => SstReader.open(p, { expectedSize: size + 4096 }));
  assert.equal(e.code, 'truncated');
  assert.equal(e.offset, size);
  // ...and a full-size file whose tail is garbage (e.g. encrypted at rest) is not "truncated".
  const q = copyOf(name);
  const buf = readFileSync(q);
  for (let i = buf.length - 60; i < buf.length; i++) buf[i] = (i * 37) & 0xff;
  writeFileSync(q, buf);
  assert.equal(formatError(() => SstReader.open(q)).code, 'truncated');
  const e2 = formatError(() => SstReader.open(q, { expectedSize: size }));
  assert.equal(e2.code, 'corruption');
  assert.equal(e2.offset, size - 8);
  assert.match(e2.message, /encrypted/);
});

test('damaged footer magic -> corruption at the magic offset', () => {
  const name = 'fv2-crc32c-none-binary';
  const size = readFileSync(`${dir}${name}.sst`).length;
  for (const i of [0, 3, 7]) {
    const p = copyOf(name);
    patch(p, size - 8 + i, (b) => b ^ 0x40);
    const e = formatError(() => SstReader.open(p));
    assert.equal(e.code, 'corruption', e.message);
    assert.equal(e.file, p);
    assert.equal(e.offset, size - 8);
    assert.match(e.message, /magic/);
  }
  // format_version field damaged: 7 -> unsupported, naming the file
  const p = copyOf(name);
  patch(p, size - 12, () => 7);
  const e = formatError(() => SstReader.open(p));
  assert.equal(e.code, 'unsupported');
  assert.equal(e.file, p);
  assert.match(e.message, /format_version 7/);
});

test('bad compressed payload under a valid checksum -> corruption from the decompressor', () => {
  for (const name of ['fv5-xxh3-lz4-binary', 'fv5-crc32c-zstd-firstkey', 'fv4-xxhash64-zlib-binary', 'fv3-xxhash-snappy-binary']) {
    const r0 = SstReader.open(`${dir}${name}.sst`);
    const ck = r0.checksumType;
    r0.close();
    const hs = handles(name);
    const buf = readFileSync(`${dir}${name}.sst`);
    const h = hs.find((x) => buf[x.offset + x.size] !== 0)!; // a block stored compressed
    assert.ok(h !== undefined, `${name} has a compressed block`);
    for (let j = Math.floor(h.size / 3); j < h.size; j++) buf[h.offset + j] = 0xee;
    const sum = computeBlockChecksum(ck, buf.subarray(h.offset, h.offset + h.size + 1));
    buf.writeUInt32LE(sum, h.offset + h.size + 1);
    const p = join(tmp, `${n++}-${name}-payload.sst`);
    writeFileSync(p, buf);
    const e = formatError(() => dumpSstFile(p));
    assert.equal(e.code, 'corruption', `${name}: ${e.message}`);
    assert.equal(e.file, p);
    assert.equal(e.offset, h.offset);
  }
});

test('a data block key shorter than its 8-byte trailer (valid checksum) -> corruption at that block', () => {
  // fv2-crc32c-none-binary stores its blocks uncompressed: the first entry of block 3 (a restart
  // point: varint shared 0, non_shared, value_length) gets non_shared 4, its checksum fixed
  const name = 'fv2-crc32c-none-binary';
  const r0 = SstReader.open(`${dir}${name}.sst`);
  const ck = r0.checksumType;
  r0.close();
  const h = handles(name)[3]!;
  const buf = readFileSync(`${dir}${name}.sst`);
  assert.equal(buf[h.offset + h.size], 0, 'block stored uncompressed');
  assert.equal(buf[h.offset], 0, 'first entry shares nothing');
  assert.ok(buf[h.offset + 1]! >= 8 && buf[h.offset + 1]! < 0x80, 'one-byte non_shared of a whole internal key');
  buf[h.offset + 1] = 4;
  buf.writeUInt32LE(computeBlockChecksum(ck, buf.subarray(h.offset, h.offset + h.size + 1)), h.offset + h.size + 1);
  const p = join(tmp, `${n++}-${name}-shortkey.sst`);
  writeFileSync(p, buf);
  const want = readScanFile(`${dir}${name}.sst`.replace(/\.sst$/, '.scan.txt.gz'));
  const r = SstReader.open(p);
  try {
    const c = r.cursor();
    let seen = 0;
    const e = formatError(() => {
      for (c.seekToFirst(); c.valid(); c.next()) seen++;
    });
    assert.equal(e.code, 'corruption');
    assert.match(e.message, /key shorter than its 8-byte trailer/);
    assert.equal(e.file, p);
    assert.equal(e.offset, h.offset);
    assert.ok(seen > 0 && seen < want.length); // the blocks before it were read
  } finally {
    r.close();
  }
});

test('random single-byte flips: either the exact RocksDB entries or a FormatError', () => {
  let seed = 12345;
  const rnd = (m: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % m;
  };
  for (const name of ['fv5-crc32c-none-datahash', 'fv5-crc32c-zstd-partitioned']) {
    const want = readScanFile(`${dir}${name}.scan.txt.gz`);
    const orig = readFileSync(`${dir}${name}.sst`);
    const p = join(tmp, `${n++}-${name}-fuzz.sst`);
    for (let k = 0; k < 40; k++) {
      const buf = Buffer.from(orig);
      const off = rnd(buf.length);
      buf[off] = buf[off]! ^ (1 << rnd(8));
      writeFileSync(p, buf);
      try {
        const got = dumpSstFile(p);
        assert.equal(firstMismatch(got, want), -1, `${name}: flip at ${off} gave different data`);
      } catch (e) {
        assert.ok(e instanceof FormatError, `${name}: flip at ${off}: ${String(e)}`);
      }
    }
  }
});
