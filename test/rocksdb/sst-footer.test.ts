/** Footer parsing: RocksDB-written footers and footers written by hand from rocksdb-format §4.1. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FormatError } from '../../src/errors.js';
import { parseFooter } from '../../src/rocksdb/sst-footer.js';
import { crc32c, maskCrc } from '../../src/rocksdb/checksum.js';
import { encodeVarint } from '../../src/rocksdb/varint.js';

const dir = fileURLToPath(new URL('../../fixtures/rocksdb-sst/', import.meta.url));
const MAGIC = [0xf7, 0xcf, 0xf4, 0x85, 0xb7, 0x41, 0xe2, 0x88]; // 0x88e241b785f4cff7 LE
const LEGACY = [0x57, 0xfb, 0x80, 0x8b, 0x24, 0x75, 0x47, 0xdb]; // 0xdb4775248b80fb57 LE
const u32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const handle = (o: number, s: number): number[] => [...encodeVarint(o), ...encodeVarint(s)];
const pad = (xs: number[], n: number): number[] => [...xs, ...new Array<number>(n - xs.length).fill(0)];
const fail = (fn: () => unknown): FormatError => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof FormatError, String(e));
    return e;
  }
  assert.fail('expected FormatError');
};

test('footers written by RocksDB 7.8.3: version/checksum as configured, metaindex right before the footer', () => {
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.sst'))) {
    const buf = readFileSync(`${dir}${f}`);
    const meta = readFileSync(`${dir}${f.slice(0, -4)}.meta.txt`, 'utf8');
    const ft = parseFooter(buf.subarray(buf.length - 53), buf.length, f);
    assert.equal(ft.formatVersion, Number(/format_version (\d+)/.exec(meta)![1]), f);
    assert.equal(ft.checksumType, Number(/checksum (\d+)/.exec(meta)![1]), f);
    assert.equal(ft.footerOffset, buf.length - (ft.formatVersion === 0 ? 48 : 53)); // legacy footer: 48 bytes
    assert.equal(ft.metaindexHandle.offset + ft.metaindexHandle.size + 5, ft.footerOffset, f);
    assert.ok(ft.indexHandle !== undefined && ft.indexHandle.offset + ft.indexHandle.size + 5 <= ft.metaindexHandle.offset);
  }
});

test('legacy footer (format_version 0) by hand', () => {
  const body = [...pad([...handle(1000, 20), ...handle(500, 450)], 40), ...LEGACY];
  const file = Uint8Array.from([...new Array<number>(10).fill(9), ...body]);
  const ft = parseFooter(file, file.length, 'legacy.sst');
  assert.deepEqual(
    { v: ft.formatVersion, c: ft.checksumType, m: ft.metaindexHandle, i: ft.indexHandle, at: ft.footerOffset },
    { v: 0, c: 1, m: { offset: 1000, size: 20 }, i: { offset: 500, size: 450 }, at: 10 },
  );
});

test('format_version 2..5 footer by hand', () => {
  const body = [4, ...pad([...handle(7000, 66), ...handle(6000, 900)], 40), ...u32(5), ...MAGIC];
  const ft = parseFooter(Uint8Array.from(body), 8000, 'x.sst');
  assert.deepEqual(
    { v: ft.formatVersion, c: ft.checksumType, m: ft.metaindexHandle, i: ft.indexHandle, at: ft.footerOffset },
    { v: 5, c: 4, m: { offset: 7000, size: 66 }, i: { offset: 6000, size: 900 }, at: 8000 - 53 },
  );
});

/** A format_version 6 footer at file offset `at`, crc32c, by the layout in §4.1/§4.2. */
function fv6(at: number, base: number, metaSize: number, tweak?: (b: number[]) => void): Uint8Array {
  const b = [1, 0x3e, 0x00, 0x7a, 0x00, ...u32(0), ...u32(base), ...u32(metaSize), ...new Array<number>(24).fill(0), ...u32(6), ...MAGIC];
  assert.equal(b.length, 53);
  tweak?.(b);
  const modifier = (base ^ ((at % 2 ** 32) + Math.floor(at / 2 ** 32))) >>> 0;
  const sum = (maskCrc(crc32c(Uint8Array.from(b))) + modifier) >>> 0;
  b.splice(5, 4, ...u32(sum));
  return Uint8Array.from(b);
}

test('format_version 6 footer by hand: checksum with context, metaindex from its size', () => {
  const at = 5000;
  const ft = parseFooter(fv6(at, 0x12345678, 77), at + 53, 'six.sst');
  assert.equal(ft.formatVersion, 6);
  assert.equal(ft.baseContextChecksum, 0x12345678);
  assert.deepEqual(ft.metaindexHandle, { offset: at - 5 - 77, size: 77 });
  assert.equal(ft.indexHandle, undefined);
  // checksum damaged -> corruption at the footer offset
  const bad = fv6(at, 0x12345678, 77);
  bad[6] = bad[6]! ^ 1;
  const e = fail(() => parseFooter(bad, at + 53, 'six.sst'));
  assert.equal(e.code, 'corruption');
  assert.equal(e.offset, at);
  // same bytes at another offset: the context modifier no longer matches
  assert.equal(fail(() => parseFooter(fv6(at, 0x12345678, 77), at + 54, 'six.sst')).code, 'corruption');
  // reserved bytes set -> unsupported; bad extended magic -> corruption; base 0 -> corruption
  assert.equal(fail(() => parseFooter(fv6(at, 1, 77, (b) => (b[40] = 1)), at + 53)).code, 'unsupported');
  assert.equal(fail(() => parseFooter(fv6(at, 1, 77, (b) => (b[2] = 1)), at + 53)).code, 'corruption');
  assert.equal(fail(() => parseFooter(fv6(at, 0, 77), at + 53)).code, 'corruption');
});

test('unsupported versions, wrong magic, short files', () => {
  const mk = (v: number): Uint8Array => Uint8Array.from([1, ...pad(handle(1, 1), 40), ...u32(v), ...MAGIC]);
  const e7 = fail(() => parseFooter(mk(7), 100, 'seven.sst'));
  assert.equal(e7.code, 'unsupported');
  assert.equal(e7.file, 'seven.sst');
  assert.match(e7.message, /format_version 7/);
  assert.equal(fail(() => parseFooter(mk(0), 100)).code, 'unsupported'); // new magic with version 0
  const badMagic = mk(5);
  badMagic[52] = 0;
  const em = fail(() => parseFooter(badMagic, 100, 'm.sst'));
  assert.equal(em.code, 'corruption');
  assert.equal(em.offset, 100 - 8);
  const ck = mk(5);
  ck[0] = 9;
  assert.equal(fail(() => parseFooter(ck, 100)).code, 'corruption');
  assert.equal(fail(() => parseFooter(Uint8Array.of(1, 2, 3), 3)).code, 'truncated');
});

test('plain and cuckoo tables are named and refused', () => {
  const le = (m: bigint): number[] => [...Array(8).keys()].map((i) => Number((m >> BigInt(8 * i)) & 0xffn));
  for (const [m, what] of [
    [0x8242229663bf9564n, 'PlainTable'],
    [0x926789d0c5f17873n, 'CuckooTable'],
  ] as const) {
    const e = fail(() => parseFooter(Uint8Array.from([...new Array<number>(45).fill(0), ...le(m)]), 53, 'p.sst'));
    assert.equal(e.code, 'unsupported');
    assert.match(e.message, new RegExp(what));
  }
});
