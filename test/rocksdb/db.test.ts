/**
 * RocksDb against directories written by RocksDB 7.8.3 (fixtures/rocksdb/* from the fixture
 * writer, fixtures/rocksdb-log/* from ldb / the fixture writer): every CF's merged scan must equal
 * `ldb --column_family=CF scan --hex` entry by entry; bounded scans must equal the ldb scan
 * filtered to the range and open no file outside it; damaged copies must fail or warn as
 * documented.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, unlinkSync, appendFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RocksDb, setReaderCacheSize } from '../../src/rocksdb/db.js';
import { SstCursor, SstReader } from '../../src/rocksdb/sst-reader.js';
import { compareBytes } from '../../src/rocksdb/internal-key.js';
import { crc32c, maskCrc } from '../../src/rocksdb/checksum.js';
import { encodeVarint } from '../../src/rocksdb/varint.js';
import type { KvCursor, Warning } from '../../src/rocksdb/types.js';
import { FormatError, UserError } from '../../src/errors.js';
import { parseLdbScanHex, type LdbEntry } from '../support/ldb-output.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

interface Case {
  name: string;
  dir: string;
  cfs: string[];
}
const cases: Case[] = [];
for (const base of ['fixtures/rocksdb', 'fixtures/rocksdb-log']) {
  const b = join(root, base);
  if (!existsSync(b)) continue;
  for (const c of readdirSync(b)) {
    const dir = join(b, c);
    if (!existsSync(join(dir, 'db')) || !existsSync(join(dir, 'expected'))) continue;
    const cfs = readdirSync(join(dir, 'expected'))
      .filter((f) => f.endsWith('.scan.txt'))
      .map((f) => f.slice(0, -'.scan.txt'.length));
    if (cfs.length > 0) cases.push({ name: `${base}/${c}`, dir, cfs });
  }
}

const expected = (c: Case, cf: string): LdbEntry[] => parseLdbScanHex(readFileSync(join(c.dir, 'expected', `${cf}.scan.txt`), 'utf8'));
const H = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function drain(c: KvCursor, first: () => void = () => c.seekToFirst()): LdbEntry[] {
  const out: LdbEntry[] = [];
  for (first(); c.valid(); c.next()) out.push({ key: c.userKey().slice(), value: c.value().slice() });
  return out;
}

function assertSameEntries(got: LdbEntry[], want: LdbEntry[], label: string): void {
  assert.equal(got.length, want.length, `${label}: entry count`);
  for (let i = 0; i < want.length; i++) {
    assert.equal(H(got[i]!.key), H(want[i]!.key), `${label}: key #${i}`);
    assert.equal(H(got[i]!.value), H(want[i]!.value), `${label}: value of ${H(want[i]!.key)}`);
  }
}

function copyCase(c: Case): string {
  const tmp = mkdtempSync(join(tmpdir(), 'tikv-export-db-'));
  cpSync(join(c.dir, 'db'), join(tmp, 'db'), { recursive: true });
  return join(tmp, 'db');
}

const byName = (n: string): Case => {
  const c = cases.find((x) => x.name.endsWith(`/${n}`));
  assert.ok(c, `fixture ${n} present`);
  return c;
};

test('RocksDB-written fixtures are present', () => {
  assert.ok(cases.length >= 3, `found ${cases.length}`);
});

for (const c of cases) {
  test(`${c.name}: every CF scan equals ldb scan`, () => {
    const warnings: Warning[] = [];
    const db = RocksDb.open(join(c.dir, 'db'), { onWarning: (w) => warnings.push(w) });
    try {
      // A fixture made with a torn WAL (wal-torn-tail) must say so; the others open silently.
      if (c.name.includes('torn')) {
        assert.deepEqual(warnings.map((w) => w.code), ['wal-torn-tail']);
      } else {
        assert.deepEqual(warnings, []);
      }
      assert.equal(db.manifestInfo().fallback, false);
      for (const cf of c.cfs) {
        assert.ok(db.hasColumnFamily(cf));
        assertSameEntries(drain(db.cursor(cf)), expected(c, cf), `${c.name} ${cf}`);
      }
    } finally {
      db.close();
    }
  });

  test(`${c.name}: bounded scans and seeks equal the ldb scan restricted to the range`, () => {
    const db = RocksDb.open(join(c.dir, 'db'));
    try {
      for (const cf of c.cfs) {
        const all = expected(c, cf);
        if (all.length < 3) continue;
        const picks = [0, Math.floor(all.length / 3), Math.floor((2 * all.length) / 3), all.length - 1];
        for (const i of picks) {
          for (const j of picks) {
            if (j < i) continue;
            const start = all[i]!.key;
            const end = all[j]!.key;
            const want = all.filter((e) => compareBytes(e.key, start) >= 0 && compareBytes(e.key, end) < 0);
            assertSameEntries(drain(db.cursor(cf, { start, end })), want, `${cf} [${H(start)}, ${H(end)})`);
          }
          // Seek on an unbounded cursor to an existing key and to just after it.
          const cur = db.cursor(cf);
          const k = all[i]!.key;
          assertSameEntries(drain(cur, () => cur.seek(k)), all.slice(i), `${cf} seek ${H(k)}`);
          const after = Uint8Array.from([...k, 0]);
          assertSameEntries(drain(cur, () => cur.seek(after)), all.slice(i + 1), `${cf} seek after ${H(k)}`);
          // get()
          const g = db.get(cf, k);
          assert.ok(g, `get ${H(k)}`);
          assert.equal(H(g.value), H(all[i]!.value));
          assert.equal(db.get(cf, after), undefined);
        }
      }
    } finally {
      db.close();
    }
  });
}

test('tikv-levels: files whose key range lies outside a bounded scan are never opened', () => {
  const c = byName('tikv-levels');
  const db = RocksDb.open(join(c.dir, 'db'));
  const opened: string[] = [];
  const orig = SstReader.open;
  SstReader.open = (p, o) => {
    opened.push(p);
    return orig.call(SstReader, p, o);
  };
  try {
    const files = db.liveFiles('write');
    // A range inside one level-4 file.
    const f = files.find((x) => x.level === 4)!;
    const start = f.smallestKey;
    const end = Uint8Array.from([...f.smallestKey, 0]);
    drain(db.cursor('write', { start, end }));
    const overlapping = files
      .filter((x) => compareBytes(x.largestKey, start) >= 0 && compareBytes(x.smallestKey, end) < 0)
      .map((x) => x.path);
    assert.ok(opened.length > 0);
    for (const p of opened) assert.ok(overlapping.includes(p), `opened ${p} outside the range`);
    assert.ok(overlapping.length < files.length, 'some files are outside the range');
  } finally {
    SstReader.open = orig;
    db.close();
  }
});

test('tikv-levels: manifestInfo, liveFiles and walFiles describe the directory', () => {
  const c = byName('tikv-levels');
  const db = RocksDb.open(join(c.dir, 'db'));
  try {
    const info = db.manifestInfo();
    assert.equal(info.fallback, false);
    assert.ok(info.manifest!.endsWith('MANIFEST-000005'));
    // From ldb manifest_dump: last_sequence 697, last NextFileNumber edit 62; dump_wal: WAL 60 ends at seq 725.
    assert.equal(info.lastSequence, 697);
    assert.equal(info.nextFileNumber, 62);
    assert.equal(info.walLastSequence, 725);
    assert.deepEqual(db.walFiles().map((w) => [w.fileNumber, w.size]), [[60, 1320]]);
    assert.deepEqual(db.columnFamilies(), [
      { id: 0, name: 'default' },
      { id: 1, name: 'write' },
      { id: 2, name: 'lock' },
      { id: 3, name: 'raft' },
    ]);
    const sstCount = readdirSync(join(c.dir, 'db')).filter((f) => f.endsWith('.sst')).length;
    assert.equal(db.liveFiles().length, sstCount);
    for (const f of db.liveFiles()) assert.equal(f.size, statSync(f.path).size);
    assert.throws(() => db.cursor('nope'), UserError);
  } finally {
    db.close();
  }
});

for (const name of ['tikv-levels', 'wal-only', 'cf-drop', 'wal-fragmented']) {
  test(`${name}: without CURRENT and MANIFEST the properties fallback gives the same data and a warning`, () => {
    const c = byName(name);
    const dir = copyCase(c);
    try {
      unlinkSync(join(dir, 'CURRENT'));
      for (const f of readdirSync(dir)) if (f.startsWith('MANIFEST-')) unlinkSync(join(dir, f));
      assert.throws(() => RocksDb.open(dir, { manifest: 'require' }), FormatError);
      const warnings: Warning[] = [];
      const db = RocksDb.open(dir, { onWarning: (w) => warnings.push(w) });
      try {
        assert.ok(warnings.some((w) => w.code === 'manifest-fallback'), JSON.stringify(warnings));
        assert.equal(db.manifestInfo().fallback, true);
        assert.ok(db.liveFiles().every((f) => f.level === -1));
        for (const cf of c.cfs) {
          if (!db.hasColumnFamily(cf)) {
            // A CF with no SST and nothing in the WAL cannot be discovered without the MANIFEST.
            assert.equal(expected(c, cf).length, 0, `${cf} missing in fallback but has data`);
            continue;
          }
          assertSameEntries(drain(db.cursor(cf)), expected(c, cf), `fallback ${cf}`);
        }
      } finally {
        db.close();
      }
    } finally {
      rmSync(join(dir, '..'), { recursive: true, force: true });
    }
  });
}

test('tikv-levels: a truncated MANIFEST is an error with manifest=require, a fallback with a warning otherwise', () => {
  const c = byName('tikv-levels');
  const dir = copyCase(c);
  try {
    const m = join(dir, 'MANIFEST-000005');
    truncateSync(m, statSync(m).size - 5);
    assert.throws(
      () => RocksDb.open(dir, { manifest: 'require' }),
      (e: unknown) => e instanceof FormatError && e.code === 'truncated' && e.file === m,
    );
    const warnings: Warning[] = [];
    const db = RocksDb.open(dir, { onWarning: (w) => warnings.push(w) });
    try {
      const fb = warnings.find((w) => w.code === 'manifest-fallback');
      assert.ok(fb);
      assert.match(fb.message, /truncated/);
      for (const cf of c.cfs) assertSameEntries(drain(db.cursor(cf)), expected(c, cf), `fallback ${cf}`);
    } finally {
      db.close();
    }
  } finally {
    rmSync(join(dir, '..'), { recursive: true, force: true });
  }
});

test('wal-fragmented: a torn WAL tail keeps the data before it and warns with the byte offset', () => {
  const c = byName('wal-fragmented');
  const dir = copyCase(c);
  try {
    // dump_wal: the last record (put write 0x7733) starts at physical offset 70109.
    const dump = readFileSync(join(c.dir, 'expected/000004.dump_wal.txt'), 'utf8');
    assert.match(dump, /^7,1,20,70109,PUT\(1\) : 0x7733 $/m);
    truncateSync(join(dir, '000004.log'), 70109 + 12);
    const warnings: Warning[] = [];
    const db = RocksDb.open(dir, { onWarning: (w) => warnings.push(w) });
    try {
      const torn = warnings.filter((w) => w.code === 'wal-torn-tail');
      assert.equal(torn.length, 1);
      assert.match(torn[0]!.message, /byte 70109\b/);
      assert.equal(torn[0]!.file, join(dir, '000004.log'));
      const want = expected(c, 'write').filter((e) => H(e.key) !== '7733');
      assert.equal(want.length, expected(c, 'write').length - 1);
      assertSameEntries(drain(db.cursor('write')), want, 'write');
      assertSameEntries(drain(db.cursor('default')), expected(c, 'default'), 'default');
    } finally {
      db.close();
    }
  } finally {
    rmSync(join(dir, '..'), { recursive: true, force: true });
  }
});

test('wal-only: a merge record in the WAL is an unsupported error naming the WAL and offset', () => {
  const c = byName('wal-only');
  const dir = copyCase(c);
  try {
    const wal = join(dir, '000004.log');
    const size = statSync(wal).size;
    assert.ok(size < 32768 - 100);
    // Append one full record holding a batch: seq 1000, count 1, CF merge (0x06) cf 1 "k" "v".
    const batch = Buffer.alloc(12);
    batch.writeUInt32LE(1000, 0);
    batch.writeUInt32LE(1, 8);
    const body = Buffer.concat([batch, Buffer.from([0x06, ...encodeVarint(1), 1, 0x6b, 1, 0x76])]);
    const h = Buffer.alloc(7);
    h.writeUInt16LE(body.length, 4);
    h[6] = 1;
    h.writeUInt32LE(maskCrc(crc32c(Buffer.concat([h.subarray(6), body]))), 0);
    appendFileSync(wal, Buffer.concat([h, body]));
    assert.throws(
      () => RocksDb.open(dir),
      (e: unknown) => e instanceof FormatError && e.code === 'unsupported' && e.file === wal && e.offset === size,
    );
  } finally {
    rmSync(join(dir, '..'), { recursive: true, force: true });
  }
});

test('a live SST missing from the directory: warning at open, corruption error when a scan needs it', () => {
  const c = byName('tikv-levels');
  const dir = copyCase(c);
  try {
    unlinkSync(join(dir, '000061.sst')); // write CF, L0
    const warnings: Warning[] = [];
    const db = RocksDb.open(dir, { onWarning: (w) => warnings.push(w) });
    try {
      assert.ok(warnings.some((w) => w.code === 'missing-sst' && w.file === join(dir, '000061.sst')));
      assertSameEntries(drain(db.cursor('lock')), expected(c, 'lock'), 'lock unaffected');
      assert.throws(
        () => drain(db.cursor('write')),
        (e: unknown) => e instanceof FormatError && e.file === join(dir, '000061.sst'),
      );
    } finally {
      db.close();
    }
  } finally {
    rmSync(join(dir, '..'), { recursive: true, force: true });
  }
});

test('ingested: without a MANIFEST, the file whose seqno lives only in the MANIFEST is reported', () => {
  // NOTE.md of the fixture: s2 was ingested with no_write_global_seqno (seqno only in the MANIFEST).
  const c = byName('ingested');
  const dir = copyCase(c);
  try {
    unlinkSync(join(dir, 'CURRENT'));
    unlinkSync(join(dir, 'MANIFEST-000005'));
    const warnings: Warning[] = [];
    RocksDb.open(dir, { onWarning: (w) => warnings.push(w) }).close();
    assert.equal(warnings.filter((w) => w.code === 'sst-seqno-unknown').length, 1);
    assert.ok(warnings.some((w) => w.code === 'manifest-fallback'));
  } finally {
    rmSync(join(dir, '..'), { recursive: true, force: true });
  }
});

for (const name of ['tikv-levels', 'ingested', 'wal-only']) {
  test(`${name}: without CURRENT the newest MANIFEST is used (exact levels and seqnos) with a warning`, () => {
    const c = byName(name);
    const dir = copyCase(c);
    try {
      unlinkSync(join(dir, 'CURRENT'));
      const warnings: Warning[] = [];
      const db = RocksDb.open(dir, { onWarning: (w) => warnings.push(w) });
      try {
        assert.deepEqual(warnings.map((w) => w.code), ['manifest-without-current']);
        assert.equal(db.manifestInfo().fallback, false);
        assert.ok(db.liveFiles().every((f) => f.level >= 0));
        for (const cf of c.cfs) assertSameEntries(drain(db.cursor(cf)), expected(c, cf), `${name} ${cf}`);
      } finally {
        db.close();
      }
      assert.throws(() => RocksDb.open(dir, { manifest: 'require' }), FormatError);
    } finally {
      rmSync(join(dir, '..'), { recursive: true, force: true });
    }
  });
}

test('a directory with no RocksDB files is a user error', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'tikv-export-empty-'));
  try {
    assert.throws(() => RocksDb.open(tmp), UserError);
    assert.throws(() => RocksDb.open(join(tmp, 'missing')), UserError);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('merge (real RocksDB WAL): the merge record is refused with the WAL path and record offset', () => {
  const dir = join(root, 'fixtures/rocksdb-log/merge/db');
  // dump_wal: "2,1,17,24,MERGE(0) : 0x61 : 0x32"
  assert.match(readFileSync(join(root, 'fixtures/rocksdb-log/merge/expected/000004.log.dump_wal.txt'), 'utf8'), /^2,1,17,24,MERGE\(0\)/m);
  assert.throws(
    () => RocksDb.open(dir),
    (e: unknown) => e instanceof FormatError && e.code === 'unsupported' && e.file === join(dir, '000004.log') && e.offset === 24,
  );
});

test('wal-zstd (real RocksDB WAL with wal_compression): refused as unsupported at the type-9 record', () => {
  const dir = join(root, 'fixtures/rocksdb-log/wal-zstd/db');
  // dump_wal shows the first batch at physical offset 11: bytes 0..10 are the set-compression record.
  assert.match(readFileSync(join(root, 'fixtures/rocksdb-log/wal-zstd/expected/000004.log.dump_wal.txt'), 'utf8'), /^1,1,17,11,PUT/m);
  assert.throws(
    () => RocksDb.open(dir),
    (e: unknown) => e instanceof FormatError && e.code === 'unsupported' && e.file === join(dir, '000004.log') && e.offset === 0,
  );
});

test('tikv-levels: a scan keeps at most one cursor per level (plus L0 files) and opens every file once', () => {
  const c = byName('tikv-levels');
  const db = RocksDb.open(join(c.dir, 'db'));
  const origOpen = SstReader.open;
  const origClose = SstReader.prototype.close;
  const origCursor = SstReader.prototype.cursor;
  const origCursorClose = SstCursor.prototype.close;
  let open = 0;
  let opens = 0;
  let cursors = 0;
  let maxCursors = 0;
  SstReader.open = (p, o) => {
    const r = origOpen.call(SstReader, p, o);
    open++;
    opens++;
    return r;
  };
  SstReader.prototype.close = function (this: SstReader) {
    open--;
    return origClose.call(this);
  };
  SstReader.prototype.cursor = function (this: SstReader) {
    cursors++;
    maxCursors = Math.max(maxCursors, cursors);
    return origCursor.call(this);
  };
  SstCursor.prototype.close = function (this: SstCursor) {
    cursors--;
    return origCursorClose.call(this);
  };
  try {
    const files = db.liveFiles('write');
    const l0 = files.filter((f) => f.level === 0).length;
    const levels = new Set(files.filter((f) => f.level > 0).map((f) => f.level)).size;
    assertSameEntries(drain(db.cursor('write')), expected(c, 'write'), 'write');
    assert.equal(opens, files.length, 'every file opened once');
    assert.ok(maxCursors <= l0 + levels, `max ${maxCursors} cursors, bound ${l0 + levels}`);
    assert.ok(files.length > l0 + levels, 'the bound is below the file count');
    assert.equal(cursors, 0, 'every cursor closed after the scan');
    // a second scan reuses the open readers (the cache of RocksDb.reader)
    assertSameEntries(drain(db.cursor('write')), expected(c, 'write'), 'write, second scan');
    assert.equal(opens, files.length, 'no file opened again');
    db.close();
    assert.equal(open, 0, 'db.close() closes every file');
  } finally {
    SstReader.open = origOpen;
    SstReader.prototype.close = origClose;
    SstReader.prototype.cursor = origCursor;
    SstCursor.prototype.close = origCursorClose;
    db.close();
  }
});

test('tikv-levels: at most the reader cache size of files stay open without a cursor', () => {
  const c = byName('tikv-levels');
  const db = RocksDb.open(join(c.dir, 'db'));
  const origOpen = SstReader.open;
  const origClose = SstReader.prototype.close;
  let open = 0;
  let maxOpen = 0;
  SstReader.open = (p, o) => {
    const r = origOpen.call(SstReader, p, o);
    open++;
    maxOpen = Math.max(maxOpen, open);
    return r;
  };
  SstReader.prototype.close = function (this: SstReader) {
    open--;
    return origClose.call(this);
  };
  const prevCache = setReaderCacheSize(1);
  try {
    const files = db.liveFiles('write');
    const l0 = files.filter((f) => f.level === 0).length;
    const levels = new Set(files.filter((f) => f.level > 0).map((f) => f.level)).size;
    assertSameEntries(drain(db.cursor('write')), expected(c, 'write'), 'write');
    assert.ok(maxOpen <= l0 + levels + 1, `max ${maxOpen} open, bound ${l0 + levels + 1}`);
    assert.ok(open <= 1, `${open} files open after the scan`);
  } finally {
    setReaderCacheSize(prevCache);
    SstReader.open = origOpen;
    SstReader.prototype.close = origClose;
    db.close();
  }
});

test('table files not in the MANIFEST are ignored with a warning; unreadable ones are skipped in fallback', () => {
  const c = byName('tikv-levels');
  const dir = copyCase(c);
  try {
    // A stray copy of a live file under an unused number, and a half-written (truncated) file.
    cpSync(join(dir, '000061.sst'), join(dir, '000099.sst'));
    cpSync(join(dir, '000061.sst'), join(dir, '000098.sst'));
    truncateSync(join(dir, '000098.sst'), 100);
    const warnings: Warning[] = [];
    const db = RocksDb.open(dir, { onWarning: (w) => warnings.push(w) });
    try {
      const w = warnings.find((x) => x.code === 'unlisted-sst');
      assert.ok(w);
      assert.match(w.message, /000098\.sst, 000099\.sst/);
      for (const cf of c.cfs) assertSameEntries(drain(db.cursor(cf)), expected(c, cf), cf);
    } finally {
      db.close();
    }
    unlinkSync(join(dir, 'CURRENT'));
    unlinkSync(join(dir, 'MANIFEST-000005'));
    const w2: Warning[] = [];
    const db2 = RocksDb.open(dir, { onWarning: (w) => w2.push(w) });
    try {
      assert.deepEqual(w2.filter((x) => x.code === 'sst-unreadable').map((x) => x.file), [join(dir, '000098.sst')]);
      // 000099 duplicates 000061 (same keys, same seqs): the visible data does not change.
      for (const cf of c.cfs) assertSameEntries(drain(db2.cursor(cf)), expected(c, cf), `fallback ${cf}`);
    } finally {
      db2.close();
    }
  } finally {
    rmSync(join(dir, '..'), { recursive: true, force: true });
  }
});

test('wal-fragmented: mid-file WAL damage is an error by default, salvage with walCorruption=stop', () => {
  const c = byName('wal-fragmented');
  const dir = copyCase(c);
  try {
    // dump_wal: record 3 (put write 0x7731, delete default 0x6B31, ...) starts at 40059; damage a
    // byte of its payload. Record 4 (put write 0x7733) follows, so this is not a torn tail.
    const wal = join(dir, '000004.log');
    const buf = readFileSync(wal);
    buf[40059 + 7 + 50] = buf[40059 + 7 + 50]! ^ 0xff;
    writeFileSync(wal, buf);
    assert.throws(
      () => RocksDb.open(dir),
      (e: unknown) => e instanceof FormatError && e.code === 'corruption' && e.file === wal && e.offset === 40059,
    );
    const warnings: Warning[] = [];
    const db = RocksDb.open(dir, { walCorruption: 'stop', onWarning: (w) => warnings.push(w) });
    try {
      const w = warnings.filter((x) => x.code === 'wal-corruption');
      assert.equal(w.length, 1);
      assert.match(w[0]!.message, /byte 40059\b/);
      // Records 1 and 2 only: default has k1 (not yet deleted) and k2; write has nothing.
      assert.deepEqual(drain(db.cursor('default')).map((e) => H(e.key)), ['6b31', '6b32']);
      assert.deepEqual(drain(db.cursor('write')), []);
    } finally {
      db.close();
    }
  } finally {
    rmSync(join(dir, '..'), { recursive: true, force: true });
  }
});

test('WALs moved to a separate wal-dir: a warning without walDir, the same data with it', () => {
  const c = byName('wal-only');
  const dir = copyCase(c);
  const walDir = join(dir, '..', 'wal');
  try {
    cpSync(join(dir, '000004.log'), join(walDir, '000004.log'), { recursive: true });
    unlinkSync(join(dir, '000004.log'));
    const warnings: Warning[] = [];
    const db = RocksDb.open(dir, { onWarning: (w) => warnings.push(w) });
    try {
      assert.deepEqual(warnings.map((w) => w.code), ['wal-missing']);
      assert.deepEqual(drain(db.cursor('write')), []);
    } finally {
      db.close();
    }
    const w2: Warning[] = [];
    const db2 = RocksDb.open(dir, { walDir, onWarning: (w) => w2.push(w) });
    try {
      assert.deepEqual(w2, []);
      assert.deepEqual(db2.walFiles().map((w) => w.path), [join(walDir, '000004.log')]);
      for (const cf of c.cfs) assertSameEntries(drain(db2.cursor(cf)), expected(c, cf), cf);
    } finally {
      db2.close();
    }
  } finally {
    rmSync(join(dir, '..'), { recursive: true, force: true });
  }
});

test('get() and close() of an abandoned cursor leave no SST file open', () => {
  const c = byName('tikv-levels');
  const db = RocksDb.open(join(c.dir, 'db'));
  const origOpen = SstReader.open;
  const origClose = SstReader.prototype.close;
  let open = 0;
  SstReader.open = (p, o) => {
    const r = origOpen.call(SstReader, p, o);
    open++;
    return r;
  };
  SstReader.prototype.close = function (this: SstReader) {
    open--;
    return origClose.call(this);
  };
  const prevCache = setReaderCacheSize(0); // no reader kept without a cursor: what is open is what a cursor holds
  try {
    const all = expected(c, 'write');
    const k = all[Math.floor(all.length / 2)]!;
    assert.equal(H(db.get('write', k.key)!.value), H(k.value));
    assert.equal(open, 0, 'get closed its files');
    const cur = db.cursor('write');
    cur.seekToFirst();
    cur.next();
    assert.ok(open > 0);
    cur.close();
    assert.equal(open, 0, 'close() released the files');
    assert.equal(cur.valid(), false);
    // Reusable after close: a seek reopens what it needs.
    cur.seek(k.key);
    assert.equal(H(cur.value()), H(k.value));
    cur.close();
    assert.equal(open, 0);
  } finally {
    setReaderCacheSize(prevCache);
    SstReader.open = origOpen;
    SstReader.prototype.close = origClose;
    db.close();
  }
});
