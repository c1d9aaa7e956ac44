// A table whose escaped file name is longer than a file system's 255-byte name limit is a
// per-table error (listed in metadata, exit 3), not the end of the dump. Ground truth: the
// kernel's ENAMETOOLONG (a 255-byte limit checked here on the test's own tmp dir).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultCsvOptions } from '../../src/export/csv.js';
import { dumpTables } from '../../src/export/dump.js';
import { FakeSource, fakeDb, fakeTable } from './support/fake-source.js';
import { fakeDataDir, fakeOpen, run, sampleCatalog } from '../cli/support.js';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'tikv-export-long-'));
}

const LONG = 't'.repeat(250);

test('the file system really refuses a data file name built from a 250-character table name', () => {
  const d = tmp();
  try {
    assert.throws(() => writeFileSync(join(d, `shop.${LONG}.000000000.csv`), ''), /ENAMETOOLONG/);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

for (const order of ['long first', 'long in the middle']) {
  test(`a 250-character table name (${order}): that table is an error in metadata, the others are dumped, exit 3`, () => {
    const out = tmp();
    try {
      const src = new FakeSource(new Map([[10, [{ handle: 1, value: 'a|' }]], [11, [{ handle: 2, value: 'b|' }]], [12, [{ handle: 3, value: 'c|' }]]]));
      const db = fakeDb('shop');
      const long = { db, table: fakeTable(LONG, 11) };
      const targets = order === 'long first' ? [long, { db, table: fakeTable('a', 10) }, { db, table: fakeTable('c', 12) }] : [{ db, table: fakeTable('a', 10) }, long, { db, table: fakeTable('c', 12) }];
      const r = dumpTables(targets, src, {
        outDir: out,
        csv: defaultCsvOptions(),
        fileSize: 0,
        meta: { readTs: undefined, sourceDirs: ['/data/tikv1'], timeZone: 'UTC', toolVersion: '0' },
      });
      assert.equal(r.exitCode, 3);
      assert.deepEqual(readdirSync(out).sort(), ['metadata', 'shop-schema-create.sql', 'shop.a-schema.sql', 'shop.a.000000000.csv', 'shop.c-schema.sql', 'shop.c.000000000.csv']);
      const bad = r.tables.find((t) => t.table === LONG)!;
      assert.equal(bad.errorKind, 'file-name');
      const meta = readFileSync(join(out, 'metadata'), 'utf8');
      assert.ok(meta.includes(`\tINCOMPLETE table: shop.${LONG}: not dumped: output file name too long for the file system`), meta);
      assert.match(meta, /Status: PARTIAL/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
}

test('CLI: a too-long table name -> exit 3, INCOMPLETE line, the other tables and metadata written', async () => {
  const cat = sampleCatalog();
  cat.tables.get(2)!.push(fakeTable(LONG, 20));
  cat.rows.set(20, [{ handle: 1, value: 'x|' }]);
  const data = fakeDataDir();
  const out = join(tmp(), 'o');
  try {
    const r = await run(['dump', '--data-dir', data, '--db', 'shop', '--out', out, '--log-level', 'silent'], { openSession: fakeOpen(cat) });
    assert.equal(r.code, 3, r.stderr);
    assert.ok(r.stderr.includes(`tikv-export: INCOMPLETE shop.${LONG}: not dumped: output file name too long`), r.stderr);
    const files = readdirSync(out);
    assert.ok(files.includes('metadata'));
    assert.ok(files.includes('shop.orders.000000000.csv'), files.join(' '));
  } finally {
    rmSync(data, { recursive: true, force: true });
    rmSync(join(out, '..'), { recursive: true, force: true });
  }
});
