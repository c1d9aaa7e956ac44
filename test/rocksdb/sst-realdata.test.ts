/**
 * SstReader on real TiKV-written SSTs (fixtures/realdata, see their SOURCE.md): contents as
 * documented there, keys rebuilt by hand from the TiKV key encoding, and every entry compared
 * with the `sst_dump --command=scan --output_hex` output committed under expected/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SstReader } from '../../src/rocksdb/sst-reader.js';
import { dumpCursor, firstMismatch, readScanFile, type ScanEntry } from './sst-scan-text.js';

const lightning = fileURLToPath(new URL('../../fixtures/realdata/tidb-lightning-sst-examples/', import.meta.url));
const br = fileURLToPath(new URL('../../fixtures/realdata/tikv-migration-br-rawkv/', import.meta.url));

const TS = 404411537129996288n; // commit_ts = start_ts of the lightning examples (SOURCE.md)
const ascii = (s: string): number[] => [...Buffer.from(s, 'latin1')];

/** TiDB/TiKV memcomparable EncodeBytes, written from tikv-tidb-encoding.md: 8-byte groups,
 *  zero padded, each followed by 0xFF - pad count. */
function encodeBytes(raw: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i <= raw.length; i += 8) {
    const group = raw.slice(i, i + 8);
    const pad = 8 - group.length;
    out.push(...group, ...new Array<number>(pad).fill(0), 0xff - pad);
  }
  return out;
}
function descTs(ts: bigint): number[] {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(~ts & 0xffffffffffffffffn);
  return [...b];
}
function uvarint(v: bigint): number[] {
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}
const hexOf = (xs: number[]): string => Buffer.from(xs).toString('hex').toUpperCase();
const dataKey = (user: string, ts: bigint): string => hexOf([0x7a, ...encodeBytes(ascii(user)), ...descTs(ts)]);
const pad9 = (i: number): string => `key${String(i).padStart(9, '0')}`;

function readAll(path: string): { got: ScanEntry[]; reader: SstReader } {
  const reader = SstReader.open(path);
  try {
    return { got: dumpCursor(reader.cursor()), reader };
  } finally {
    reader.close();
  }
}

test('lightning 0.sst: one write-CF entry "a" -> "1" at ts 1', () => {
  const { got, reader } = readAll(`${lightning}0.sst`);
  assert.equal(reader.formatVersion, 2);
  assert.equal(reader.checksumType, 1);
  assert.equal(reader.properties.compressionName, 'ZSTD');
  assert.equal(reader.properties.externalSstFileVersion, 2);
  assert.deepEqual(got, [{ key: '7A6100000000000000F8FFFFFFFFFFFFFFFE', seq: 0, type: 1, value: '5001760131' }]);
  assert.equal(got[0]!.key, dataKey('a', 1n));
  assert.equal(firstMismatch(got, readScanFile(`${lightning}expected/0.scan.txt`)), -1);
});

test('lightning 1.sst: 10000 keys key%09d, value P+uvarint(ts)+v 01 31, all as documented', () => {
  const { got, reader } = readAll(`${lightning}1.sst`);
  assert.equal(reader.properties.numEntries, 10000);
  assert.equal(got.length, 10000);
  const value = hexOf([0x50, ...uvarint(TS), 0x76, 0x01, 0x31]);
  assert.equal(value, '508080D0EDE7C4B0CE05760131'); // as SOURCE.md prints it
  for (let i = 0; i < 10000; i++) {
    const e = got[i]!;
    assert.equal(e.key, dataKey(pad9(i), TS), `key ${i}`);
    assert.equal(e.value, value, `value ${i}`);
    assert.equal(e.seq, 0);
    assert.equal(e.type, 1);
  }
  assert.equal(firstMismatch(got, readScanFile(`${lightning}expected/1.scan.txt.gz`)), -1);
});

test('lightning 2-write / 2-default: one long value in the default CF', () => {
  const w = readAll(`${lightning}2-write.sst`).got;
  const d = readAll(`${lightning}2-default.sst`).got;
  assert.equal(w.length, 1);
  assert.equal(d.length, 1);
  assert.equal(w[0]!.key, dataKey('key0000001', TS));
  assert.equal(w[0]!.value, hexOf([0x50, ...uvarint(TS)])); // no short value
  assert.equal(d[0]!.key, dataKey('key0000001', TS));
  assert.equal(d[0]!.value, hexOf(ascii('long-value-'.repeat(100))));
  assert.equal(firstMismatch(w, readScanFile(`${lightning}expected/2-write.scan.txt`)), -1);
  assert.equal(firstMismatch(d, readScanFile(`${lightning}expected/2-default.scan.txt`)), -1);
});

test('lightning 3-write / 3-default: short values inline below 256 bytes, long ones in default', () => {
  const w = readAll(`${lightning}3-write.sst`).got;
  const d = readAll(`${lightning}3-default.sst`).got;
  assert.equal(w.length, 10000);
  assert.equal(d.length, 7600);
  let di = 0;
  for (let i = 0; i < 10000; i++) {
    const v = 'long-value-'.repeat(i % 100);
    assert.equal(w[i]!.key, dataKey(pad9(i), TS));
    if (v.length <= 255) {
      assert.equal(w[i]!.value, hexOf([0x50, ...uvarint(TS), 0x76, v.length, ...ascii(v)]), `write ${i}`);
    } else {
      assert.equal(w[i]!.value, hexOf([0x50, ...uvarint(TS)]), `write ${i}`);
      const e = d[di++]!;
      assert.equal(e.key, dataKey(pad9(i), TS), `default ${i}`);
      assert.equal(e.value, hexOf(ascii(v)), `default ${i}`);
    }
  }
  assert.equal(di, 7600);
  assert.equal(firstMismatch(d, readScanFile(`${lightning}expected/3-default.scan.txt.gz`)), -1);
});

test('BR RawKV backup SSTs: 500 entries each, z+"test_" keys ascending, 64 x A values', () => {
  for (const sub of ['sst', 'sst_ttl']) {
    const files = readdirSync(`${br}${sub}`).filter((f) => f.endsWith('.sst'));
    assert.equal(files.length, 2);
    let total = 0;
    for (const f of files) {
      const { got, reader } = readAll(`${br}${sub}/${f}`);
      assert.equal(reader.properties.externalSstFileVersion, 2);
      assert.equal(got.length, 500);
      total += got.length;
      let prev = '';
      for (const e of got) {
        assert.ok(e.key.startsWith(hexOf(ascii('ztest_'))), e.key);
        assert.ok(Buffer.from(e.key, 'hex').compare(Buffer.from(prev, 'hex')) > 0, 'ascending');
        prev = e.key;
        const a64 = hexOf(new Array<number>(64).fill(0x41));
        if (sub === 'sst') assert.equal(e.value, a64);
        else {
          // + 8-byte big-endian expire ts (API V1TTL), SOURCE.md: 00 00 00 00 62 00 7C 2B
          assert.equal(e.value, a64 + '0000000062007C2B');
        }
        assert.equal(e.type, 1);
        assert.equal(e.seq, 0);
      }
      const expected = sub === 'sst' && f.startsWith('1_2_2') ? 'sst-1_2_2' : sub === 'sst_ttl' && f.startsWith('5_8_2') ? 'sst_ttl-5_8_2' : undefined;
      if (expected !== undefined) {
        assert.equal(firstMismatch(got, readScanFile(`${br}expected/${expected}.scan.txt.gz`)), -1, f);
      }
    }
    assert.equal(total, 1000); // SSTDataSourceSuite: 1000 pairs per directory
  }
});
