/**
 * Resumable dumps (issue #5), end to end through bin/tikv-export as a real process:
 *  - kill -9 at several points of a multi-chunk, multi-table dump (fixtures/tidb/chunks with
 *    --chunk-bytes 2000: ~54 chunks over 4 tables), rerun: the output equals an uninterrupted
 *    dump byte for byte (metadata: apart from its start/finish times and the Resumed line), no
 *    temporary file and no checkpoint left; the rerun says it resumed;
 *  - a checkpoint of another dump is refused (exit 1) naming the item: another data dir, a WAL
 *    file added, another --csv-separator; --restart then works;
 *  - a corrupt checkpoint entry counts as not done (its chunk is redone, same bytes).
 * Ground truth: the uninterrupted dump, itself checked against expected.json row counts.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Checkpoint, CHECKPOINT_DIR } from '../../src/export/checkpoint.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(root, 'bin', 'tikv-export');
const FIXTURE = join(root, 'fixtures', 'tidb', 'chunks', 'data');
const env = { ...process.env, TIKV_EXPORT_FROM_SOURCE: '1' };
const tmp = mkdtempSync(join(tmpdir(), 'tikv-export-resume-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function args(dataDir: string, out: string, extra: string[] = []): string[] {
  return [BIN, 'dump', '--data-dir', dataDir, '--db', 'big', '--out', out, '--log-level', 'warn', '--chunk-bytes', '2000', ...extra];
}

function dump(dataDir: string, out: string, extra: string[] = []): { code: number; stderr: string } {
  const r = spawnSync(process.execPath, args(dataDir, out, extra), { env, encoding: 'utf8' });
  return { code: r.status ?? -1, stderr: r.stderr };
}

function listAll(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix === '' ? e.name : `${prefix}/${e.name}`;
    if (e.isDirectory()) out.push(`${rel}/`, ...listAll(join(dir, e.name), rel));
    else out.push(rel);
  }
  return out.sort();
}

const VOLATILE = /^(Started dump at|Finished dump at): .*$|^\tResumed: .*$/gm;

function assertSameDump(actual: string, expected: string, what: string): void {
  const a = listAll(actual);
  const e = listAll(expected);
  assert.deepEqual(a, e, `${what}: same file names`);
  for (const f of e) {
    if (f.endsWith('/')) continue;
    const x = readFileSync(join(actual, f));
    const y = readFileSync(join(expected, f));
    if (f === 'metadata') assert.equal(x.toString().replace(VOLATILE, ''), y.toString().replace(VOLATILE, ''), `${what}: metadata`);
    else assert.ok(x.equals(y), `${what}: ${f} differs`);
  }
}

/** Starts a dump and kill -9s it once `ready(outDir)` holds (or when it ends by itself). */
async function dumpKilledWhen(dataDir: string, out: string, extra: string[], ready: (out: string) => boolean): Promise<'killed' | 'finished'> {
  const child = spawn(process.execPath, args(dataDir, out, extra), { env, stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let finished = false;
  void exited.then(() => {
    finished = true;
  });
  for (;;) {
    if (finished) return 'finished';
    let ok = false;
    try {
      ok = ready(out);
    } catch {
      ok = false;
    }
    if (ok) {
      child.kill('SIGKILL');
      await exited;
      return 'killed';
    }
    await new Promise((r) => setTimeout(r, 2));
  }
}

const csvCount = (out: string): number => readdirSync(out).filter((n) => n.endsWith('.csv')).length;

let baseline = '';
before(() => {
  baseline = join(tmp, 'baseline');
  const r = dump(FIXTURE, baseline);
  assert.equal(r.code, 0, r.stderr);
  // the baseline itself: every expected row, split into many files
  const expected = JSON.parse(readFileSync(join(FIXTURE, '..', 'expected.json'), 'utf8')) as { databases: { name: string; tables?: { name: string; rows: unknown[] }[] }[] };
  const big = expected.databases.find((d) => d.name === 'big')!;
  for (const t of big.tables ?? []) {
    const files = readdirSync(baseline).filter((n) => n.startsWith(`big.${t.name}.`) && n.endsWith('.csv'));
    const lines = files.reduce((a, f) => a + readFileSync(join(baseline, f), 'utf8').split('\r\n').filter((l) => l !== '').length - 1, 0);
    assert.equal(lines, t.rows.length, `baseline big.${t.name} rows`);
  }
  assert.ok(csvCount(baseline) > 40, `many chunk files (${csvCount(baseline)})`);
});

test('kill -9 at several points, rerun: byte-identical to an uninterrupted dump, nothing temporary left', async () => {
  // kill points: before any data file, then after k final data files (k spread over the dump)
  const points = [0, 3, 15, 30, 45];
  let resumedWithWork = 0;
  for (const [i, k] of points.entries()) {
    const out = join(tmp, `kill-${i}`);
    const extra = i % 2 === 0 ? ['--threads', '1'] : ['--threads', '2'];
    const how = await dumpKilledWhen(FIXTURE, out, extra, (o) => (k === 0 ? existsSync(join(o, CHECKPOINT_DIR)) : csvCount(o) >= k));
    assert.equal(how, 'killed', `kill point ${k}: the dump ended before it could be killed`);
    const r = dump(FIXTURE, out, extra);
    assert.equal(r.code, 0, r.stderr);
    const m = /resumed: (\d+) of (\d+) chunks/.exec(r.stderr);
    // killed before the checkpoint held anything: a plain fresh run
    if (k > 0) assert.ok(m !== null, `kill point ${k}: the rerun says it resumed (${r.stderr})`);
    if (m !== null && Number(m[1]) > 0) resumedWithWork++;
    assert.ok(!existsSync(join(out, CHECKPOINT_DIR)), 'checkpoint removed after success');
    assert.ok(!listAll(out).some((f) => f.includes('.tmp-')), 'no temporary files');
    assertSameDump(out, baseline, `kill point ${k}`);
    const meta = readFileSync(join(out, 'metadata'), 'utf8');
    if (m !== null) assert.match(meta, new RegExp(`\\tResumed: yes, ${m[1]} of ${m[2]} chunks reused`));
  }
  assert.ok(resumedWithWork >= 3, `most reruns reused finished chunks (${resumedWithWork})`);
});

test('a checkpoint of a different dump is refused, naming the item; --restart then works', () => {
  const src = join(tmp, 'src-a');
  cpSync(FIXTURE, src, { recursive: true });
  const out = join(tmp, 'refuse');
  assert.equal(dump(src, out, ['--keep-checkpoint']).code, 0);
  assert.ok(existsSync(join(out, CHECKPOINT_DIR)), '--keep-checkpoint keeps it');

  // another separator
  let r = dump(src, out, ['--csv-separator', ';']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /output option --csv-separator differs: checkpoint "," now ";"|--csv-separator differs: checkpoint ",", now ";"/);
  assert.match(r.stderr, /--restart/);
  assert.match(r.stderr, /another --out/);

  // another data dir (same content, other place)
  const srcB = join(tmp, 'src-b');
  cpSync(FIXTURE, srcB, { recursive: true });
  r = dump(srcB, out);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /data directory differs/);

  // a WAL file added to the source
  writeFileSync(join(src, 'db', '000099.log'), '');
  r = dump(src, out);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /source files \(SST\/WAL names and sizes\) differ: added or changed: wal\/000099\.log:0/);
  rmSync(join(src, 'db', '000099.log'));

  // unchanged source: resumes, everything reused
  r = dump(src, out, ['--keep-checkpoint']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /resumed: (\d+) of \1 chunks reused/);

  // --restart with the new separator: clean dump
  r = dump(src, out, ['--csv-separator', ';', '--restart']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!existsSync(join(out, CHECKPOINT_DIR)));
  const fresh = join(tmp, 'fresh-semicolon');
  assert.equal(dump(src, fresh, ['--csv-separator', ';']).code, 0);
  assertSameDump(out, fresh, '--restart');
});

test('a corrupt checkpoint entry counts as not done: that chunk and the later ones are redone, same bytes', () => {
  const out = join(tmp, 'corrupt-entry');
  assert.equal(dump(FIXTURE, out, ['--keep-checkpoint', '--threads', '1']).code, 0);
  const cp = Checkpoint.open(out);
  const loaded = cp.load();
  const key = [...loaded.entries.keys()].filter((k) => k.startsWith('done/')).sort()[5]!;
  cp.writeRaw(key, 'v1 0000000000000000000000000000000000000000000000000000000000000000 {"torn":');
  cp.close();
  const r = dump(FIXTURE, out, ['--threads', '1']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /1 checkpoint entr\(ies\) failed their checksum: treated as not done/);
  const m = /resumed: (\d+) of (\d+) chunks/.exec(r.stderr);
  assert.ok(m !== null && Number(m[1]) >= 5 && Number(m[1]) < Number(m[2]), r.stderr);
  assertSameDump(out, baseline, 'after a corrupt entry');
});

test('--no-checkpoint: same output, no checkpoint directory at any time afterwards', () => {
  const out = join(tmp, 'no-checkpoint');
  const r = dump(FIXTURE, out, ['--no-checkpoint']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!existsSync(join(out, CHECKPOINT_DIR)));
  assertSameDump(out, baseline, '--no-checkpoint');
});

test('--keep-checkpoint --checkpoint-interval 0: the kept checkpoint holds the fingerprint, the plan, every chunk and the progress', () => {
  const out = join(tmp, 'kept');
  assert.equal(dump(FIXTURE, out, ['--keep-checkpoint', '--checkpoint-interval', '0', '--threads', '1']).code, 0);
  const cp = Checkpoint.open(out);
  const l = cp.load();
  cp.close();
  assert.deepEqual(l.corrupt, []);
  const meta = l.entries.get('meta') as { clusterId: string; sourceFiles: string[]; options: Record<string, string> };
  assert.equal(meta.clusterId, '7311111111111111111');
  assert.ok(meta.sourceFiles.some((f) => /^write\/\d{6}\.sst:\d+$/.test(f)) && meta.sourceFiles.some((f) => /^wal\/\d{6}\.log:\d+$/.test(f)));
  assert.equal(meta.options['csv-separator'], ',');
  const done = [...l.entries.keys()].filter((k) => k.startsWith('done/'));
  const plans = [...l.entries.entries()].filter(([k]) => k.startsWith('plan/')).reduce((a, [, v]) => a + (v as unknown[]).length, 0);
  assert.equal(done.length, plans, 'every planned chunk recorded as done');
  const rows = done.reduce((a, k) => a + (l.entries.get(k) as { rows: number }).rows, 0);
  assert.equal(rows, 1485 + 377 + 1020, 'rows recorded = expected.json rows');
  const p = l.entries.get('progress') as { rowsInDoneChunks: number } | undefined;
  assert.ok(p !== undefined && p.rowsInDoneChunks > 0, 'progress flushed');
});

// ---- in process: rows that do not decode, spread over chunks, across a resume ----

import { dumpTables, type DumpOptions } from '../../src/export/dump.js';
import { ChunkedRun } from '../../src/export/worker-pool.js';
import { defaultCsvOptions } from '../../src/export/csv.js';
import { silentLog, type RowScan } from '../../src/export/source.js';
import { intRecordKey } from '../../src/tidb/record-key.js';
import { compareBytes } from '../../src/tikv/memcomparable.js';
import { FakeSource, fakeDb, fakeTable, type FakeRow } from './support/fake-source.js';

/** FakeSource whose scans honour `within` (real record keys for order) and with fixed boundaries. */
class ChunkedFake extends FakeSource {
  constructor(
    private readonly data: Map<number, FakeRow[]>,
    private readonly bounds: Map<number, number[]>,
  ) {
    super(data);
  }
  override scanRows(pid: number, within?: { start: Uint8Array; end: Uint8Array }): RowScan {
    const inside = (h: number): boolean => {
      if (within === undefined) return true;
      const k = intRecordKey(pid, BigInt(h));
      return compareBytes(k, within.start) >= 0 && (within.end.length === 0 || compareBytes(k, within.end) < 0);
    };
    const rows = (this.data.get(pid) ?? []).filter((r) => inside(r.handle));
    return new FakeSource(new Map([[pid, rows]])).scanRows(pid);
  }
  chunkBoundaries(pid: number): Uint8Array[] {
    return (this.bounds.get(pid) ?? []).map((h) => intRecordKey(pid, BigInt(h)));
  }
  sourceFiles(): { name: string; size: number }[] {
    return [{ name: 'write/000001.sst', size: 1 }];
  }
}

function chunkedDump(out: string, src: ChunkedFake, keep: boolean, syncFile?: (path: string) => void): { exitCode: number; resumed: boolean; reused: number } {
  const csv = defaultCsvOptions();
  const targets = [{ db: fakeDb('d'), table: fakeTable('a', 10) }, { db: fakeDb('d'), table: fakeTable('b', 11) }];
  const run = ChunkedRun.prepare(
    { outDir: out, csv, fileSize: 0, chunkBytes: 1, checkpoint: true, restart: false, keepCheckpoint: keep, intervalMs: 30_000, threads: 1, source: { dataDir: '/d', clusterId: '1', storeId: '1', readTs: undefined, schemaVersion: '1', timeZone: 'UTC' }, dbDir: '/d/db', log: silentLog, ...(syncFile === undefined ? {} : { syncFile }) },
    src,
    targets,
  );
  const o: DumpOptions = { outDir: out, csv, fileSize: 0, chunked: run, meta: { readTs: undefined, sourceDirs: ['/d'], timeZone: 'UTC', toolVersion: 't', extra: run.metadataLines() } };
  const r = dumpTables(targets, src, o);
  run.finish(true);
  return { exitCode: r.exitCode, resumed: run.resumed, reused: run.reusedChunks };
}

/** Table a (id 10): rows 1-9 in 3 chunks (boundaries 4, 7), rows 2 and 7 do not decode; table b (id 11): 1 row. */
function rejectsFixture(): ChunkedFake {
  const rows = new Map<number, FakeRow[]>([
    [10, [1, 2, 3, 4, 5, 6, 7, 8, 9].map((h) => ({ handle: h, value: h === 2 || h === 7 ? `BAD${h}` : `n${h}|` }))],
    [11, [{ handle: 1, value: 'x|' }]],
  ]);
  return new ChunkedFake(rows, new Map([[10, [4, 7]]]));
}

test('every part file (CSV and rejects) is fsynced by the committing thread before its chunk is recorded', () => {
  const src = rejectsFixture();
  const out = join(tmp, 'sync-parts');
  mkdirOut(out);
  const synced: string[] = [];
  const r = chunkedDump(out, src, true, (path) => {
    // still under its part name (not yet renamed into --out) and complete: the worker closed it
    assert.ok(existsSync(path), `${path} synced before it is renamed`);
    synced.push(basename(path));
  });
  assert.equal(r.exitCode, 3);
  // table a: 3 chunks (boundaries 4, 7) of one CSV part each, rejects in chunks 0 and 2; table b: 1 chunk
  assert.deepEqual(synced.filter((n) => n.endsWith('.csv')).length, 4);
  assert.deepEqual(synced.filter((n) => n.endsWith('.rejects.jsonl')).sort(), ['t0.000000.rejects.jsonl', 't0.000002.rejects.jsonl']);
  const cp = Checkpoint.open(out);
  const done = [...cp.load().entries.keys()].filter((k) => k.startsWith('done/'));
  cp.close();
  assert.equal(done.length, 4, 'every chunk recorded');
});

test('rejected rows of several chunks land in one rejects file, in key order, also after a resume', () => {
  const src = rejectsFixture();
  const out = join(tmp, 'rejects-chunks');
  mkdirOut(out);
  const r = chunkedDump(out, src, true);
  assert.equal(r.exitCode, 3, 'rejected rows: partial');
  const names = readdirSync(out).filter((n) => !n.startsWith('.')).sort();
  assert.deepEqual(names, ['d-schema-create.sql', 'd.a-schema.sql', 'd.a.000000000.csv', 'd.a.000000001.csv', 'd.a.000000002.csv', 'd.a.rejects.jsonl', 'd.b-schema.sql', 'd.b.000000000.csv', 'metadata']);
  assert.equal(readFileSync(join(out, 'd.a.000000000.csv'), 'latin1'), '"id","name","data"\r\n1,"n1",""\r\n3,"n3",""\r\n');
  assert.equal(readFileSync(join(out, 'd.a.000000001.csv'), 'latin1'), '"id","name","data"\r\n4,"n4",""\r\n5,"n5",""\r\n6,"n6",""\r\n');
  assert.equal(readFileSync(join(out, 'd.a.000000002.csv'), 'latin1'), '"id","name","data"\r\n8,"n8",""\r\n9,"n9",""\r\n');
  const rejects = readFileSync(join(out, 'd.a.rejects.jsonl'), 'utf8');
  assert.deepEqual(rejects.trim().split('\n').map((l) => Buffer.from((JSON.parse(l) as { value: string }).value, 'hex').toString()), ['BAD2', 'BAD7']);
  const first = new Map(readdirSync(out).filter((n) => !n.startsWith('.')).map((n) => [n, readFileSync(join(out, n))]));

  // as after a crash during chunk 2 of table a: its record gone, its file half there, a tmp file
  const cp = Checkpoint.open(out);
  const keys = [...cp.load().entries.keys()].filter((k) => k.startsWith('done/1.10/')).sort();
  cp.write([], [keys[2]!, ...[...cp.load().entries.keys()].filter((k) => k.startsWith('done/1.11/'))]);
  cp.close();
  writeFileSync(join(out, 'd.a.000000002.csv'), 'half');
  writeFileSync(join(out, 'd.a.000000002.csv.tmp-4242'), 'partial');
  rmSync(join(out, 'metadata'));
  const again = chunkedDump(out, src, false);
  assert.equal(again.exitCode, 3);
  assert.equal(again.resumed, true);
  assert.equal(again.reused, 2);
  const second = readdirSync(out).sort();
  assert.deepEqual(second, [...first.keys()].sort(), 'no checkpoint, no tmp file left');
  for (const [n, bytes] of first) {
    if (n === 'metadata') continue;
    assert.ok(readFileSync(join(out, n)).equals(bytes), `${n} identical after resume`);
  }
  assert.match(readFileSync(join(out, 'metadata'), 'utf8'), /\tResumed: yes, 2 of 4 chunks reused from the checkpoint/);
});

function mkdirOut(p: string): void {
  rmSync(p, { recursive: true, force: true });
  mkdirSync(p, { recursive: true });
}

test('a checkpoint held by another running dump: exit 1 "in use", and nothing in --out is touched', () => {
  const out = join(tmp, 'in-use');
  assert.equal(dump(FIXTURE, out, ['--keep-checkpoint', '--threads', '1']).code, 0);
  const ours = (): string[] => listAll(out).filter((f) => !f.startsWith(CHECKPOINT_DIR));
  const before = ours();
  const held = Checkpoint.open(out);
  try {
    held.load(); // this process now holds LevelDB's LOCK, like a running dump
    const r = dump(FIXTURE, out, ['--threads', '1']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /in use by another tikv-export process/);
    assert.deepEqual(ours(), before);
  } finally {
    held.close();
  }
  rmSync(join(out, CHECKPOINT_DIR), { recursive: true });
  assertSameDump(out, baseline, 'untouched');
});
