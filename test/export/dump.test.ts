// dump.ts with a fake source: the file layout, partition order, rejects, metadata.
// Expected file contents are written by hand from the Dumpling conventions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultCsvOptions } from '../../src/export/csv.js';
import { dumpTables, prepareOutDir, type DumpOptions } from '../../src/export/dump.js';
import { UserError } from '../../src/errors.js';
import { FakeSource, fakeDb, fakeTable } from './support/fake-source.js';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'tikv-export-dump-'));
}

function opts(outDir: string, extra: Partial<DumpOptions> = {}): DumpOptions {
  return {
    outDir,
    csv: defaultCsvOptions(),
    fileSize: 0,
    meta: { readTs: undefined, sourceDirs: ['/data/tikv1'], storeId: '1', clusterId: '42', schemaVersion: '7', timeZone: 'UTC', toolVersion: '0.1.0' },
    now: () => new Date('2026-01-02T03:04:05.678Z'),
    ...extra,
  };
}

test('one table: schema files, CSV with header, metadata', () => {
  const out = tmp();
  try {
    const src = new FakeSource(new Map([[10, [{ handle: 1, value: 'a"b|\x00\xff' }, { handle: 2, value: '|' }]]]));
    const r = dumpTables([{ db: fakeDb('shop'), table: fakeTable('orders', 10) }], src, opts(out));
    assert.equal(r.exitCode, 0);
    assert.deepEqual(readdirSync(out).sort(), ['metadata', 'shop-schema-create.sql', 'shop.orders-schema.sql', 'shop.orders.000000000.csv']);
    assert.equal(readFileSync(join(out, 'shop-schema-create.sql'), 'latin1'), '/*!40101 SET NAMES binary*/;\nCREATE DATABASE `shop`;\n');
    assert.equal(readFileSync(join(out, 'shop.orders-schema.sql'), 'latin1'), '/*!40101 SET NAMES binary*/;\nCREATE TABLE `orders` (\n  `id` bigint PRIMARY KEY\n);\n');
    assert.equal(
      readFileSync(join(out, 'shop.orders.000000000.csv'), 'latin1'),
      '"id","name","data"\r\n1,"a\\"b","\\0\xff"\r\n2,\\N,""\r\n',
    );
    const meta = readFileSync(join(out, 'metadata'), 'utf8');
    assert.match(meta, /^Started dump at: 2026-01-02 03:04:05\nSHOW MASTER STATUS:\n\tLog: tidb-binlog\n\tPos: 100\n\tGTID:\n/);
    assert.match(meta, /\tCluster id: 42\n\tStore id: 1\n\tSchema version: 7\n\tTime zone: UTC/);
    assert.match(meta, /\tSource dir: \/data\/tikv1\n/);
    assert.match(meta, /Status: complete\n\nFinished dump at: 2026-01-02 03:04:05\n$/);
    assert.deepEqual(r.tables.map((t) => [t.table, t.rows, t.rejected, t.files.length]), [['orders', 2, 0, 1]]);
  } finally {
    rmSync(out, { recursive: true });
  }
});

test('partitioned table: every partition, in definition order, into one table\'s files', () => {
  const out = tmp();
  try {
    const src = new FakeSource(
      new Map([
        [21, [{ handle: 5, value: 'p1|' }]],
        [20, [{ handle: 9, value: 'p0|' }]],
        [22, [{ handle: 1, value: 'p2|' }]],
      ]),
    );
    const t = fakeTable('pt', 19, [
      { id: 21, name: 'p1' },
      { id: 20, name: 'p0' },
      { id: 22, name: 'p2' },
    ]);
    const r = dumpTables([{ db: fakeDb('d'), table: t }], src, opts(out));
    assert.deepEqual(src.scanned, [21, 20, 22]);
    assert.equal(readFileSync(join(out, 'd.pt.000000000.csv'), 'latin1'), '"id","name","data"\r\n5,"p1",""\r\n9,"p0",""\r\n1,"p2",""\r\n');
    assert.deepEqual(r.tables[0]!.physicalIds, [21, 20, 22]);
  } finally {
    rmSync(out, { recursive: true });
  }
});

test('a row that fails to decode goes to rejects.jsonl and the run is partial (exit 3)', () => {
  const out = tmp();
  try {
    const src = new FakeSource(new Map([[10, [{ handle: 1, value: 'ok|' }, { handle: 2, value: 'BAD\x01' }, { handle: 3, value: 'ok2|' }]]]));
    const r = dumpTables([{ db: fakeDb('d'), table: fakeTable('t', 10) }], src, opts(out));
    assert.equal(r.exitCode, 3);
    assert.equal(r.tables[0]!.rejected, 1);
    assert.equal(r.tables[0]!.rows, 2);
    const lines = readFileSync(join(out, 'd.t.rejects.jsonl'), 'utf8').trim().split('\n');
    assert.equal(lines.length, 1);
    const j = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.equal(j.key, Buffer.from('t10_r2').toString('hex'));
    assert.equal(j.value, '42414401');
    assert.equal(j.physical_id, 10);
    assert.match(String(j.error), /bad row value/);
    assert.equal(readFileSync(join(out, 'd.t.000000000.csv'), 'latin1'), '"id","name","data"\r\n1,"ok",""\r\n3,"ok2",""\r\n');
    assert.match(readFileSync(join(out, 'metadata'), 'utf8'), /rejected: 1.*\n\tStatus: PARTIAL/);
  } finally {
    rmSync(out, { recursive: true });
  }
});

test('values missing make the run partial; locks and deletes are counted', () => {
  const out = tmp();
  try {
    const src = new FakeSource(new Map([[10, [{ handle: 1, value: 'x|' }]]]), new Map([[10, 2]]), new Map([[10, { deleted: 4, valuesMissing: 1 }]]));
    const r = dumpTables([{ db: fakeDb('d'), table: fakeTable('t', 10) }], src, opts(out));
    assert.equal(r.exitCode, 3);
    assert.deepEqual([r.tables[0]!.pendingLocks, r.tables[0]!.deletedSkipped, r.tables[0]!.valuesMissing], [2, 4, 1]);
  } finally {
    rmSync(out, { recursive: true });
  }
});

test('--filesize rotates data files; --as-of appears in metadata', () => {
  const out = tmp();
  try {
    const rows = Array.from({ length: 5 }, (_, i) => ({ handle: i, value: `name${i}|` }));
    const o = opts(out, { fileSize: 30 });
    o.meta.readTs = 411225436913926252n; // spec §1.6 vector: physical 1568700549751
    const r = dumpTables([{ db: fakeDb('d'), table: fakeTable('t', 10) }], new FakeSource(new Map([[10, rows]])), o);
    // header 20 bytes; each row "0,"name0",""\r\n" = 14 bytes -> 34 >= 30: one row per file
    assert.deepEqual(r.tables[0]!.files, ['d.t.000000000.csv', 'd.t.000000001.csv', 'd.t.000000002.csv', 'd.t.000000003.csv', 'd.t.000000004.csv']);
    assert.equal(readFileSync(join(out, 'd.t.000000003.csv'), 'latin1'), '"id","name","data"\r\n3,"name3",""\r\n');
    assert.match(readFileSync(join(out, 'metadata'), 'utf8'), /Pos: 411225436913926252\n[\s\S]*Read timestamp: 411225436913926252 \(2019-09-17T06:09:09\.751Z, from --as-of\)/);
  } finally {
    rmSync(out, { recursive: true });
  }
});

test('names that look like paths stay inside OUTDIR', () => {
  const out = tmp();
  try {
    dumpTables([{ db: fakeDb('../..'), table: fakeTable('a/b', 10) }], new FakeSource(new Map([[10, [{ handle: 1, value: 'x|' }]]])), opts(out));
    assert.deepEqual(readdirSync(out).sort(), ['%2E%2E%2F%2E%2E-schema-create.sql', '%2E%2E%2F%2E%2E.a%2Fb-schema.sql', '%2E%2E%2F%2E%2E.a%2Fb.000000000.csv', 'metadata']);
  } finally {
    rmSync(out, { recursive: true });
  }
});

test('a scan error aborts: no tmp files and no metadata are left', () => {
  const out = tmp();
  try {
    const src = new FakeSource(new Map([[10, [{ handle: 1, value: 'x|' }]]]));
    src.scanRows = () => {
      throw new Error('boom');
    };
    assert.throws(() => dumpTables([{ db: fakeDb('d'), table: fakeTable('t', 10) }], src, opts(out)), /boom/);
    assert.deepEqual(readdirSync(out).sort(), ['d-schema-create.sql', 'd.t-schema.sql']);
  } finally {
    rmSync(out, { recursive: true });
  }
});

test('prepareOutDir: refuses the data dir and non-empty dirs, creates missing ones', () => {
  const root = tmp();
  try {
    const data = join(root, 'data');
    mkdirSync(join(data, 'db'), { recursive: true });
    assert.throws(() => prepareOutDir(join(data, 'db', 'out'), [data], realpathSync), (e: unknown) => e instanceof UserError && /inside the data directory/.test(e.message));
    assert.throws(() => prepareOutDir(data, [data], realpathSync), /inside the data directory/);
    writeFileSync(join(root, 'f'), '');
    assert.throws(() => prepareOutDir(root, [data], realpathSync), /not empty/);
    assert.throws(() => prepareOutDir(join(root, 'f'), [data], realpathSync), /not a directory/);
    prepareOutDir(join(root, 'new', 'deep'), [data], realpathSync);
    assert.deepEqual(readdirSync(join(root, 'new', 'deep')), []);
  } finally {
    rmSync(root, { recursive: true });
  }
});

test('corruption inside one table: its rows so far kept as .incomplete, other tables dumped, exit 2', async () => {
  const out = tmp();
  try {
    const { corruption } = await import('../../src/errors.js');
    const src = new FakeSource(new Map([[10, [{ handle: 1, value: 'a|' }, { handle: 2, value: 'b|' }]], [11, [{ handle: 1, value: 'ok|' }]]]));
    const orig = src.scanRows.bind(src);
    src.scanRows = (pid) => {
      const s = orig(pid);
      if (pid !== 10) return s;
      let n = 0;
      return { ...s, next: () => { if (++n === 2) throw corruption('bad block checksum', { file: '/d/000012.sst', offset: 4096 }); return s.next(); } };
    };
    const r = dumpTables([{ db: fakeDb('d'), table: fakeTable('bad', 10) }, { db: fakeDb('d'), table: fakeTable('good', 11) }], src, opts(out));
    assert.equal(r.exitCode, 2);
    assert.deepEqual(readdirSync(out).sort(), ['d-schema-create.sql', 'd.bad-schema.sql', 'd.bad.000000000.csv.incomplete', 'd.good-schema.sql', 'd.good.000000000.csv', 'metadata']);
    assert.equal(readFileSync(join(out, 'd.bad.000000000.csv.incomplete'), 'latin1'), '"id","name","data"\r\n1,"a",""\r\n');
    assert.equal(r.tables[0]!.errorKind, 'corruption');
    assert.equal(r.tables[0]!.rows, 1);
    assert.match(readFileSync(join(out, 'metadata'), 'utf8'), /\tINCOMPLETE table: d\.bad: corruption: bad block checksum \(file \/d\/000012\.sst, offset 4096\)\n\tStatus: PARTIAL/);
  } finally {
    rmSync(out, { recursive: true });
  }
});

test('a table whose schema the decoder refuses is reported, not dumped, exit 3', async () => {
  const out = tmp();
  try {
    const { DataError } = await import('../../src/errors.js');
    const src = new FakeSource(new Map([[10, [{ handle: 1, value: 'a|' }]]]));
    src.decoder = () => {
      throw new DataError('column type 0xff (GEOMETRY) is not supported');
    };
    const r = dumpTables([{ db: fakeDb('d'), table: fakeTable('geo', 10) }], src, opts(out));
    assert.equal(r.exitCode, 3);
    assert.equal(r.tables[0]!.errorKind, 'undecodable');
    assert.ok(!readdirSync(out).some((n) => n.endsWith('.csv')));
    assert.match(readFileSync(join(out, 'metadata'), 'utf8'), /INCOMPLETE table: d\.geo: cannot decode this table's rows: column type 0xff/);
  } finally {
    rmSync(out, { recursive: true });
  }
});

test('duplicate table names (damaged catalog) get #id instead of colliding', () => {
  const out = tmp();
  try {
    const src = new FakeSource(new Map([[10, [{ handle: 1, value: 'a|' }]], [11, [{ handle: 2, value: 'b|' }]]]));
    const r = dumpTables([{ db: fakeDb('d'), table: fakeTable('t', 10) }, { db: fakeDb('d'), table: fakeTable('T', 11) }], src, opts(out));
    assert.equal(r.exitCode, 0);
    assert.deepEqual(readdirSync(out).sort(), ['d-schema-create.sql', 'd.T#11-schema.sql', 'd.T#11.000000000.csv', 'd.t-schema.sql', 'd.t.000000000.csv', 'metadata']);
  } finally {
    rmSync(out, { recursive: true });
  }
});
