/**
 * Salvage reads of damaged copies of the RocksDB-written SST fixtures (fixtures/rocksdb-sst),
 * against the entries `sst_dump --command=scan` printed for the undamaged files (*.scan.txt.gz):
 * every entry outside the reported lost ranges is returned, byte-identical and in order; no
 * entry is returned that sst_dump did not print; the loss count equals what is missing.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SalvagedSst, findCrcTrailers } from '../../src/rocksdb/sst-salvage.js';
import { SstReader } from '../../src/rocksdb/sst-reader.js';
import { crc32c, maskCrc } from '../../src/rocksdb/checksum.js';
import { dumpCursor, fromHex, readScanFile, type ScanEntry } from './sst-scan-text.js';

const dir = fileURLToPath(new URL('../../fixtures/rocksdb-sst/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'sst-salvage-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
function damaged(name: string, fn: (b: Buffer) => Buffer): string {
  const p = join(tmp, `${n++}-${name}.sst`);
  copyFileSync(`${dir}${name}.sst`, p);
  writeFileSync(p, fn(readFileSync(p)));
  return p;
}

function layout(name: string): { handles: { offset: number; size: number }[]; index: { offset: number; size: number }; footerOffset: number; size: number } {
  const r = SstReader.open(`${dir}${name}.sst`);
  try {
    const index = r.footer.indexHandle ?? r.metaBlocks.get('rocksdb.index')!;
    return { handles: r.dataBlockHandles(), index, footerOffset: r.footer.footerOffset, size: r.size };
  } finally {
    r.close();
  }
}

const cmp = (a: string, b: string): number => Buffer.compare(Buffer.from(fromHex(a)), Buffer.from(fromHex(b)));

/**
 * got must be `want` minus entries whose user key lies inside a lost range (inclusive bounds),
 * in order and byte-identical. Returns the number of entries missing.
 */
function checkSalvage(got: ScanEntry[], want: ScanEntry[], t: SalvagedSst): number {
  const inLost = (key: string): boolean =>
    t.lost.some(
      (l) =>
        (l.smallest === undefined || cmp(key, Buffer.from(l.smallest).toString('hex')) >= 0) &&
        (l.largest === undefined || cmp(key, Buffer.from(l.largest).toString('hex')) <= 0),
    );
  let j = 0;
  let missing = 0;
  for (const w of want) {
    const g = got[j];
    if (g !== undefined && g.key === w.key && g.seq === w.seq && g.type === w.type && g.value === w.value) {
      j++;
      continue;
    }
    missing++;
    assert.ok(inLost(w.key), `entry ${w.key} seq ${w.seq} missing but outside every reported lost range`);
  }
  assert.equal(j, got.length, `salvage returned an entry sst_dump did not print: ${JSON.stringify(got[j])}`);
  return missing;
}

function salvageScan(p: string, expectedSize?: number): { t: SalvagedSst; got: ScanEntry[] } {
  const t = SalvagedSst.analyze(p, expectedSize === undefined ? {} : { expectedSize });
  try {
    return { t, got: dumpCursor(t.cursor()) };
  } finally {
    t.close();
  }
}

test('findCrcTrailers finds exactly the block ends whose masked crc32c verifies', () => {
  const block = Uint8Array.from([0, 5, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const type = 0;
  const crc = maskCrc(crc32c(Uint8Array.from([...block, type])));
  const buf = Uint8Array.from([...block, type, crc & 0xff, (crc >>> 8) & 0xff, (crc >>> 16) & 0xff, crc >>> 24, 9, 9]);
  const ends: number[] = [];
  findCrcTrailers(buf, 0, buf.length, 0, 0, (e) => {
    ends.push(e);
    return false;
  });
  assert.deepEqual(ends, [block.length]);
});

const CRC_FILES = ['fv5-crc32c-none-datahash', 'fv4-crc32c-lz4-rangedel', 'fv3-crc32c-zstd-restart4', 'fv5-crc32c-lz4-dict', 'fv2-crc32c-none-binary', 'fv5-crc32c-zstd-partitioned'];

for (const name of CRC_FILES) {
  const want = readScanFile(`${dir}${name}.scan.txt.gz`);
  const L = layout(name);

  test(`${name}: undamaged -> every entry, nothing lost, counts match the properties`, () => {
    const { t, got } = salvageScan(`${dir}${name}.sst`);
    assert.equal(t.mode, 'index');
    assert.equal(checkSalvage(got, want, t), 0);
    assert.equal(got.length, want.length);
    assert.deepEqual(t.lost, []);
    assert.equal(t.entriesRead, want.length);
    assert.equal(t.entriesLost, 0);
    assert.equal(t.blocks.length, t.dataBlocksExpected);
  });

  test(`${name}: flipped byte in a data block -> that block's entries lost, exactly counted`, () => {
    const victim = L.handles[Math.floor(L.handles.length / 2)]!;
    const p = damaged(name, (b) => {
      b[victim.offset + Math.floor(victim.size / 2)]! ^= 0x40;
      return b;
    });
    const { t, got } = salvageScan(p);
    assert.equal(t.mode, 'index');
    assert.equal(t.lost.length, 1);
    assert.equal(t.lost[0]!.offset, victim.offset);
    assert.equal(t.lost[0]!.blocks, 1);
    const missing = checkSalvage(got, want, t);
    assert.ok(missing > 0);
    assert.equal(t.entriesLost, missing);
    assert.equal(t.blocks.length, L.handles.length - 1);
  });

  test(`${name}: flipped byte in the index block -> sequential discovery returns every entry`, () => {
    const p = damaged(name, (b) => {
      b[L.index.offset + Math.floor(L.index.size / 2)]! ^= 0x01;
      return b;
    });
    const { t, got } = salvageScan(p);
    assert.equal(t.mode, 'sequential');
    checkSalvage(got, want, t);
    assert.equal(got.length, want.length);
    assert.equal(t.blocks.length, L.handles.length);
  });

  test(`${name}: damaged footer magic -> sequential discovery returns every entry`, () => {
    const p = damaged(name, (b) => {
      b[b.length - 3]! ^= 0xff;
      b[b.length - 5]! ^= 0xff;
      b[b.length - 7]! ^= 0xff;
      b[b.length - 8]! ^= 0xff;
      return b;
    });
    const { t, got } = salvageScan(p);
    assert.equal(t.mode, 'sequential');
    checkSalvage(got, want, t);
    // the rest of the footer (handles of metaindex -> properties, dictionary) still verifies
    assert.ok(t.notes.some((x) => x.includes('magic number repaired')));
    assert.equal(got.length, want.length);
  });

  test(`${name}: truncated in the data region -> a prefix of the entries, the rest reported lost`, () => {
    const cut = L.handles[Math.floor(L.handles.length * 0.6)]!;
    const p = damaged(name, (b) => b.subarray(0, cut.offset + Math.floor(cut.size / 3)));
    const { t, got } = salvageScan(p, L.size);
    assert.equal(t.mode, 'sequential');
    assert.ok(t.lost.length >= 1);
    assert.equal(t.lost[t.lost.length - 1]!.largest, undefined, 'unbounded above (no MANIFEST bounds given)');
    const missing = checkSalvage(got, want, t);
    assert.ok(missing > 0);
    assert.deepEqual(got, want.slice(0, got.length));
    // (dictionary-compressed files: the dictionary sits after the data and is cut off too)
    assert.equal(t.blocks.length, name.includes('dict') ? 0 : Math.floor(L.handles.length * 0.6));
  });

  test(`${name}: zeroed 4 KiB page in the middle -> everything around it`, () => {
    const page = Math.max(0, Math.floor(L.handles[Math.floor(L.handles.length / 2)]!.offset / 4096) * 4096);
    const p = damaged(name, (b) => {
      b.fill(0, page, Math.min(page + 4096, L.footerOffset));
      return b;
    });
    const { t, got } = salvageScan(p);
    assert.ok(t.lost.length >= 1);
    const missing = checkSalvage(got, want, t);
    assert.ok(missing > 0);
    if (t.entriesLost !== undefined) assert.equal(t.entriesLost, missing);
    for (const l of t.lost) assert.ok(l.offset <= page + 4096 && l.end >= page, `lost span ${l.offset}..${l.end} around the page at ${page}`);
  });
}

// Other checksum types: sequential discovery needs crc32c, but a readable index (verified or
// only as hints) still leads to every block, each verified with the file's own checksum.
for (const name of ['fv5-xxh3-lz4-binary', 'fv4-xxhash64-zlib-binary']) {
  const want = readScanFile(`${dir}${name}.scan.txt.gz`);
  const L = layout(name);

  test(`${name}: flipped byte in a data block -> exactly that block lost`, () => {
    const victim = L.handles[1]!;
    const p = damaged(name, (b) => {
      b[victim.offset + 3]! ^= 0x04;
      return b;
    });
    const { t, got } = salvageScan(p);
    assert.equal(t.lost.length, 1);
    assert.equal(t.lost[0]!.offset, victim.offset);
    assert.equal(t.entriesLost, checkSalvage(got, want, t));
  });

  test(`${name}: damaged index checksum -> its handles as hints, every entry`, () => {
    const p = damaged(name, (b) => {
      b[L.index.offset + L.index.size + 2]! ^= 0x20; // the index block's stored checksum
      return b;
    });
    const { t, got } = salvageScan(p);
    assert.equal(checkSalvage(got, want, t), 0);
    assert.equal(got.length, want.length);
    assert.ok(t.notes.some((x) => /hints only/.test(x)), t.notes.join('; '));
  });

  test(`${name}: flipped byte inside the (compressed) index block -> hints or honest loss`, () => {
    const p = damaged(name, (b) => {
      b[L.index.offset + Math.floor(L.index.size / 3)]! ^= 0x20;
      return b;
    });
    const { t, got } = salvageScan(p);
    const missing = checkSalvage(got, want, t);
    if (t.lost.length === 0) assert.equal(missing, 0);
    if (t.notes.some((x) => /hints only/.test(x))) {
      // a hint damaged into a wrong handle loses at most its block (no crc32c discovery here)
      assert.ok(t.blocks.length >= L.handles.length - 1);
    } else {
      // a compressed index whose damage breaks decompression gives no hints: the data region
      // is reported lost (nothing returned), never guessed
      assert.ok(t.notes.some((x) => /does not decompress/.test(x)), t.notes.join('; '));
      assert.equal(got.length, 0);
      assert.match(t.lost[0]!.reason, /needs crc32c/);
    }
  });
}
