/**
 * SstReader against SSTs written by real RocksDB 7.8.3 (tools/sst-gen, fixtures/rocksdb-sst):
 * every entry compared with `sst_dump --command=scan --output_hex`, properties with
 * `sst_dump --show_properties`, range tombstones with `sst_dump --command=raw`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FormatError } from '../../src/errors.js';
import { SstReader } from '../../src/rocksdb/sst-reader.js';
import { ValueType } from '../../src/rocksdb/types.js';
import { compareBytes } from '../../src/rocksdb/internal-key.js';
import { dumpCursor, firstMismatch, fromHex, parsePropsText, readScanFile, toHex, type ScanEntry } from './sst-scan-text.js';

const dir = fileURLToPath(new URL('../../fixtures/rocksdb-sst/', import.meta.url));
/** Written with rocksdb.ReverseBytewiseComparator: must be refused, not misread. */
const REVERSE = 'fv5-crc32c-none-reversecmp';
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.sst') && !f.startsWith(REVERSE))
  .map((f) => f.slice(0, -4))
  .sort();

function meta(name: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of readFileSync(`${dir}${name}.meta.txt`, 'utf8').split('\n')) {
    const i = line.indexOf(' ');
    if (i > 0 && !line.startsWith('delete_range')) m.set(line.slice(0, i), line.slice(i + 1));
  }
  return m;
}

test('fixture set covers every checksum, format_version 0..5, compression and index type', () => {
  assert.equal(cases.length, 22);
  const seen = { fv: new Set<number>(), ck: new Set<number>(), comp: new Set<string>(), idx: new Set<number>() };
  for (const name of cases) {
    const r = SstReader.open(`${dir}${name}.sst`);
    try {
      seen.fv.add(r.formatVersion);
      seen.ck.add(r.checksumType);
      seen.comp.add(r.properties.compressionName);
      seen.idx.add(r.properties.indexType);
    } finally {
      r.close();
    }
  }
  assert.deepEqual([...seen.fv].sort(), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual([...seen.ck].sort(), [1, 2, 3, 4]);
  assert.deepEqual([...seen.comp].sort(), ['LZ4', 'LZ4HC', 'NoCompression', 'Snappy', 'ZSTD', 'Zlib']);
  assert.deepEqual([...seen.idx].sort(), [0, 1, 2, 3]);
});

for (const name of cases) {
  test(`${name}: every entry equals sst_dump scan`, () => {
    const want = readScanFile(`${dir}${name}.scan.txt.gz`);
    assert.ok(want.length >= 200, 'ground truth has entries');
    const r = SstReader.open(`${dir}${name}.sst`);
    try {
      const got = dumpCursor(r.cursor());
      const i = firstMismatch(got, want);
      assert.equal(i, -1, `entry ${i}: got ${JSON.stringify(got[i])}, want ${JSON.stringify(want[i])}`);
    } finally {
      r.close();
    }
  });

  test(`${name}: properties and format equal RocksDB's`, () => {
    const props = parsePropsText(readFileSync(`${dir}${name}.props.txt`, 'utf8'));
    const m = meta(name);
    const r = SstReader.open(`${dir}${name}.sst`);
    try {
      assert.equal(r.formatVersion, Number(m.get('format_version')));
      assert.equal(r.checksumType, Number(m.get('checksum')));
      const p = r.properties;
      assert.equal(p.numEntries, Number(props.get('# entries')));
      assert.equal(p.numDataBlocks, Number(props.get('# data blocks')));
      assert.equal(p.numRangeDeletions, Number(props.get('# range deletions')));
      assert.equal(p.numDeletions, Number(props.get('# deletions')));
      assert.equal(p.compressionName, props.get('SST file compression algo'));
      assert.equal(p.comparator, props.get('comparator name'));
      const it = props.get('# rocksdb.block.based.table.index.type')!; // fixed32 shown as bytes
      assert.equal(p.indexType, Buffer.from(it.slice(2), 'hex').readUInt32LE(0));
      assert.equal(p.indexType, Number(m.get('index_type')));
      const flags = [...props.keys()].find((k) => k.startsWith('index block size'))!;
      assert.equal(p.indexKeyIsUserKey, flags.includes('user-key? 1'));
      assert.equal(p.indexValueIsDeltaEncoded, flags.includes('delta-value? 1'));
      const cfName = props.get('column family name');
      assert.equal(p.columnFamilyName, cfName === 'N/A' ? '' : cfName);
      if (props.has('# index partitions')) assert.equal(p.indexPartitions, Number(props.get('# index partitions')));
      const ver = props.get('# rocksdb.external_sst_file.version');
      assert.equal(p.externalSstFileVersion, ver === undefined ? 0 : Buffer.from(ver.slice(2), 'hex').readUInt32LE(0));
      const gs = props.get('# rocksdb.external_sst_file.global_seqno');
      assert.equal(p.globalSeqno, gs === undefined ? 0 : Number(Buffer.from(gs.slice(2), 'hex').readBigUInt64LE(0)));
      // the index lists exactly the data blocks: contiguous from 0, each followed by its trailer
      const hs = r.dataBlockHandles();
      assert.equal(hs.length, p.numDataBlocks);
      let expectOffset = 0;
      for (const h of hs) {
        assert.equal(h.offset, expectOffset);
        expectOffset = h.offset + h.size + 5;
      }
      assert.equal(expectOffset, Number(props.get('data block size')));
      // the keyless walk chunk planning uses lists the same handles
      const offsets: number[] = [];
      const sizes: number[] = [];
      r.newIndexCursor().appendHandles(offsets, sizes);
      assert.deepEqual(
        offsets.map((offset, i) => ({ offset, size: sizes[i] })),
        hs.map((h) => ({ offset: h.offset, size: h.size })),
      );
    } finally {
      r.close();
    }
  });

  test(`${name}: seek(userKey) lands where sst_dump's order says`, () => {
    const want = readScanFile(`${dir}${name}.scan.txt.gz`);
    const r = SstReader.open(`${dir}${name}.sst`);
    try {
      const c = r.cursor();
      const firstAtOrAfter = (t: Uint8Array): number => want.findIndex((e) => compareBytes(fromHex(e.key), t) >= 0);
      const targets: Uint8Array[] = [new Uint8Array(0), fromHex('00'), fromHex('FFFF')];
      for (let i = 0; i < want.length; i += 7) {
        const k = fromHex(want[i]!.key);
        targets.push(k);
        targets.push(Uint8Array.from([...k, 0])); // just after k
        targets.push(k.subarray(0, k.length - 1)); // a prefix, just before k
      }
      for (const t of targets) {
        c.seek(t);
        const i = firstAtOrAfter(t);
        if (i < 0) {
          assert.equal(c.valid(), false, `seek(${toHex(t)}) should be past the end`);
          continue;
        }
        assert.ok(c.valid(), `seek(${toHex(t)}) invalid`);
        const e = want[i]!;
        assert.deepEqual(
          { key: toHex(c.userKey()), seq: c.seq(), type: c.kind() },
          { key: e.key, seq: e.seq, type: e.type },
          `seek(${toHex(t)})`,
        );
      }
      // seek then iterate to the end equals the ground-truth tail
      const mid = fromHex(want[Math.floor(want.length / 2)]!.key);
      const tail = dumpCursor(c, mid);
      assert.equal(firstMismatch(tail, want.slice(firstAtOrAfter(mid))), -1);
    } finally {
      r.close();
    }
  });
}

test('range tombstones equal sst_dump raw; seqs from the DeleteRange calls', () => {
  const name = 'fv4-crc32c-lz4-rangedel';
  const lines = readFileSync(`${dir}${name}.rangedel.txt`, 'utf8').trim().split('\n');
  const wantKeys = lines.map((l) => l.replace(':', '').split(' '));
  const seqs = readFileSync(`${dir}${name}.meta.txt`, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('delete_range'))
    .map((l) => Number(l.split(' ')[4]));
  assert.deepEqual(seqs.length, 2);
  const r = SstReader.open(`${dir}${name}.sst`);
  try {
    const t = r.rangeTombstones();
    assert.deepEqual(
      t.map((x) => [toHex(x.start), toHex(x.end)]),
      wantKeys,
    );
    // Fragments of [100,120)@s1 and [110,130)@s2 (no snapshot between them, so only the
    // newest seq survives where they overlap): [100,110)@s1, [110,120)@s2, [120,130)@s2.
    assert.deepEqual(
      t.map((x) => x.seq),
      [seqs[0], seqs[1], seqs[1]],
    );
    assert.equal(r.properties.numRangeDeletions, 3);
  } finally {
    r.close();
  }
  const w = SstReader.open(`${dir}fv5-crc32c-zstd-sstwriter.sst`);
  try {
    const lines2 = readFileSync(`${dir}fv5-crc32c-zstd-sstwriter.rangedel.txt`, 'utf8').trim().split('\n');
    assert.deepEqual(
      w.rangeTombstones().map((x) => [toHex(x.start), toHex(x.end), x.seq]),
      lines2.map((l) => [...l.replace(':', '').split(' '), 0]),
    );
  } finally {
    w.close();
  }
  const none = SstReader.open(`${dir}fv5-crc32c-none-binary.sst`.replace('none-binary', 'none-datahash'));
  try {
    assert.deepEqual(none.rangeTombstones(), []);
  } finally {
    none.close();
  }
});

test('a table with another comparator is refused with unsupported, naming it', () => {
  const scan = readFileSync(`${dir}${REVERSE}.props.txt`, 'utf8');
  assert.match(scan, /comparator name: rocksdb.ReverseBytewiseComparator/);
  assert.throws(
    () => SstReader.open(`${dir}${REVERSE}.sst`),
    (e: unknown) =>
      e instanceof FormatError && e.code === 'unsupported' && e.file === `${dir}${REVERSE}.sst` && /ReverseBytewiseComparator/.test(e.message),
  );
});

test('compression dictionaries (zstd, lz4, zlib) are used for data blocks', () => {
  for (const name of ['fv5-crc32c-zstd-dict', 'fv5-crc32c-lz4-dict', 'fv4-crc32c-zlib-dict']) {
    const r = SstReader.open(`${dir}${name}.sst`);
    try {
      assert.ok(r.metaBlocks.has('rocksdb.compression_dict'), name);
      assert.ok(r.compressionDict !== undefined && r.compressionDict.raw.length > 0, name);
      const raw = readFileSync(`${dir}${name}.props.txt`, 'utf8');
      assert.match(raw, /max_dict_bytes=4096/);
    } finally {
      r.close();
    }
  }
});

test('ingested file with global_seqno property: every key gets it (sst_dump agrees)', () => {
  const name = 'fv5-crc32c-zstd-ingested';
  const m = meta(name);
  const r = SstReader.open(`${dir}${name}.sst`);
  try {
    assert.equal(r.properties.externalSstFileVersion, 2);
    assert.equal(r.properties.globalSeqno, Number(m.get('largest_seqno')));
    const got = dumpCursor(r.cursor());
    assert.equal(got.length, 200);
    assert.ok(got.every((e) => e.seq === 53));
  } finally {
    r.close();
  }
  // The MANIFEST's seqno must agree with the property, as RocksDB requires.
  assert.throws(
    () => SstReader.open(`${dir}${name}.sst`, { fallbackGlobalSeqno: 54 }),
    (e: unknown) => e instanceof Error && /global_seqno/.test(e.message),
  );
});

test('ingested file without the property: seq comes from fallbackGlobalSeqno (MANIFEST largest seqno)', () => {
  const name = 'fv5-crc32c-lz4-ingested-noglobal';
  const m = meta(name);
  const largest = Number(m.get('largest_seqno'));
  assert.equal(largest, 53);
  const want: ScanEntry[] = readScanFile(`${dir}${name}.scan.txt.gz`);
  assert.ok(want.every((e) => e.seq === 0)); // sst_dump has no MANIFEST: it shows 0
  const r = SstReader.open(`${dir}${name}.sst`, { fallbackGlobalSeqno: largest });
  try {
    const got = dumpCursor(r.cursor());
    assert.equal(firstMismatch(got, want.map((e) => ({ ...e, seq: largest }))), -1);
    assert.equal(r.properties.globalSeqno, 0);
  } finally {
    r.close();
  }
});

test('SstFileWriter output opened with a MANIFEST seqno: points and range tombstones get it', () => {
  const name = 'fv5-crc32c-zstd-sstwriter';
  const want = readScanFile(`${dir}${name}.scan.txt.gz`);
  assert.ok(want.some((e) => e.type === 0) && want.every((e) => e.seq === 0));
  const r = SstReader.open(`${dir}${name}.sst`, { fallbackGlobalSeqno: 77 });
  try {
    const got = dumpCursor(r.cursor());
    assert.equal(firstMismatch(got, want.map((e) => ({ ...e, seq: 77 }))), -1);
    assert.deepEqual(
      r.rangeTombstones().map((t) => t.seq),
      [77],
    );
  } finally {
    r.close();
  }
});

test('blob index entries (type 0x11) come out unchanged', () => {
  const name = 'fv5-crc32c-none-blobindex';
  const want = readScanFile(`${dir}${name}.scan.txt.gz`).filter((e) => e.type === 0x11);
  assert.ok(want.length >= 5);
  const r = SstReader.open(`${dir}${name}.sst`);
  try {
    const got = dumpCursor(r.cursor()).filter((e) => e.type === ValueType.BlobIndex);
    assert.deepEqual(got, want);
  } finally {
    r.close();
  }
});

test('blocksCursor over chunks of dataBlockHandles() concatenates to the full scan; seeks inside a chunk', () => {
  for (const name of ['fv5-crc32c-zstd-partitioned', 'fv5-crc32c-zstd-sstwriter']) {
    const want = readScanFile(`${dir}${name}.scan.txt.gz`);
    const r = SstReader.open(`${dir}${name}.sst`);
    try {
      const hs = r.dataBlockHandles();
      const chunks = [hs.slice(0, 5), hs.slice(5, 6), hs.slice(6, 17), hs.slice(17)];
      const got = chunks.flatMap((c) => dumpCursor(r.blocksCursor(c)));
      assert.equal(firstMismatch(got, want), -1, name);
      // seek inside the third chunk: first entry >= target among that chunk's entries
      const third = dumpCursor(r.blocksCursor(chunks[2]!));
      const target = fromHex(third[Math.floor(third.length / 2)]!.key);
      const c = r.blocksCursor(chunks[2]!);
      const rest = dumpCursor(c, target);
      const from = third.findIndex((e) => compareBytes(fromHex(e.key), target) >= 0);
      assert.equal(firstMismatch(rest, third.slice(from)), -1);
      c.seek(fromHex('FFFF'));
      assert.equal(c.valid(), false);
      assert.equal(dumpCursor(r.blocksCursor([])).length, 0);
    } finally {
      r.close();
    }
  }
});

test('userKey() view is stable only until the cursor moves; copies stay right', () => {
  const r = SstReader.open(`${dir}fv5-crc32c-zstd-partitioned.sst`);
  try {
    const c = r.cursor();
    const keys: string[] = [];
    for (c.seekToFirst(); c.valid(); c.next()) keys.push(toHex(c.userKey().slice()));
    const want = readScanFile(`${dir}fv5-crc32c-zstd-partitioned.scan.txt.gz`).map((e) => e.key);
    assert.deepEqual(keys, want);
  } finally {
    r.close();
  }
});

test('keyShared() after next() is a prefix the user key shares with the previous one; 0 at block starts', () => {
  let positive = 0;
  let blockStarts = 0;
  for (const name of cases) {
    let r: SstReader;
    try {
      r = SstReader.open(`${dir}${name}.sst`);
    } catch {
      continue; // files other tests expect to be refused
    }
    try {
      const c = r.cursor();
      let prev: Uint8Array | undefined;
      let prevBlock = -1;
      for (c.seekToFirst(); c.valid(); c.next()) {
        const k = c.userKey();
        if (prev !== undefined) {
          const s = c.keyShared();
          let common = 0;
          while (common < k.length && common < prev.length && k[common] === prev[common]) common++;
          assert.ok(s >= 0 && s <= common, `${name}: keyShared ${s}, common prefix ${common}`);
          if (c.blockOffset() !== prevBlock) {
            assert.equal(s, 0, `${name}: first entry of a block`);
            blockStarts++;
          }
          if (s > 0) positive++;
        }
        prev = k.slice();
        prevBlock = c.blockOffset();
      }
    } finally {
      r.close();
    }
  }
  assert.ok(positive > 1000 && blockStarts > 10, `${positive} entries with a shared prefix, ${blockStarts} block starts`);
});
