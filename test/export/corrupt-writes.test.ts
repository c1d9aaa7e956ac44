// Keys whose write-CF record does not parse (LatestScanner stats.corruptWrites) are reported like
// rejected rows: counted in `rejected` (exit 3) and their samples written to the rejects file.
// The source is a fake whose counters carry hand-written samples; the scanner side is tested in
// test/tikv/mvcc-scan.test.ts, the whole path on real RocksDB in test/live/corrupt-write.live.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultCsvOptions, CsvFormatter } from '../../src/export/csv.js';
import { dumpTables, type DumpOptions } from '../../src/export/dump.js';
import { runChunk } from '../../src/export/worker-chunk.js';
import { FakeSource, fakeDb, fakeTable } from './support/fake-source.js';

const sample = {
  rawKeyHex: '7480000000000000105f728000000000000002',
  writeKeyHex: '7a748000000000000010ff5f728000000000ff0002000000000000f9fffffffffffffff4',
  valueHex: '5801',
  commitTs: 11n,
  error: 'corruption: unknown write type 0x58',
};
const counters = { deleted: 0, valuesMissing: 0, corruptWrites: { count: 3, samples: [sample] } };

function opts(outDir: string): DumpOptions {
  return {
    outDir,
    csv: defaultCsvOptions(),
    fileSize: 0,
    meta: { readTs: undefined, sourceDirs: ['/data/tikv1'], storeId: '1', clusterId: '42', schemaVersion: '7', timeZone: 'UTC', toolVersion: '0.1.0' },
    now: () => new Date('2026-01-02T03:04:05.678Z'),
  };
}

test('dump: corrupt write records count as rejected rows (exit 3), samples in the rejects file', () => {
  const out = mkdtempSync(join(tmpdir(), 'tikv-export-cw-'));
  try {
    const src = new FakeSource(new Map([[16, [{ handle: 1, value: 'a|' }, { handle: 3, value: 'c|' }]]]), new Map(), new Map([[16, counters]]));
    const r = dumpTables([{ db: fakeDb('d'), table: fakeTable('t', 16) }], src, opts(out));
    assert.equal(r.exitCode, 3);
    assert.equal(r.tables[0]!.rows, 2);
    assert.equal(r.tables[0]!.rejected, 3);
    const lines = readFileSync(join(out, 'd.t.rejects.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.key, sample.rawKeyHex);
    assert.equal(lines[0]!.value, '5801');
    assert.equal(lines[0]!.commit_ts, '11');
    assert.equal(lines[0]!.physical_id, 16);
    assert.equal(lines[0]!.write_key, sample.writeKeyHex);
    assert.match(String(lines[0]!.error), /write-CF record does not parse.*unknown write type 0x58/);
    assert.match(readFileSync(join(out, 'metadata'), 'utf8'), /Status: PARTIAL/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('chunk worker: corrupt write records go to the chunk rejects part and count as rejected', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tikv-export-cw-'));
  try {
    const src = new FakeSource(new Map([[16, [{ handle: 1, value: 'a|' }]]]), new Map(), new Map([[16, counters]]));
    const dec = src.decoder(fakeTable('t', 16));
    const fmt = new CsvFormatter(dec.columns, defaultCsvOptions());
    const res = runChunk(src, dec, fmt, {
      index: 0,
      segments: [{ physicalId: 16, range: { start: new Uint8Array(0), end: new Uint8Array(0) } }],
      prefix: 'p',
      partsDir: dir,
      fileSize: 0,
      header: fmt.header(),
    });
    assert.equal(res.rows, 1);
    assert.equal(res.rejected, 3);
    assert.ok(res.rejectsPart !== undefined);
    const text = readFileSync(join(dir, res.rejectsPart), 'utf8');
    assert.equal(JSON.parse(text.trimEnd()).key, sample.rawKeyHex);
    assert.ok(readdirSync(dir).includes(res.rejectsPart));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
