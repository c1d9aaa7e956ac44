/**
 * Live (needs Debian's ldb): one write-CF value that does not parse, written by real RocksDB
 * (`ldb put --hex`) into a copy of fixtures/tidb/mvcc under a well-formed key of t_uint
 * (handle 500, commit ts newer than any other). Expected (hand-derived from expected.json): every
 * other t_uint row is exported unchanged, that key is not (no older version either), one reject
 * names it, exit 3.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../support/fixture-writer.js';
import { run } from '../cli/support.js';

const BAD_KEY = '7a7480000000000000ff0c5f728000000000ff0001f40000000000faf9d0c06752bfff99';
const RAW_KEY = '74800000000000000c5f7280000000000001f4'; // t12_r500

test('one unparseable write-CF value: that key is a reject, the rest of the table is exported (exit 3)', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'tikv-export-cw-live-'));
  try {
    const fx = join(tmp, 'mvcc');
    cpSync(join(repoRoot, 'fixtures/tidb/mvcc'), fx, { recursive: true });
    const put = spawnSync('ldb', [`--db=${join(fx, 'data/db')}`, '--column_family=write', 'put', '--hex', `0x${BAD_KEY}`, '0x5101'], { encoding: 'utf8' });
    assert.equal(put.status, 0, put.stderr);
    const good = join(tmp, 'good');
    const bad = join(tmp, 'bad');
    const g = await run(['dump', '--data-dir', join(repoRoot, 'fixtures/tidb/mvcc/data'), '--db', 'mvcc', '--table', 't_uint', '--out', good, '--log-level', 'silent']);
    const r = await run(['dump', '--data-dir', join(fx, 'data'), '--db', 'mvcc', '--table', 't_uint', '--out', bad, '--log-level', 'silent']);
    assert.equal(r.code, 3, r.stderr);
    assert.ok(g.code === 0 || g.code === 3, g.stderr);
    const csv = (dir: string): string[] => {
      const f = readdirSync(dir).filter((n) => n.startsWith('mvcc.t_uint.') && n.endsWith('.csv'));
      return f.flatMap((n) => readFileSync(join(dir, n), 'latin1').split('\r\n').filter((l) => l !== ''));
    };
    assert.deepEqual(csv(bad), csv(good)); // handle 500 is not a row of the fixture: nothing else changes
    const rejects = readFileSync(join(bad, 'mvcc.t_uint.rejects.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(rejects.length, 1);
    assert.equal(rejects[0]!.key, RAW_KEY);
    assert.equal(rejects[0]!.value, '5101');
    assert.equal(rejects[0]!.write_key, BAD_KEY);
    assert.match(readFileSync(join(bad, 'metadata'), 'utf8'), /rejected: 1,/);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
