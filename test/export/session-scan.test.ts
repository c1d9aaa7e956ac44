// The session's row scan (ChainedScan in src/export/session.ts) over every committed fixture
// (written by real RocksDB / a real TiKV, see fixtures/tidb/README.md): the allocation-free
// accessors the CSV writer may use -- rawKeyView(), commitTsBytes(), valueBuffer()/valueStart()/
// valueEnd() -- give the same bytes as rawKey(), commitTs() and value() on every row, whole tables
// and chunked (scanRows with `within`, one LatestScanner per chunk).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { physicalIds } from '../../src/export/dump.js';
import { openSession } from '../../src/export/session.js';
import type { DumpSource, RowScan } from '../../src/export/source.js';
import type { Session } from '../../src/export/session-types.js';
import { DataError } from '../../src/errors.js';
import { Flag, TypeCode } from '../../src/tidb/table-info.js';
import { rowV2 } from '../tidb/support/codec-encoders.js';
import { fromHex } from '../tidb/support/codec-vectors.js';
import { col, primary, table } from '../tidb/support/table-builders.js';
import { decodableTables, describeEveryFixture, fixtureDbDirs } from '../support/fixture-dirs.js';
import { openSstFiles } from '../support/open-files.js';
import { setReaderCacheSize } from '../../src/rocksdb/db.js';
import { setBlockPrefetch } from '../../src/rocksdb/block-prefetch.js';

const hexOf = (u: Uint8Array): string => Buffer.from(u).toString('hex');

interface Row {
  key: string;
  value: string;
  commitTs: bigint;
}

function drain(scan: RowScan, n: { rows: number }): Row[] {
  const out: Row[] = [];
  assert.ok(scan.rawKeyView !== undefined && scan.commitTsBytes !== undefined, 'ChainedScan offers the view accessors');
  assert.ok(scan.valueBuffer !== undefined && scan.valueStart !== undefined && scan.valueEnd !== undefined, 'ChainedScan offers the value range');
  while (scan.next()) {
    // the view accessors first (they must not depend on the owned ones having been called)
    const view = hexOf(scan.rawKeyView!());
    const ranged = hexOf(scan.valueBuffer!().subarray(scan.valueStart!(), scan.valueEnd!()));
    const tsBytes = Buffer.from(scan.commitTsBytes!()).readBigUInt64BE(0);
    const key = hexOf(scan.rawKey());
    assert.equal(view, key, 'rawKeyView() = rawKey()');
    assert.equal(ranged, hexOf(scan.value()), 'valueBuffer()[valueStart, valueEnd) = value()');
    assert.equal(tsBytes, scan.commitTs(), 'commitTsBytes() = commitTs()');
    out.push({ key, value: ranged, commitTs: tsBytes });
    n.rows++;
  }
  return out;
}

describeEveryFixture('ChainedScan accessors on every fixture row', (s, dir) => {
  const src = s.dumpSource('UTC');
  const n = { rows: 0 };
  for (const db of s.databases()) {
    for (const table of s.tables(db.id)) {
      for (const pid of physicalIds(table)) {
        const whole = drain(src.scanRows(pid), n);
        // the same rows in chunks cut at every third row's key (each chunk a new scanner)
        const cuts = whole.filter((_, i) => i % 3 === 1).map((r) => Buffer.from(r.key, 'hex'));
        const bounds = [new Uint8Array(0), ...cuts, new Uint8Array(0)];
        const chunked: Row[] = [];
        for (let i = 0; i + 1 < bounds.length; i++) chunked.push(...drain(src.scanRows(pid, { start: bounds[i]!, end: bounds[i + 1]! }), n));
        assert.deepEqual(chunked, whole, `${dir} table ${table.name.O} (${pid}) chunked`);
      }
    }
  }
  assert.ok(n.rows > 0, `${dir}: no rows`);
});

/** The physical table with the most SST bytes (write + default CF), and those bytes. */
function biggestTable(s: Session, src: DumpSource): { pid: number; bytes: number } {
  let pid: number | undefined;
  let bytes = 0;
  for (const d of s.databases()) for (const t of s.tables(d.id)) for (const p of physicalIds(t)) if (src.estimateBytes!(p) > bytes) [pid, bytes] = [p, src.estimateBytes!(p)];
  assert.ok(pid !== undefined && bytes > 0);
  return { pid, bytes };
}

describe('bytesRead: the files a scan has passed, worked out when asked', () => {
  it('grows with the scan, never past the table files, and is all of them at the end', () => {
    const dbDir = new URL('../../fixtures/tidb/chunks/data/db', import.meta.url).pathname;
    const s = openSession(dbDir, {});
    try {
      const src = s.dumpSource('UTC');
      const { pid, bytes: most } = biggestTable(s, src);
      const scan = src.scanRows(pid);
      let last = src.bytesRead!();
      assert.equal(last, 0, 'nothing passed before the first row');
      while (scan.next()) {
        const now = src.bytesRead!();
        assert.ok(now >= last && now <= most, `${now} within [${last}, ${most}]`);
        last = now;
      }
      assert.equal(src.bytesRead!(), most, 'every file passed at the end');
    } finally {
      s.close();
    }
  });
});

describe('close(): a scan left before its end', () => {
  it('releases its SST files at once (not when the db closes), and reads nothing more', () => {
    const prev = setReaderCacheSize(0); // a reader without a cursor is closed at once
    const prevPrefetch = setBlockPrefetch(false); // its thread opens and closes its own descriptors (chunk workers run without it)
    const dbDir = new URL('../../fixtures/tidb/chunks/data/db', import.meta.url).pathname;
    const s = openSession(dbDir, {});
    try {
      const src = s.dumpSource('UTC');
      const { pid } = biggestTable(s, src);
      const before = openSstFiles();
      const abandoned = src.scanRows(pid);
      for (let i = 0; i < 10; i++) assert.ok(abandoned.next());
      assert.ok(openSstFiles() > before, 'a scan left midway holds its files');
      const scan = src.scanRows(pid);
      for (let i = 0; i < 10; i++) assert.ok(scan.next());
      abandoned.close!();
      scan.close!();
      assert.equal(openSstFiles(), before, 'closed: every file released');
      assert.equal(scan.next(), false, 'nothing after close()');
      assert.equal(scan.next(), false);
      const whole = src.scanRows(pid);
      let rows = 0;
      while (whole.next()) rows++;
      assert.ok(rows > 10);
      assert.equal(openSstFiles(), before, 'a scan run to its end has released them too');
    } finally {
      s.close();
      setReaderCacheSize(prev);
      setBlockPrefetch(prevPrefetch);
    }
  });
});

describe('a session without the schema (catalog: false, what chunk workers open)', () => {
  const dirs = fixtureDbDirs();
  for (const dir of dirs) {
    it(`${dir}: no databases, and every table's rows decode as through the full session with its collation`, () => {
      const full = openSession(dir, {});
      const bare = openSession(dir, { catalog: false });
      try {
        assert.deepEqual(bare.databases(), []);
        const f = full.dumpSource('UTC');
        const b = bare.dumpSource('UTC');
        let rows = 0;
        for (const { table, decoder: fd } of decodableTables(full, f)) {
          const bd = b.decoder(table, full.collation);
          for (const pid of physicalIds(table)) {
            const fs = f.scanRows(pid);
            const bs = b.scanRows(pid);
            for (;;) {
              const more = fs.next();
              assert.equal(bs.next(), more, `${dir} ${table.name.O}: the same number of rows`);
              if (!more) break;
              assert.deepEqual(bs.rawKey(), fs.rawKey());
              let want: unknown;
              try {
                want = fd.decode(fs.rawKey(), fs.value());
              } catch (e) {
                want = String(e);
              }
              let got: unknown;
              try {
                got = bd.decode(bs.rawKey(), bs.value());
              } catch (e) {
                got = String(e);
              }
              assert.deepEqual(got, want);
              rows++;
            }
          }
        }
        assert.ok(rows > 0, `${dir}: no rows`);
      } finally {
        full.close();
        bare.close();
      }
    });
  }

  it('decodes with the collation it is given, not its own (which it cannot read)', () => {
    const bare = openSession(fixtureDbDirs()[0]!, { catalog: false });
    try {
      assert.equal(bare.collation?.newCollation, undefined);
      // PRIMARY KEY (a utf8mb4_general_ci, b): with new collation (or unknown) the key holds a's
      // sort key, so a missing from the value is refused; known off, the key holds the text
      const t = table(5, [
        col(1, 'a', TypeCode.Varchar, { ft: { Flag: Flag.PriKey | Flag.NotNull, Collate: 'utf8mb4_general_ci' } }),
        col(2, 'b', TypeCode.Longlong, { ft: { Flag: Flag.PriKey | Flag.NotNull } }),
        col(3, 'c', TypeCode.Varchar),
      ], { is_common_handle: true, index_info: [primary([['a', -1], ['b', -1]])] });
      const key = fromHex('7480000000000000055f72016162630000000000fa038000000000000007');
      const src = bare.dumpSource('UTC');
      const cells = src.decoder(t, { newCollation: false, source: 'the main session' }).decode(key, rowV2([[3, null]]));
      assert.deepEqual(cells.map((c) => (c === null ? null : Buffer.from(c).toString())), ['abc', '7', null]);
      assert.throws(() => src.decoder(t).decode(key, rowV2([[3, null]])), DataError);
    } finally {
      bare.close();
    }
  });
});
