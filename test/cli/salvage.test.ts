/**
 * --salvage end to end (issue #8) on damaged copies of fixtures/tidb/chunks (written by real
 * RocksDB; 256-byte blocks, so one table spans hundreds of data blocks). Ground truth: the dump
 * of the undamaged copy (itself checked against the hand-written expected.json by e2e tests)
 * and expected.json's row counts. In every case:
 *   - salvage output rows are a subset of the undamaged dump's rows, byte-identical;
 *   - every missing `items` row (id = int handle) lies inside a lost range the report names;
 *   - tables without lost ranges are byte-identical;
 *   - strict mode fails with exit 2 naming the file and offset.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './support.js';
import { SalvagedSst } from '../../src/rocksdb/sst-salvage.js';
import { SstReader } from '../../src/rocksdb/sst-reader.js';
import { describeKey } from '../../src/export/salvage-report.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = join(root, 'fixtures/tidb/chunks/data');
const expected = JSON.parse(readFileSync(join(root, 'fixtures/tidb/chunks/expected.json'), 'utf8')) as {
  databases: { tables?: { name: string; rows: unknown[] }[] }[];
};
const WRITE_L6 = '000019.sst'; // write CF, level 6: the bulk of every table
const tmp = mkdtempSync(join(tmpdir(), 'tikv-export-salvage-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

let seq = 0;
function copy(): string {
  const d = join(tmp, `d${seq++}`);
  cpSync(fixture, d, { recursive: true });
  return d;
}

interface Dump {
  code: number;
  stderr: string;
  files: Map<string, string>;
}

async function dump(dataDir: string, extra: string[] = []): Promise<Dump> {
  const out = join(tmp, `o${seq++}`);
  const r = await run(['dump', '--data-dir', dataDir, '--db', 'big', '--out', out, '--log-level', 'silent', ...extra], { procLocksPath: '/proc/locks' });
  const files = new Map<string, string>();
  try {
    for (const n of readdirSync(out)) files.set(n, readFileSync(join(out, n), 'latin1'));
  } catch {
    // no output dir
  }
  return { code: r.code, stderr: r.stderr, files };
}

function rowsOf(d: Dump, table: string): string[] {
  const out: string[] = [];
  for (const [n, c] of [...d.files.entries()].sort()) {
    if (!n.startsWith(`big.${table}.`) || !/\.csv$/.test(n)) continue;
    out.push(...c.split('\r\n').slice(1).filter((l) => l !== ''));
  }
  return out;
}

interface Range {
  cf: string;
  kind: string;
  offset: number;
  first: { tableId?: number; handle?: string } | null;
  last: { tableId?: number; handle?: string } | null;
}
interface Report {
  status: string;
  tables: { table: string; lostRanges: Range[]; uncertainRows: number; entriesLost: number | null }[];
  files: { file: string; entriesLost: number | null; lostRanges: unknown[] }[];
}

let base: Dump;
before(async () => {
  base = await dump(fixture);
  assert.equal(base.code, 0, base.stderr);
  for (const db of expected.databases) for (const t of db.tables ?? []) assert.equal(rowsOf(base, t.name).length, t.rows.length, t.name);
});

/** The salvage checks shared by every case; returns the report. */
function checkSalvage(d: Dump): Report {
  const report = JSON.parse(d.files.get('salvage-report.json') ?? 'null') as Report;
  assert.ok(report !== null, 'salvage-report.json written');
  for (const t of ['items', 'notes', 'logs', 'empty']) {
    const got = rowsOf(d, t);
    const want = rowsOf(base, t);
    const wantSet = new Set(want);
    for (const r of got) assert.ok(wantSet.has(r), `${t}: salvage printed a row the undamaged dump does not have: ${r.slice(0, 80)}`);
    const tr = report.tables.find((x) => x.table === t)!;
    const lost = tr.lostRanges.filter((r) => r.cf === 'write' && r.kind !== 'range-deletions');
    if (lost.length === 0) {
      assert.deepEqual(got, want, `${t}: no lost range reported, so every row must be there`);
      continue;
    }
    if (t !== 'items') continue;
    const gotSet = new Set(got);
    for (const r of want) {
      if (gotSet.has(r)) continue;
      const id = BigInt(r.split(',')[0]!);
      const inside = lost.some(
        (l) =>
          (l.first === null || l.first.tableId === undefined || l.first.tableId < 202 || (l.first.tableId === 202 && BigInt(l.first.handle!) <= id)) &&
          (l.last === null || l.last.tableId === undefined || l.last.tableId > 202 || (l.last.tableId === 202 && BigInt(l.last.handle!) >= id)),
      );
      assert.ok(inside, `items row ${id} missing but outside every reported lost range`);
    }
  }
  return report;
}

function itemsBlocks(): { offset: number; size: number }[] {
  const t = SalvagedSst.analyze(join(fixture, 'db', WRITE_L6));
  return t.blocks
    .filter((b) => describeKey('write', b.first.subarray(0, b.first.length - 8))?.tableId === 202)
    .map((b) => ({ offset: b.offset, size: b.size }));
}

function patchFile(path: string, fn: (b: Buffer) => Buffer): void {
  writeFileSync(path, fn(readFileSync(path)));
}

test('flipped byte in a data block: strict exit 2 naming file+offset; salvage exit 3, every other row, the block reported', async () => {
  const blocks = itemsBlocks();
  const victim = blocks[Math.floor(blocks.length / 2)]!;
  const d = copy();
  patchFile(join(d, 'db', WRITE_L6), (b) => {
    b[victim.offset + 7]! ^= 0x20;
    return b;
  });
  const strict = await dump(d);
  assert.equal(strict.code, 2);
  assert.match(strict.stderr, new RegExp(`${WRITE_L6}, offset ${victim.offset}`));
  assert.match(strict.stderr, /affected keys table 202 handle (\d+) \.\. table 202 handle (\d+)/);
  const s = await dump(d, ['--salvage']);
  assert.equal(s.code, 3, s.stderr);
  const rep = checkSalvage(s);
  assert.equal(rep.status, 'partial');
  const items = rep.tables.find((t) => t.table === 'items')!;
  const m = /affected keys table 202 handle (\d+) \.\. table 202 handle (\d+)/.exec(strict.stderr)!;
  assert.equal(items.lostRanges[0]!.first!.handle, m[1]);
  assert.equal(items.lostRanges[0]!.last!.handle, m[2]);
  assert.equal(items.lostRanges.length, 1);
  assert.equal(items.lostRanges[0]!.offset, victim.offset);
  assert.ok(items.entriesLost !== null && items.entriesLost > 0);
  const missing = rowsOf(base, 'items').length - rowsOf(s, 'items').length;
  assert.ok(missing > 0 && missing <= items.entriesLost! + items.uncertainRows, `missing ${missing}`);
  assert.match(s.files.get('metadata')!, /LOST in big\.items: 1 range\(s\)/);
  assert.match(s.files.get('metadata')!, /Status: PARTIAL/);
});

test('--salvage-older-versions exports uncertain rows from their older versions, still listed', async () => {
  const blocks = itemsBlocks();
  const victim = blocks[Math.floor(blocks.length / 2)]!;
  const d = copy();
  patchFile(join(d, 'db', WRITE_L6), (b) => {
    b[victim.offset + 7]! ^= 0x20;
    return b;
  });
  const a = await dump(d, ['--salvage']);
  const o = await dump(d, ['--salvage', '--salvage-older-versions']);
  assert.equal(o.code, 3);
  const ra = JSON.parse(a.files.get('salvage-report.json')!) as Report;
  const ro = JSON.parse(o.files.get('salvage-report.json')!) as Report;
  const ua = ra.tables.find((t) => t.table === 'items')!.uncertainRows;
  assert.equal(ro.tables.find((t) => t.table === 'items')!.uncertainRows, ua);
  assert.equal(rowsOf(o, 'items').length, rowsOf(a, 'items').length + ua);
});

test('flipped byte in the index block: strict exit 2; salvage finds every block by its trailer, nothing lost', async () => {
  const r = SstReader.open(join(fixture, 'db', WRITE_L6));
  const ih = r.footer.indexHandle!;
  r.close();
  const d = copy();
  patchFile(join(d, 'db', WRITE_L6), (b) => {
    b[ih.offset + Math.floor(ih.size / 2)]! ^= 0x08;
    return b;
  });
  const strict = await dump(d);
  assert.equal(strict.code, 2);
  assert.match(strict.stderr, new RegExp(`${WRITE_L6}, offset ${ih.offset}`));
  const s = await dump(d, ['--salvage']);
  assert.equal(s.code, 0, s.stderr);
  const rep = checkSalvage(s);
  assert.equal(rep.status, 'complete');
  for (const t of ['items', 'notes', 'logs']) assert.deepEqual(rowsOf(s, t), rowsOf(base, t));
});

test('damaged footer magic: strict exit 2; salvage reads every row', async () => {
  const d = copy();
  patchFile(join(d, 'db', WRITE_L6), (b) => {
    b[b.length - 2]! ^= 0xff;
    return b;
  });
  const strict = await dump(d);
  assert.equal(strict.code, 2);
  assert.match(strict.stderr, new RegExp(WRITE_L6));
  const s = await dump(d, ['--salvage']);
  assert.equal(s.code, 0, s.stderr);
  checkSalvage(s);
  for (const t of ['items', 'notes', 'logs']) assert.deepEqual(rowsOf(s, t), rowsOf(base, t));
});

test('truncated SST: strict exit 2 (truncated); salvage keeps everything before the cut, reports the rest', async () => {
  const d = copy();
  const p = join(d, 'db', WRITE_L6);
  const blocks = itemsBlocks();
  truncateSync(p, blocks[Math.floor(blocks.length / 3)]!.offset + 50);
  const strict = await dump(d);
  assert.equal(strict.code, 2);
  assert.match(strict.stderr, /truncated/);
  const s = await dump(d, ['--salvage']);
  assert.equal(s.code, 3, s.stderr);
  const rep = checkSalvage(s);
  assert.ok(rowsOf(s, 'items').length > 0);
  assert.ok(rep.files.some((f) => f.file.endsWith(WRITE_L6)));
});

test('zeroed 4 KiB page in the middle of an SST: salvage keeps every block around it', async () => {
  const blocks = itemsBlocks();
  const page = Math.floor(blocks[Math.floor(blocks.length / 2)]!.offset / 4096) * 4096;
  const d = copy();
  patchFile(join(d, 'db', WRITE_L6), (b) => {
    b.fill(0, page, page + 4096);
    return b;
  });
  const strict = await dump(d);
  assert.equal(strict.code, 2);
  assert.match(strict.stderr, new RegExp(`${WRITE_L6}, offset \\d+`));
  const s = await dump(d, ['--salvage']);
  assert.equal(s.code, 3, s.stderr);
  const rep = checkSalvage(s);
  const items = rep.tables.find((t) => t.table === 'items')!;
  assert.ok(items.lostRanges.length >= 1);
  assert.ok(rowsOf(s, 'items').length > rowsOf(base, 'items').length - 200);
});

test('MANIFEST cut mid-record: salvage uses the complete edits (+ later files) and reads every row', async () => {
  const d = copy();
  const m = readdirSync(join(d, 'db')).find((n) => n.startsWith('MANIFEST-'))!;
  const p = join(d, 'db', m);
  const size = readFileSync(p).length;
  truncateSync(p, size - 20);
  const s = await dump(d, ['--salvage']);
  assert.ok(s.code === 0 || s.code === 3, s.stderr);
  checkSalvage(s);
  const rep = JSON.parse(s.files.get('salvage-report.json')!) as { warnings: { code: string; message: string }[] };
  assert.ok(rep.warnings.some((w) => w.code === 'manifest-note' && /MANIFEST cut mid-record at byte \d+/.test(w.message)), JSON.stringify(rep.warnings));
  for (const t of ['items', 'notes', 'logs']) assert.deepEqual(rowsOf(s, t), rowsOf(base, t));
});

test('deleted CURRENT: both modes use the newest MANIFEST and read every row', async () => {
  const d = copy();
  unlinkSync(join(d, 'db', 'CURRENT'));
  for (const extra of [[], ['--salvage']]) {
    const s = await dump(d, extra);
    assert.equal(s.code, 0, s.stderr);
    for (const t of ['items', 'notes', 'logs']) assert.deepEqual(rowsOf(s, t), rowsOf(base, t));
  }
});

test('torn WAL tail: the WAL is read up to the tear in both modes (RocksDB point-in-time view), reported', async () => {
  const d = copy();
  const w = readdirSync(join(d, 'db')).find((n) => n.endsWith('.log'))!;
  const p = join(d, 'db', w);
  const size = readFileSync(p).length;
  truncateSync(p, Math.floor(size / 2));
  const strict = await dump(d);
  const s = await dump(d, ['--salvage']);
  assert.equal(strict.code, 0, strict.stderr);
  assert.equal(s.code, 0, s.stderr);
  for (const t of ['items', 'notes', 'logs']) assert.deepEqual(rowsOf(s, t), rowsOf(strict, t));
  // writes after the tear are gone: some rows show the version from before them
  assert.notDeepEqual(rowsOf(s, 'items'), rowsOf(base, 'items'));
  assert.equal(rowsOf(s, 'items').length, rowsOf(base, 'items').length);
  const rep = JSON.parse(s.files.get('salvage-report.json')!) as { warnings: { code: string; message: string }[] };
  const torn = rep.warnings.find((x) => x.code === 'wal-torn-tail');
  assert.ok(torn !== undefined, JSON.stringify(rep.warnings));
  assert.match(torn.message, /byte \d+/);
});

test('damaged block holding schema (meta) keys: reported as catalog damage', async () => {
  const t = SalvagedSst.analyze(join(fixture, 'db', WRITE_L6));
  // the last block of meta keys (the first ones hold the list of databases: without it --db big is unknown)
  const meta = t.blocks.filter((b) => b.first[0] === 0x7a && b.first[1] === 0x6d).pop()!;
  const d = copy();
  patchFile(join(d, 'db', WRITE_L6), (b) => {
    b[meta.offset + 3]! ^= 0x01;
    return b;
  });
  const s = await dump(d, ['--salvage']);
  assert.equal(s.code, 3, s.stderr);
  const rep = JSON.parse(s.files.get('salvage-report.json')!) as { catalogLostRanges: { offset: number }[] };
  assert.deepEqual(rep.catalogLostRanges.map((r) => r.offset), [meta.offset]);
  assert.match(s.files.get('metadata')!, /CATALOG damaged/);
});

test('WAL damaged in the middle: strict exit 2 naming the WAL and offset; salvage stops there, exit 3, offset reported', async () => {
  const d = copy();
  const w = readdirSync(join(d, 'db')).find((n) => n.endsWith('.log'))!;
  const p = join(d, 'db', w);
  const size = readFileSync(p).length;
  patchFile(p, (b) => {
    b[Math.floor(size / 3)]! ^= 0x40;
    return b;
  });
  const strict = await dump(d);
  assert.equal(strict.code, 2);
  assert.match(strict.stderr, new RegExp(`${w.replace('.', '\\.')}`));
  const s = await dump(d, ['--salvage']);
  assert.equal(s.code, 3, s.stderr);
  const rep = JSON.parse(s.files.get('salvage-report.json')!) as { warnings: { code: string; message: string }[] };
  const wc = rep.warnings.find((x) => x.code === 'wal-corruption');
  assert.ok(wc !== undefined, JSON.stringify(rep.warnings));
  assert.match(wc.message, /WAL damaged at byte \d+/);
  assert.match(s.files.get('metadata')!, /Lost \(wal-corruption\)/);
});

test('--salvage with --threads 2: same rows and report as single-threaded (salvage reads in the main thread)', async () => {
  const blocks = itemsBlocks();
  const victim = blocks[Math.floor(blocks.length / 4)]!;
  const d = copy();
  patchFile(join(d, 'db', WRITE_L6), (b) => {
    b[victim.offset + 5]! ^= 0x02;
    return b;
  });
  const one = await dump(d, ['--salvage', '--threads', '1']);
  const two = await dump(d, ['--salvage', '--threads', '2', '--chunk-bytes', '4KiB']);
  assert.equal(one.code, 3);
  assert.equal(two.code, 3);
  for (const t of ['items', 'notes', 'logs']) assert.deepEqual(rowsOf(two, t), rowsOf(one, t));
  const strip = (r: string): unknown => (JSON.parse(r) as { tables: unknown }).tables;
  assert.deepEqual(strip(two.files.get('salvage-report.json')!.replaceAll(/d\d+\/db/g, 'X')), strip(one.files.get('salvage-report.json')!.replaceAll(/d\d+\/db/g, 'X')));
});

for (const fx of ['sample/node1', 'tidb/types/data', 'tidb/mvcc/data', 'tidb/regions/data']) {
  test(`undamaged ${fx}: --salvage output is byte-identical to the strict dump, nothing reported lost`, async () => {
    const dir = join(root, 'fixtures', fx);
    const out1 = join(tmp, `u${seq++}`);
    const out2 = join(tmp, `u${seq++}`);
    const a = await run(['dump', '--data-dir', dir, '--all', '--out', out1, '--log-level', 'silent'], { procLocksPath: '/proc/locks' });
    const b = await run(['dump', '--data-dir', dir, '--all', '--out', out2, '--log-level', 'silent', '--salvage'], { procLocksPath: '/proc/locks' });
    assert.equal(b.code, a.code, b.stderr);
    const files = readdirSync(out1).filter((n) => n !== 'metadata').sort();
    assert.deepEqual(readdirSync(out2).filter((n) => n !== 'metadata' && n !== 'salvage-report.json').sort(), files);
    for (const n of files) assert.ok(readFileSync(join(out1, n)).equals(readFileSync(join(out2, n))), `${fx}: ${n} differs`);
    const rep = JSON.parse(readFileSync(join(out2, 'salvage-report.json'), 'utf8')) as { status: string; files: unknown[] };
    assert.equal(rep.status, 'complete');
    assert.deepEqual(rep.files, []);
  });
}

test('--salvage with several --data-dir is refused (exit 1), not silently ignored', async () => {
  const out = join(tmp, `o${seq++}`);
  const r = await run(['dump', '--data-dir', fixture, '--data-dir', fixture, '--db', 'big', '--out', out, '--salvage'], { procLocksPath: '/proc/locks' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /--salvage reads one --data-dir/);
});
