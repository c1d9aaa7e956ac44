// CLI behaviour in-process: arguments, exit codes, stdout/stderr discipline, with a fake
// session (the real-data end-to-end tests are in e2e.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSize } from '../../src/cli/main.js';
import { fakeDataDir, fakeOpen, run, sampleCatalog } from './support.js';

test('no arguments: help on stderr, exit 1; --help: exit 0 with examples', async () => {
  const r = await run([]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Usage: tikv-export/);
  for (const cmd of ['dbs', 'tables', 'dump', 'inspect', 'raw-scan']) {
    const h = await run([cmd, '--help']);
    assert.equal(h.code, 0, cmd);
    assert.match(h.stdout, /Examples:\n  tikv-export /, cmd);
  }
});

test('bad flag / unknown command: one line on stderr, exit 1, no stack', async () => {
  const r = await run(['dbs', '--data-dir', '/x', '--bogus']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, "tikv-export: error: unknown option '--bogus'\n");
  const u = await run(['frobnicate']);
  assert.equal(u.code, 1);
  assert.match(u.stderr, /^tikv-export: error: unknown command 'frobnicate'/);
  const m = await run(['dbs']);
  assert.equal(m.code, 1);
  assert.match(m.stderr, /required option '-d, --data-dir <dir>' not specified/);
  assert.equal(r.stdout + u.stdout + m.stdout, '');
});

test('not a TiKV data dir: exit 1 with one clear line', async () => {
  const r = await run(['dbs', '--data-dir', '/nonexistent/dir']);
  assert.deepEqual([r.code, r.stderr], [1, 'tikv-export: error: --data-dir /nonexistent/dir does not exist\n']);
  const d = fakeDataDir();
  try {
    rmSync(join(d, 'db'), { recursive: true });
    const n = await run(['dbs', '--data-dir', d]);
    assert.equal(n.code, 1);
    assert.match(n.stderr, /^tikv-export: error: --data-dir .* is not a TiKV data directory/);
    assert.equal(n.stderr.split('\n').length, 2);
  } finally {
    rmSync(d, { recursive: true });
  }
});

test('dbs: data dir or its db/ subdir; prints id, name, schema version and read ts', async () => {
  const d = fakeDataDir();
  try {
    const calls: string[] = [];
    for (const dir of [d, join(d, 'db')]) {
      const r = await run(['dbs', '--data-dir', dir, '--log-level', 'silent'], { openSession: fakeOpen(sampleCatalog(), calls) });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, '# schema version 57, read ts latest committed\nid\tname\n1\tmysql\t(system)\n2\tshop\n3\tEmpty\n');
    }
    assert.deepEqual(calls, [`open ${join(realpathSync(d), 'db')} readTs=latest`, 'close', `open ${join(realpathSync(d), 'db')} readTs=latest`, 'close']);
    assert.equal(calls.filter((c) => c === 'close').length, 2);
    const j = await run(['dbs', '-d', d, '--json', '--as-of', '411225436913926252', '--log-level', 'silent'], { openSession: fakeOpen(sampleCatalog()) });
    const parsed = JSON.parse(j.stdout) as { schemaVersion: string; readTs: string; databases: { name: string; system: boolean }[] };
    assert.equal(parsed.readTs, '411225436913926252');
    assert.deepEqual(parsed.databases.map((x) => [x.name, x.system]), [['mysql', true], ['shop', false], ['Empty', false]]);
  } finally {
    rmSync(d, { recursive: true });
  }
});

test('tables: lists partitions and whether data exists; unknown db lists what exists', async () => {
  const d = fakeDataDir();
  try {
    const r = await run(['tables', '-d', d, '--db', 'SHOP', '--log-level', 'silent'], { openSession: fakeOpen(sampleCatalog()) });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.split('\n').slice(1).join('\n'), 'id\tname\tkind\tpartitions\tdata\trows (approx.)\n10\torders\ttable\t-\tyes\t-\n11\tParts\ttable\tp0,p1\tyes\t-\n');
    const u = await run(['tables', '-d', d, '--db', 'nope', '--log-level', 'silent'], { openSession: fakeOpen(sampleCatalog()) });
    assert.deepEqual([u.code, u.stderr], [1, 'tikv-export: error: unknown database "nope"; databases here: mysql, shop, Empty\n']);
  } finally {
    rmSync(d, { recursive: true });
  }
});

test('dump: --all skips system dbs; unknown table lists tables; partial run exits 3', async () => {
  const d = fakeDataDir();
  const out = join(d, '..', `${d.split('/').pop()}-out`);
  try {
    const r = await run(['dump', '-d', d, '--all', '--out', out, '--log-level', 'silent'], { openSession: fakeOpen(sampleCatalog()) });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(out).sort(), [
      'metadata',
      'shop-schema-create.sql',
      'shop.Parts-schema.sql',
      'shop.Parts.000000000.csv',
      'shop.orders-schema.sql',
      'shop.orders.000000000.csv',
    ]);
    assert.equal(readFileSync(join(out, 'shop.Parts.000000000.csv'), 'latin1'), '"id","name","data"\r\n7,"p",""\r\n');
    assert.match(readFileSync(join(out, 'metadata'), 'utf8'), /Cluster id: 6990\n\tStore id: 1\n\tSchema version: 57\n/);
    rmSync(out, { recursive: true });

    const m = await run(['dump', '-d', d, '--db', 'mysql', '--out', out, '--log-level', 'silent'], { openSession: fakeOpen(sampleCatalog()) });
    assert.equal(m.code, 0, m.stderr);
    assert.ok(readdirSync(out).includes('mysql.user.000000000.csv'));
    rmSync(out, { recursive: true });

    const t = await run(['dump', '-d', d, '--db', 'shop', '--table', 'nope', '--out', out, '--log-level', 'silent'], { openSession: fakeOpen(sampleCatalog()) });
    assert.deepEqual([t.code, t.stderr], [1, 'tikv-export: error: unknown table "nope" in database "shop"; tables there: orders, Parts\n']);

    const cat = sampleCatalog();
    cat.rows.set(10, [{ handle: 1, value: 'BAD' }]);
    const p = await run(['dump', '-d', d, '--db', 'shop', '--table', 'orders', '--out', out, '--log-level', 'silent'], { openSession: fakeOpen(cat) });
    assert.equal(p.code, 3);
    assert.match(p.stderr, /PARTIAL dump/);
    assert.ok(readdirSync(out).includes('shop.orders.rejects.jsonl'));
  } finally {
    rmSync(d, { recursive: true });
    rmSync(out, { recursive: true, force: true });
  }
});

test('dump: refuses an OUTDIR inside the data dir and a non-empty OUTDIR; needs --db or --all', async () => {
  const d = fakeDataDir();
  try {
    const open = fakeOpen(sampleCatalog());
    const r = await run(['dump', '-d', d, '--db', 'shop', '--out', join(d, 'db', 'export'), '--log-level', 'silent'], { openSession: open });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^tikv-export: error: --out .* is inside the data directory/);
    assert.deepEqual(readdirSync(join(d, 'db')), ['CURRENT']);
    mkdirSync(join(d, '..', 'busy-out'), { recursive: true });
    const busy = join(d, '..', 'busy-out');
    writeFileSync(join(busy, 'x'), '');
    const b = await run(['dump', '-d', d, '--db', 'shop', '--out', busy, '--log-level', 'silent'], { openSession: open });
    assert.equal(b.code, 1);
    assert.match(b.stderr, /is not empty/);
    rmSync(busy, { recursive: true });
    const n = await run(['dump', '-d', d, '--out', busy, '--log-level', 'silent'], { openSession: open });
    assert.deepEqual([n.code, n.stderr], [1, 'tikv-export: error: dump needs --db NAME (repeatable) or --all\n']);
  } finally {
    rmSync(d, { recursive: true });
  }
});

test('bad option values are user errors', async () => {
  const d = fakeDataDir();
  try {
    const open = fakeOpen(sampleCatalog());
    const cases: [string[], RegExp][] = [
      [['dbs', '-d', d, '--as-of', 'yesterday'], /--as-of must be a decimal TSO/],
      [['dbs', '-d', d, '--time-zone', 'Mars/Base'], /Mars\/Base/],
      [['dbs', '-d', d, '--log-level', 'loud'], /--log-level must be one of/],
      [['dump', '-d', d, '--db', 'shop', '--out', '/tmp/x', '--filesize', 'big'], /--filesize must be a size/],
      [['dump', '-d', d, '--db', 'shop', '--out', '/tmp/x', '--dialect', 'excel'], /argument 'excel' is invalid/],
      [['dump', '-d', d, '--db', 'shop', '--out', '/tmp/x', '--dialect', 'rfc4180', '--csv-delimiter', ''], /rfc4180 needs a non-empty/],
      [['raw-scan', '-d', d, '--cf', 'write', '--start', 'zz'], /--start must be hex/],
    ];
    for (const [argv, re] of cases) {
      const r = await run(argv, { openSession: open });
      assert.equal(r.code, 1, argv.join(' '));
      assert.match(r.stderr, re, argv.join(' '));
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, `one line: ${r.stderr}`);
    }
  } finally {
    rmSync(d, { recursive: true });
  }
});

test('raw-scan prints ldb scan --hex lines', async () => {
  const d = fakeDataDir();
  try {
    const r = await run(['raw-scan', '-d', d, '--cf', 'write', '--log-level', 'silent'], { openSession: fakeOpen(sampleCatalog()) });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '0x7A00 : 0x\n0x7AAB : 0x01FF\n');
    const l = await run(['raw-scan', '-d', d, '--cf', 'write', '--limit', '1', '--log-level', 'silent'], { openSession: fakeOpen(sampleCatalog()) });
    assert.equal(l.stdout, '0x7A00 : 0x\n');
  } finally {
    rmSync(d, { recursive: true });
  }
});

test('errors from below map to exit codes: FormatError 2, internal 2 with a hint, stack only at debug', async () => {
  const d = fakeDataDir();
  try {
    const { corruption } = await import('../../src/errors.js');
    const failing = (err: Error) => () => {
      throw err;
    };
    const f = await run(['dbs', '-d', d], { openSession: failing(corruption('bad block checksum', { file: '/x/000012.sst', offset: 4096 })) });
    assert.deepEqual([f.code, f.stderr], [2, 'tikv-export: data error: corruption: bad block checksum (file /x/000012.sst, offset 4096)\n']);
    const i = await run(['dbs', '-d', d], { openSession: failing(new TypeError('oops')) });
    assert.deepEqual([i.code, i.stderr], [2, 'tikv-export: internal error: oops (run with --log-level debug for details)\n']);
    const dbg = await run(['dbs', '-d', d, '--log-level', 'debug'], { openSession: failing(new TypeError('oops')) });
    assert.equal(dbg.code, 2);
    assert.match(dbg.stderr, /TypeError: oops\n\s+at /);
  } finally {
    rmSync(d, { recursive: true });
  }
});

test('parseSize', () => {
  assert.equal(parseSize('256MiB'), 256 * 1024 * 1024);
  assert.equal(parseSize('256M'), 256 * 1024 * 1024);
  assert.equal(parseSize('1GiB'), 1024 ** 3);
  assert.equal(parseSize('500MB'), 500_000_000);
  assert.equal(parseSize('4096'), 4096);
  assert.equal(parseSize('0'), 0);
  assert.throws(() => parseSize('-1'), /--filesize/);
});
