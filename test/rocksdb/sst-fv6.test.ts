/**
 * format_version 6 end to end. RocksDB 7.8.3 cannot write it, so a RocksDB-written fv5 file
 * (uncompressed, crc32c) is rewritten here by the fv6 rules of rocksdb-format §4.1/§4.2:
 * every block checksum gets the context modifier base ^ (low32(offset) + high32(offset)),
 * the metaindex gains `rocksdb.index`, and the 53-byte footer becomes the fv6 footer with its
 * own checksum. The reader must then return exactly what sst_dump printed for the fv5 file.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FormatError } from '../../src/errors.js';
import { SstReader } from '../../src/rocksdb/sst-reader.js';
import { crc32c, maskCrc } from '../../src/rocksdb/checksum.js';
import { encodeVarint } from '../../src/rocksdb/varint.js';
import { dumpCursor, firstMismatch, readScanFile } from './sst-scan-text.js';

const dir = fileURLToPath(new URL('../../fixtures/rocksdb-sst/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'sst-fv6-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const NAME = 'fv5-crc32c-none-datahash';
const BASE = 0x9e3779b9;
const u32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const MAGIC = [0xf7, 0xcf, 0xf4, 0x85, 0xb7, 0x41, 0xe2, 0x88];
const modifier = (offset: number): number => (BASE ^ ((offset % 2 ** 32) + Math.floor(offset / 2 ** 32))) >>> 0;

/** Re-checksum the block at `offset` (size excludes the trailer) in place. */
function rechecksum(buf: Buffer, offset: number, size: number): void {
  const sum = (maskCrc(crc32c(buf.subarray(offset, offset + size + 1))) + modifier(offset)) >>> 0;
  buf.writeUInt32LE(sum, offset + size + 1);
}

/** A block of name -> value entries, restart interval 1 (every entry a restart, shared 0). */
function metaBlock(entries: [string, number[]][]): number[] {
  const out: number[] = [];
  const restarts: number[] = [];
  for (const [k, v] of entries) {
    restarts.push(out.length);
    const kb = [...Buffer.from(k, 'latin1')];
    out.push(0, ...encodeVarint(kb.length), ...encodeVarint(v.length), ...kb, ...v);
  }
  for (const r of restarts) out.push(...u32(r));
  out.push(...u32(restarts.length));
  return out;
}

function buildFv6(): string {
  const src = readFileSync(`${dir}${NAME}.sst`);
  const r = SstReader.open(`${dir}${NAME}.sst`);
  const data = r.dataBlockHandles();
  const metas = [...r.metaBlocks.entries()];
  const index = r.footer.indexHandle!;
  const metaindex = r.footer.metaindexHandle;
  r.close();
  assert.equal(r.checksumType, 1);
  const body = Buffer.from(src.subarray(0, metaindex.offset));
  for (const h of [...data, ...metas.map(([, h]) => h), index]) rechecksum(body, h.offset, h.size);
  const handle = (h: { offset: number; size: number }): number[] => [...encodeVarint(h.offset), ...encodeVarint(h.size)];
  const entries: [string, number[]][] = [...metas.map(([k, h]): [string, number[]] => [k, handle(h)]), ['rocksdb.index', handle(index)]];
  entries.sort((a, b) => Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])));
  const mi = Buffer.from([...metaBlock(entries), 0, 0, 0, 0, 0]); // type 0 + checksum placeholder
  const miSize = mi.length - 5;
  const withMi = Buffer.concat([body, mi]);
  rechecksum(withMi, metaindex.offset, miSize);
  const footerOffset = withMi.length;
  const footer = [1, 0x3e, 0x00, 0x7a, 0x00, ...u32(0), ...u32(BASE), ...u32(miSize), ...new Array<number>(24).fill(0), ...u32(6), ...MAGIC];
  const fsum = (maskCrc(crc32c(Uint8Array.from(footer))) + modifier(footerOffset)) >>> 0;
  footer.splice(5, 4, ...u32(fsum));
  const out = join(tmp, 'fv6.sst');
  writeFileSync(out, Buffer.concat([withMi, Buffer.from(footer)]));
  return out;
}

test('a format_version 6 table (context checksums, rocksdb.index in the metaindex) reads exactly', () => {
  const p = buildFv6();
  const r = SstReader.open(p);
  try {
    assert.equal(r.formatVersion, 6);
    assert.equal(r.footer.baseContextChecksum, BASE);
    assert.equal(r.footer.indexHandle, undefined);
    assert.ok(r.metaBlocks.has('rocksdb.index'));
    const got = dumpCursor(r.cursor());
    assert.equal(firstMismatch(got, readScanFile(`${dir}${NAME}.scan.txt.gz`)), -1);
  } finally {
    r.close();
  }
});

test('format_version 6: a block checksum without its context modifier is corruption', () => {
  const p = buildFv6();
  const buf = readFileSync(p);
  const r0 = SstReader.open(p);
  const h = r0.dataBlockHandles()[2]!;
  r0.close();
  // the plain fv5 checksum (no modifier) is wrong under fv6: a block moved to another offset
  const plain = maskCrc(crc32c(buf.subarray(h.offset, h.offset + h.size + 1)));
  buf.writeUInt32LE(plain, h.offset + h.size + 1);
  const q = join(tmp, 'fv6-moved.sst');
  writeFileSync(q, buf);
  const r = SstReader.open(q);
  try {
    assert.throws(
      () => dumpCursor(r.cursor()),
      (e: unknown) => e instanceof FormatError && e.code === 'corruption' && e.offset === h.offset,
    );
  } finally {
    r.close();
  }
});
