// A table whose TableInfo JSON does not decode is not silent: a per-table UNREADABLE SCHEMA entry
// (metadata, summary, --json), exit 3, and its raw record entries saved as hex. The broken
// TableInfo is written into a copy of a fixture by real RocksDB (`ldb put --hex`); the raw
// entries expected in the rejects file are what `ldb scan --hex` lists for the table's range.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './support.js';
import { encodeWrite, mvccKey, dataKey } from '../support/tidb-builder/mvcc.js';
import { metaHashKey, tablePrefix } from '../support/tidb-builder/tidb-keys.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const types = join(root, 'fixtures/tidb/types/data');
const hasLdb = ['/usr/bin/ldb', '/usr/local/bin/ldb'].some((p) => existsSync(p));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function ldbScan(db: string, cf: string, from: Uint8Array, to: Uint8Array): string[] {
  const out = execFileSync('ldb', [`--db=${db}`, `--column_family=${cf}`, 'scan', '--hex', `--from=0x${hex(from)}`, `--to=0x${hex(to)}`], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.startsWith('0x'));
}

test('a broken TableInfo (types.ints, id 300): UNREADABLE SCHEMA, exit 3, raw records = ldb scan of its record range', { skip: !hasLdb }, async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'tikv-export-schema-'));
  try {
    const copy = join(tmp, 'types');
    cpSync(types, copy, { recursive: true });
    const db = join(copy, 'db');
    // a newer committed version of DB:1/Table:300 whose "cols" is not an array (short value in the write CF)
    const json = Buffer.from('{"id":300,"name":{"O":"ints","L":"ints"},"state":5,"cols":"oops"}');
    const startTs = 2n ** 62n;
    const key = mvccKey(metaHashKey('DB:1', 'Table:300'), startTs + 1n);
    const value = encodeWrite({ type: 'Put', startTs, shortValue: json });
    execFileSync('ldb', [`--db=${db}`, '--column_family=write', 'put', '--hex', `0x${hex(key)}`, `0x${hex(value)}`]);
    // the record range of table 300 as stored ('z' + memcomparable(t{300}_r) ...): ground truth by ldb
    const lo = dataKey(new Uint8Array([...tablePrefix(300), 0x5f, 0x72]));
    const hi = dataKey(new Uint8Array([...tablePrefix(300), 0x5f, 0x73]));
    const expected = [...ldbScan(db, 'write', lo, hi).map((l) => ['write', l] as const), ...ldbScan(db, 'default', lo, hi).map((l) => ['default', l] as const)];
    assert.ok(expected.length >= 5, `ldb lists the rows of ints: ${expected.length}`);

    const out = join(tmp, 'out');
    const r = await run(['dump', '--data-dir', copy, '--db', 'types', '--out', out, '--log-level', 'error']);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /^types\.#300 .* INCOMPLETE$/m);
    assert.match(r.stderr, /tikv-export: INCOMPLETE types\.#300: UNREADABLE SCHEMA: TableInfo DB:1\/Table:300: cols/);
    const meta = readFileSync(join(out, 'metadata'), 'utf8');
    assert.match(meta, /\tINCOMPLETE table: types\.#300: UNREADABLE SCHEMA: TableInfo DB:1\/Table:300: .*types\.#300\.rejects\.jsonl\n/);
    assert.match(meta, /\tStatus: PARTIAL/);
    assert.ok(!existsSync(join(out, 'types.ints.000000000.csv')));
    assert.ok(existsSync(join(out, 'types.floats.000000000.csv')), 'other tables are dumped');
    const lines = readFileSync(join(out, 'types.#300.rejects.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { cf: string; key: string; value: string });
    assert.deepEqual(
      lines.map((l) => [l.cf, `0x${l.key.toUpperCase()} : 0x${l.value.toUpperCase()}`]),
      expected.map(([cf, l]) => [cf, l]),
    );
    const j = await run(['dump', '--data-dir', copy, '--db', 'types', '--out', join(tmp, 'j'), '--log-level', 'silent', '--json']);
    assert.equal(j.code, 3);
    const parsed = JSON.parse(j.stdout) as { exitCode: number; tables: { db: string; table: string; error?: string }[] };
    assert.equal(parsed.exitCode, 3);
    assert.ok(parsed.tables.some((t) => t.table === '#300' && t.error?.startsWith('UNREADABLE SCHEMA')));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
