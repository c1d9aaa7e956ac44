// runChunk's part writer: lines stay in the formatter's buffer (CsvFormatter.keepRow) until
// they are written out, so these tests check what reaches the files: rotation after the row that
// reaches -F, each part's recorded size/rows against the file on disk, and that rows of a chunk
// that failed never leak into the next chunk run with the same formatter (one formatter serves
// every chunk of a worker).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultCsvOptions, CsvFormatter } from '../../src/export/csv.js';
import { runChunk, warmUpSegments, type ChunkResult, type ChunkTask } from '../../src/export/worker-chunk.js';
import type { DumpSource, RowScan, TableDecoder } from '../../src/export/source.js';
import { DataError, FormatError } from '../../src/errors.js';
import { physicalIds } from '../../src/export/dump.js';
import { openSession } from '../../src/export/session.js';
import { setReaderCacheSize } from '../../src/rocksdb/db.js';
import { setBlockPrefetch } from '../../src/rocksdb/block-prefetch.js';
import { recordRange } from '../../src/tidb/record-key.js';
import { compareBytes } from '../../src/rocksdb/internal-key.js';
import { decodableTables, describeEveryFixture } from '../support/fixture-dirs.js';
import { openSstFiles } from '../support/open-files.js';
import { FakeSource, fakeTable, type FakeRow } from './support/fake-source.js';

const whole = { start: new Uint8Array(0), end: new Uint8Array(0) };
const task = (dir: string, index: number, fileSize: number, header: Uint8Array): ChunkTask => ({
  index,
  segments: [{ physicalId: 16, range: whole }],
  prefix: 'p',
  partsDir: dir,
  fileSize,
  header,
});
const rows = (n: number, tag: string): FakeRow[] => Array.from({ length: n }, (_, i) => ({ handle: i + 1, value: `${tag}${i}|${'x'.repeat(i % 37)}` }));
const expectedLine = (r: FakeRow): string => `${r.handle},"${String(r.value).replace('|', '","')}"\r\n`;

test('rotation: parts close after the row that reaches -F; sizes, row counts and CRCs match the files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tikv-export-wc-'));
  try {
    const list = rows(500, 'r');
    const src = new FakeSource(new Map([[16, list]]));
    const dec = src.decoder(fakeTable('t', 16));
    const fmt = new CsvFormatter(dec.columns, defaultCsvOptions());
    const header = fmt.header();
    const res = runChunk(src, dec, fmt, task(dir, 0, 4000, header));
    assert.equal(res.rows, 500);
    assert.ok(res.files.length > 3, `several parts (${res.files.length})`);
    let body = '';
    let total = 0;
    for (const p of res.files) {
      const data = readFileSync(join(dir, p.part));
      assert.equal(p.bytes, data.length, p.part);
      const text = data.toString('latin1');
      assert.ok(text.startsWith(Buffer.from(header).toString('latin1')), 'each part starts with the header');
      const lines = text.slice(header.length);
      assert.equal(lines.split('\r\n').length - 1, p.rows, p.part);
      // closed by the row that reached the size: without its last line it was still below -F
      const lastLine = lines.slice(lines.lastIndexOf('\r\n', lines.length - 3) + 2);
      if (p !== res.files[res.files.length - 1]) {
        assert.ok(data.length >= 4000 && data.length - lastLine.length < 4000, `${p.part}: ${data.length} bytes`);
      }
      body += lines;
      total += data.length;
    }
    assert.equal(res.bytes, total);
    assert.equal(body, list.map(expectedLine).join(''));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** `src` whose scans throw error() at the next() after `rows` rows. */
function throwsAfter(src: FakeSource, rows: number, error: () => Error): FakeSource {
  const s = Object.create(src) as FakeSource;
  s.scanRows = (pid: number): RowScan => {
    const inner = src.scanRows(pid);
    let n = 0;
    return {
      ...inner,
      next: () => {
        if (++n > rows) throw error();
        return inner.next();
      },
    };
  };
  return s;
}

test('a chunk that fails leaves nothing behind for the next chunk of the same worker', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tikv-export-wc-'));
  try {
    const good = rows(40, 'g');
    const src = new FakeSource(new Map([[16, rows(30, 'bad')]]));
    const dec = src.decoder(fakeTable('t', 16));
    const fmt = new CsvFormatter(dec.columns, defaultCsvOptions());
    // a scan that dies (not corruption: the error propagates) after 30 rows were formatted
    const failing = throwsAfter(src, 30, () => new Error('disk went away'));
    assert.throws(() => runChunk(failing, dec, fmt, task(dir, 0, 0, new Uint8Array(0))), /disk went away/);
    assert.deepEqual(readdirSync(dir).filter((f) => !f.includes('.tmp-')), [], 'no part of the failed chunk');
    const next = new FakeSource(new Map([[16, good]]));
    const res = runChunk(next, dec, fmt, task(dir, 1, 0, new Uint8Array(0)));
    assert.equal(res.files.length, 1);
    assert.equal(readFileSync(join(dir, res.files[0]!.part), 'latin1'), good.map(expectedLine).join(''));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('progress comes every 32768 rows and, for large rows, every 64 MiB of CSV (the main thread also hears the worker is alive)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tikv-export-wc-'));
  try {
    const run = (list: FakeRow[]): [number, number][] => {
      const src = new FakeSource(new Map([[16, list]]));
      const dec = src.decoder(fakeTable('t', 16));
      const fmt = new CsvFormatter(dec.columns, defaultCsvOptions());
      const calls: [number, number][] = [];
      const res = runChunk(src, dec, fmt, task(dir, 0, 0, new Uint8Array(0)), (r, b) => calls.push([r, b]));
      assert.equal(calls.reduce((a, c) => a + c[0], 0), res.rows, 'the reports add up to the rows');
      assert.equal(calls.reduce((a, c) => a + c[1], 0), res.bytes, 'and to the bytes');
      for (const f of readdirSync(dir)) rmSync(join(dir, f));
      return calls;
    };
    // 70000 small rows: at 32768 and 65536, then the rest at the end
    assert.deepEqual(run(rows(70000, 's')).map((c) => c[0]), [32768, 32768, 70000 - 65536]);
    // 40 rows of megabytes: a report each time 64 MiB more are written, then the rest at the end
    const big = Array.from({ length: 40 }, (_, i) => ({ handle: i + 1, value: `b${i}|${'y'.repeat(3 << 20)}` }));
    const want: number[] = [];
    let n = 0;
    let bytes = 0;
    for (const r of big) {
      n++;
      bytes += expectedLine(r).length;
      if (bytes >= 64 << 20) {
        want.push(n);
        n = 0;
        bytes = 0;
      }
    }
    if (n > 0) want.push(n);
    assert.ok(want.length >= 2);
    assert.deepEqual(run(big).map((c) => c[0]), want);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rows that do not decode go to the rejects part between rows of rotating parts; counts match the files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tikv-export-wc-'));
  try {
    const list: FakeRow[] = rows(300, 'r').map((r, i) => (i % 7 === 3 ? { ...r, value: `BAD${i}` } : r));
    const src = new FakeSource(new Map([[16, list]]));
    const dec = src.decoder(fakeTable('t', 16));
    const fmt = new CsvFormatter(dec.columns, defaultCsvOptions());
    const calls: number[] = [];
    const res = runChunk(src, dec, fmt, task(dir, 2, 1500, new Uint8Array(0)), (r) => calls.push(r));
    const good = list.filter((r) => !String(r.value).startsWith('BAD'));
    const bad = list.filter((r) => String(r.value).startsWith('BAD'));
    assert.equal(res.rows, good.length);
    assert.equal(res.rejected, bad.length);
    assert.equal(calls.reduce((a, c) => a + c, 0), res.rows);
    assert.ok(res.files.length > 3, `several parts (${res.files.length})`);
    let body = '';
    for (const p of res.files) {
      const text = readFileSync(join(dir, p.part), 'latin1');
      assert.equal(text.split('\r\n').length - 1, p.rows, p.part);
      body += text;
    }
    assert.equal(body, good.map(expectedLine).join(''));
    const rejects = readFileSync(join(dir, res.rejectsPart!), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { key: string; value: string });
    assert.deepEqual(rejects.map((j) => Buffer.from(j.value, 'hex').toString('latin1')), bad.map((r) => String(r.value)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('corruption met mid-chunk: the rows before it are counted, reported and in the committed parts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tikv-export-wc-'));
  try {
    const list = rows(50_000, 'c');
    const src = new FakeSource(new Map([[16, list]]));
    const dec = src.decoder(fakeTable('t', 16));
    const fmt = new CsvFormatter(dec.columns, defaultCsvOptions());
    const broken = throwsAfter(src, 40_000, () => new FormatError('corruption', 'block checksum mismatch'));
    const calls: number[] = [];
    const res = runChunk(broken, dec, fmt, task(dir, 0, 0, new Uint8Array(0)), (r) => calls.push(r));
    assert.match(res.error ?? '', /block checksum mismatch/);
    assert.equal(res.rows, 40_000);
    assert.deepEqual(calls, [32768, 40_000 - 32768]);
    assert.equal(res.files.length, 1);
    assert.equal(res.files[0]!.rows, 40_000);
    assert.equal(readFileSync(join(dir, res.files[0]!.part), 'latin1'), list.slice(0, 40_000).map(expectedLine).join(''));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// warmUpSegments: a worker's first chunk read by two scans, cut a few rows in (type feedback for
// the end and start of a scan before TurboFan compiles the row loop). Same rows, same files.

/** The chunk's part files and rejects, as bytes, and its result without the part names. */
function chunkOutput(src: DumpSource, dec: TableDecoder, segments: ChunkTask['segments'], fileSize: number): { result: Omit<ChunkResult, 'files' | 'rejectsPart'>; files: string[]; rejects: string | undefined } {
  const dir = mkdtempSync(join(tmpdir(), 'tikv-export-warm-'));
  try {
    const fmt = new CsvFormatter(dec.columns, defaultCsvOptions());
    const res = runChunk(src, dec, fmt, { index: 3, segments, prefix: 'w', partsDir: dir, fileSize, header: fmt.header() });
    const { files, rejectsPart, ...result } = res;
    return {
      result,
      files: files.map((f) => `${f.part} ${f.rows} ${f.bytes} ${readFileSync(join(dir, f.part)).toString('hex')}`),
      rejects: rejectsPart === undefined ? undefined : readFileSync(join(dir, rejectsPart), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describeEveryFixture('warmUpSegments on every fixture table: the same rows into the same files', (s, dir) => {
  const src = s.dumpSource('UTC');
  let cutTables = 0;
  for (const { table, decoder: dec } of decodableTables(s, src)) {
    const pids = physicalIds(table);
    // all partitions in one chunk (as a chunk of a partitioned table may hold several)
    const segments = pids.map((physicalId) => ({ physicalId, range: recordRange(physicalId) }));
    let total = 0;
    const first = src.scanRows(pids[0]!, segments[0]!.range);
    while (first.next()) total++;
    for (const fileSize of [0, 700]) {
      const want = chunkOutput(src, dec, segments, fileSize);
      for (const rows of [1, 2, 7, 50]) {
        const cut = warmUpSegments(src, segments, rows);
        if (total <= rows) {
          assert.equal(cut, segments, `${table.name.O}: ${total} rows, not cut after ${rows}`);
          continue;
        }
        cutTables++;
        assert.equal(cut.length, segments.length + 1);
        const [a, b] = [cut[0]!, cut[1]!];
        assert.deepEqual([a.physicalId, b.physicalId], [pids[0], pids[0]]);
        assert.deepEqual(a.range.start, segments[0]!.range.start);
        assert.deepEqual(b.range.end, segments[0]!.range.end);
        assert.deepEqual(a.range.end, b.range.start);
        assert.ok(compareBytes(a.range.start, a.range.end) < 0 && compareBytes(b.range.start, b.range.end) < 0, 'the cut is inside the segment');
        assert.deepEqual(cut.slice(2), segments.slice(1));
        let before = 0;
        const scan = src.scanRows(pids[0]!, a.range);
        while (scan.next()) before++;
        assert.equal(before, rows, `${table.name.O}: ${rows} rows before the cut`);
        assert.deepEqual(chunkOutput(src, dec, cut, fileSize), want, `${dir} ${table.name.O}: cut after ${rows} rows, -F ${fileSize}`);
      }
    }
  }
  if (dir.includes('chunks')) assert.ok(cutTables > 0, 'some table was cut');
});

test('warmUpSegments closes its peek scan: no SST file stays open', () => {
  const prev = setReaderCacheSize(0); // a reader without a cursor is closed at once
  const prevPrefetch = setBlockPrefetch(false); // its thread opens and closes its own descriptors (chunk workers run without it)
  const s = openSession(new URL('../../fixtures/tidb/chunks/data/db', import.meta.url).pathname, {});
  try {
    const src = s.dumpSource('UTC');
    const table = s.databases().flatMap((d) => s.tables(d.id)).find((t) => src.estimateBytes!(t.id) > 0)!;
    const segments = [{ physicalId: table.id, range: recordRange(table.id) }];
    const before = openSstFiles();
    const cut = warmUpSegments(src, segments, 3);
    assert.equal(cut.length, 2, 'cut');
    assert.equal(openSstFiles(), before);
  } finally {
    s.close();
    setReaderCacheSize(prev);
    setBlockPrefetch(prevPrefetch);
  }
});

test('warmUpSegments: a segment of at most `rows` rows, or no segment, is left as it is', () => {
  const src = new FakeSource(new Map([[16, rows(5, 's')]]));
  const segs = task('/nonexistent', 0, 0, new Uint8Array(0)).segments;
  assert.equal(warmUpSegments(src, segs, 5), segs);
  assert.equal(warmUpSegments(src, segs, 0), segs);
  assert.deepEqual(warmUpSegments(src, [], 1), []);
  const cut = warmUpSegments(src, segs, 4);
  assert.equal(cut.length, 2);
  assert.deepEqual(cut[0]!.range.end, cut[1]!.range.start);
});

test('warmUpSegments: corrupt data met by the peek leaves the segments to the chunk, which reports it; other errors propagate', () => {
  const src = new FakeSource(new Map([[16, rows(100, 'c')]]));
  const segs = task('/nonexistent', 0, 0, new Uint8Array(0)).segments;
  assert.equal(warmUpSegments(throwsAfter(src, 10, () => new FormatError('corruption', 'block checksum mismatch')), segs, 50), segs);
  assert.equal(warmUpSegments(throwsAfter(src, 10, () => new DataError('a row value that does not decode')), segs, 50), segs);
  assert.throws(() => warmUpSegments(throwsAfter(src, 10, () => new Error('disk went away')), segs, 50), /disk went away/);
});
