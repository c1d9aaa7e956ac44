// End to end on the committed TiDB fixtures (written by real RocksDB 7.8.3 through the fixture
// builder; expected.json rows written by hand from the scenario): `tikv-export dump` in-process,
// CSV parsed back (Dumpling escaping with an independent reader, rfc4180 with csv-parse) and
// compared cell by cell. Also checks that the data dir is not modified.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { parseDumplingCsv } from '../../src/export/csv.js';
import { dataFile } from '../../src/export/filenames.js';
import { run } from './support.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

type Cell = null | string | { hex: string };
interface ExpTable {
  id: number;
  name: string;
  physicalIds: number[];
  columns: string[];
  rows: Cell[][];
  deletedRows: number;
}
interface Expected {
  store: { clusterId: string; storeId: number };
  schemaVersion: number;
  databases: { id: number; name: string; system: boolean; tables: ExpTable[] }[];
  pendingLocks: { keyHex: string }[];
  missingValues: { keyHex: string; table: string }[];
  dataDir: string;
}

const FIXTURES = ['fixtures/sample/node1', 'fixtures/tidb/mvcc', 'fixtures/tidb/types'];

function load(fx: string): { exp: Expected; dataDir: string } | undefined {
  const p = join(root, fx, 'expected.json');
  if (!existsSync(p)) return undefined;
  const exp = JSON.parse(readFileSync(p, 'utf8')) as Expected;
  return { exp, dataDir: join(root, fx, exp.dataDir) };
}

function cellBytes(c: Cell): Buffer | null {
  if (c === null) return null;
  if (typeof c === 'string') return Buffer.from(c, 'utf8');
  return Buffer.from(c.hex, 'hex');
}

/** name, size and mtime of every file under dir (to prove nothing was written). */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else out.push(`${p} ${st.size} ${st.mtimeMs}`);
    }
  };
  walk(dir);
  return out;
}

function readTableFiles(out: string, db: string, table: string): Buffer[] {
  const files: Buffer[] = [];
  for (let i = 0; existsSync(join(out, dataFile(db, table, i))); i++) files.push(readFileSync(join(out, dataFile(db, table, i))));
  return files;
}

for (const fx of FIXTURES) {
  const f = load(fx);
  test(`dump ${fx}: every table's CSV equals expected.json (Dumpling dialect)`, { skip: f === undefined ? `${fx}/expected.json not present yet` : false }, async () => {
    const { exp, dataDir } = f!;
    const before = snapshot(dataDir);
    const out = join(mkdtempSync(join(tmpdir(), 'tikv-export-e2e-')), 'out');
    try {
      const userDbs = exp.databases.filter((d) => !d.system);
      const argv = ['dump', '--data-dir', dataDir, '--all', '--out', out, '--log-level', 'silent', '--json', '--filesize', '300'];
      const r = await run(argv, { procLocksPath: '/proc/locks' });
      const partial = exp.missingValues.length > 0;
      assert.equal(r.code, partial ? 3 : 0, r.stderr);
      const summary = JSON.parse(r.stdout) as { tables: { db: string; table: string; rows: number; deletedSkipped: number; valuesMissing: number; pendingLocks: number }[] };
      // --all never includes system databases
      assert.deepEqual(
        summary.tables.map((t) => `${t.db}.${t.table}`),
        userDbs.flatMap((d) => d.tables.map((t) => `${d.name}.${t.name}`)),
      );
      for (const db of userDbs) {
        for (const t of db.tables) {
          const label = `${db.name}.${t.name}`;
          const files = readTableFiles(out, db.name, t.name);
          assert.ok(files.length >= 1, `${label}: no data file`);
          const rows: (Uint8Array | null)[][] = [];
          for (const [i, buf] of files.entries()) {
            const parsed = parseDumplingCsv(buf);
            // header row at the top of every file
            assert.deepEqual(parsed[0]!.map((c) => (c === null ? null : Buffer.from(c).toString('utf8'))), t.columns, `${label} file ${i} header`);
            rows.push(...parsed.slice(1));
          }
          assert.equal(rows.length, t.rows.length, `${label} row count`);
          t.rows.forEach((want, i) => {
            const got = rows[i]!;
            assert.equal(got.length, want.length, `${label} row ${i} width`);
            want.forEach((c, j) => {
              const w = cellBytes(c);
              const g = got[j]!;
              if (w === null) assert.equal(g, null, `${label} row ${i} col ${t.columns[j]}: expected NULL`);
              else assert.ok(g !== null && Buffer.from(g).equals(w), `${label} row ${i} col ${t.columns[j]}: got ${g === null ? 'NULL' : JSON.stringify(Buffer.from(g).toString('latin1'))}, want ${JSON.stringify(c)}`);
            });
          });
          const s = summary.tables.find((x) => x.db === db.name && x.table === t.name)!;
          assert.equal(s.rows, t.rows.length, `${label} summary rows`);
          assert.equal(s.deletedSkipped, t.deletedRows, `${label} deleted rows`);
          assert.equal(s.valuesMissing, exp.missingValues.filter((m) => m.table === t.name).length, `${label} values missing`);
          const prefixes = t.physicalIds.map((id) => `7480${id.toString(16).padStart(14, '0')}5f72`);
          assert.equal(s.pendingLocks, exp.pendingLocks.filter((l) => prefixes.some((p) => l.keyHex.startsWith(p))).length, `${label} pending locks`);
        }
      }
      const meta = readFileSync(join(out, 'metadata'), 'utf8');
      assert.match(meta, new RegExp(`\\tCluster id: ${exp.store.clusterId}\\n\\tStore id: ${exp.store.storeId}\\n\\tSchema version: ${exp.schemaVersion}\\n`));
      assert.match(meta, partial ? /Status: PARTIAL/ : /Status: complete/);
      assert.ok(!readdirSync(out).some((n) => n.includes('.tmp-')), 'no temporary files left');
      assert.deepEqual(snapshot(dataDir), before, 'the data dir is untouched');
    } finally {
      rmSync(join(out, '..'), { recursive: true, force: true });
    }
  });

  test(`dump ${fx} --dialect rfc4180: csv-parse reads back the expected cells`, { skip: f === undefined ? `${fx}/expected.json not present yet` : false }, async () => {
    const { exp, dataDir } = f!;
    const out = join(mkdtempSync(join(tmpdir(), 'tikv-export-e2e-')), 'out');
    try {
      const r = await run(['dump', '-d', dataDir, '--all', '--out', out, '--dialect', 'rfc4180', '--binary-format', 'raw', '--log-level', 'silent'], { procLocksPath: '/proc/locks' });
      assert.equal(r.code, exp.missingValues.length > 0 ? 3 : 0, r.stderr);
      for (const db of exp.databases.filter((d) => !d.system)) {
        for (const t of db.tables) {
          const [buf] = readTableFiles(out, db.name, t.name);
          // latin1 maps every byte to one char, so raw binary cells survive the parse
          const rows = parse(buf!.toString('latin1'), { record_delimiter: '\r\n', quote: '"', escape: '"', info: false }) as string[][];
          assert.deepEqual(rows[0], t.columns.map((c) => Buffer.from(c, 'utf8').toString('latin1')));
          assert.equal(rows.length - 1, t.rows.length, `${db.name}.${t.name} rows`);
          t.rows.forEach((want, i) => {
            want.forEach((c, j) => {
              const w = cellBytes(c);
              const g = rows[i + 1]![j]!;
              assert.equal(g, w === null ? '\\N' : w.toString('latin1'), `${db.name}.${t.name} row ${i} col ${t.columns[j]}`);
            });
          });
        }
      }
    } finally {
      rmSync(join(out, '..'), { recursive: true, force: true });
    }
  });
}

test('the installed entry point works as a process: bin/tikv-export dbs, exit code and streams', { skip: load('fixtures/sample/node1') === undefined }, () => {
  const { exp, dataDir } = load('fixtures/sample/node1')!;
  const r = spawnSync(process.execPath, [join(root, 'bin', 'tikv-export'), 'dbs', '--data-dir', dataDir, '--json', '--log-level', 'warn'], {
    encoding: 'utf8',
    env: { ...process.env, TIKV_EXPORT_FROM_SOURCE: '1' },
  });
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { schemaVersion: string; databases: { id: number; name: string; system: boolean }[] };
  assert.deepEqual(
    j.databases.map((d) => [d.id, d.name, d.system]),
    exp.databases.map((d) => [d.id, d.name, d.system]).sort((a, b) => (a[0] as number) - (b[0] as number)),
  );
  assert.equal(j.schemaVersion, String(exp.schemaVersion));
  const bad = spawnSync(process.execPath, [join(root, 'bin', 'tikv-export'), 'tables', '--data-dir', dataDir, '--db', 'no_such_db'], {
    encoding: 'utf8',
    env: { ...process.env, TIKV_EXPORT_FROM_SOURCE: '1' },
  });
  assert.equal(bad.status, 1);
  assert.equal(bad.stdout, '');
  assert.match(bad.stderr, /^tikv-export: error: unknown database "no_such_db"; databases here: .*shop/m);
  assert.doesNotMatch(bad.stderr, /\n\s+at /);
});

test('--time-zone shifts TIMESTAMP columns only, and is recorded in metadata', { skip: load('fixtures/tidb/types') === undefined }, async () => {
  const { exp, dataDir } = load('fixtures/tidb/types')!;
  const out = join(mkdtempSync(join(tmpdir(), 'tikv-export-tz-')), 'out');
  try {
    const r = await run(['dump', '-d', dataDir, '--db', 'types', '--table', 'times', '--out', out, '--time-zone', '+08:00', '--log-level', 'silent']);
    assert.equal(r.code, 0, r.stderr);
    const rows = parseDumplingCsv(readFileSync(join(out, dataFile('types', 'times', 0))));
    const t = exp.databases.find((d) => d.name === 'types')!.tables.find((x) => x.name === 'times')!;
    const col = (name: string): number => t.columns.indexOf(name);
    // row 0 in UTC (expected.json): ts0 2024-02-29 05:45:07, ts6 1970-01-01 00:00:01.000001; +8 h by hand:
    assert.equal(t.rows[0]![col('ts0')], '2024-02-29 05:45:07');
    assert.equal(Buffer.from(rows[1]![col('ts0')]!).toString(), '2024-02-29 13:45:07');
    assert.equal(Buffer.from(rows[1]![col('ts6')]!).toString(), '1970-01-01 08:00:01.000001');
    // DATETIME is not a time-zone type: unchanged
    assert.equal(Buffer.from(rows[1]![col('dt0')]!).toString(), t.rows[0]![col('dt0')]);
    // the zero TIMESTAMP is never converted
    assert.equal(Buffer.from(rows[2]![col('ts0')]!).toString(), '0000-00-00 00:00:00');
    assert.match(readFileSync(join(out, 'metadata'), 'utf8'), /\tTime zone: \+08:00 /);
  } finally {
    rmSync(join(out, '..'), { recursive: true, force: true });
  }
});

test('--as-of before anything was committed: no databases (the catalog is read at that ts too)', { skip: load('fixtures/sample/node1') === undefined }, async () => {
  const { dataDir } = load('fixtures/sample/node1')!;
  const r = await run(['dbs', '-d', dataDir, '--as-of', '1', '--json', '--log-level', 'silent']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { readTs: string; databases: unknown[] };
  assert.equal(j.readTs, '1');
  assert.deepEqual(j.databases, []);
  const t = await run(['tables', '-d', dataDir, '--db', 'shop', '--as-of', '1', '--log-level', 'silent']);
  assert.equal(t.code, 1);
  assert.match(t.stderr, /unknown database "shop"; databases here: \(none\)/);
});
