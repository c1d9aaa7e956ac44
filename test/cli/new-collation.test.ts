// --new-collation: auto reads mysql.tidb (the sample cluster's hand-written row says 'True'),
// on/off override it; metadata says which and why. A fixture without mysql.tidb is reported as
// unknown (treated as on), never guessed silently.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './support.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

async function metaOf(args: string[]): Promise<{ code: number; meta: string; stderr: string }> {
  const tmp = mkdtempSync(join(tmpdir(), 'tikv-export-coll-'));
  try {
    const out = join(tmp, 'out');
    const r = await run(['dump', ...args, '--out', out, '--log-level', 'warn']);
    return { code: r.code, meta: readFileSync(join(out, 'metadata'), 'utf8'), stderr: r.stderr };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const sample = join(root, 'fixtures', 'sample', 'node1');

test('auto: the sample cluster records new_collation_enabled = True', async () => {
  const r = await metaOf(['--data-dir', sample, '--db', 'shop']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.meta, /\tNew collation: on \(mysql\.tidb new_collation_enabled = True\)\n/);
});

test('--new-collation off overrides the detection (also with worker threads)', async () => {
  const r = await metaOf(['--data-dir', sample, '--db', 'shop', '--new-collation', 'off', '--threads', '2']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.meta, /\tNew collation: off \(set by --new-collation\)\n/);
});

test('no mysql.tidb: unknown, treated as on, with a warning naming the flag', async () => {
  const r = await metaOf(['--data-dir', join(root, 'fixtures', 'tidb', 'mvcc', 'data'), '--all']);
  assert.match(r.meta, /\tNew collation: unknown \(treated as on\) \(no mysql\.tidb table in the catalog\)\n/);
  assert.match(r.stderr, /new-collation-unknown|--new-collation off/);
});

test('--new-collation takes only auto, on or off', async () => {
  const r = await run(['dump', '--data-dir', sample, '--db', 'shop', '--out', join(tmpdir(), 'never-created-x'), '--new-collation', 'maybe']);
  assert.equal(r.code, 1);
});

test('an interrupted dump is not resumed with another --new-collation', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'tikv-export-coll-'));
  try {
    const out = join(tmp, 'out');
    const first = await run(['dump', '--data-dir', sample, '--db', 'shop', '--out', out, '--keep-checkpoint', '--log-level', 'silent']);
    assert.equal(first.code, 0, first.stderr);
    // --keep-checkpoint leaves the checkpoint as an interrupted run would; a rerun with another
    // setting must be refused, naming the option
    const again = await run(['dump', '--data-dir', sample, '--db', 'shop', '--out', out, '--new-collation', 'off', '--log-level', 'silent']);
    assert.equal(again.code, 1, again.stderr);
    assert.match(again.stderr, /new-collation/);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
