// Failure paths on real fixture copies: corruption -> exit 2 naming the file; unusable OUTDIR
// -> exit 1; nothing half-written is left looking finished.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './support.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const sample = join(root, 'fixtures/sample/node1');

test('a corrupted SST block: exit 2, one line naming the file, no metadata written', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'tikv-export-corrupt-'));
  try {
    cpSync(join(sample, 'db'), join(tmp, 'node', 'db'), { recursive: true });
    const db = join(tmp, 'node', 'db');
    const ssts = readdirSync(db).filter((n) => n.endsWith('.sst'));
    for (const n of ssts) {
      const p = join(db, n);
      const b = readFileSync(p);
      b[10] = b[10]! ^ 0xff; // inside the first data block: its checksum no longer matches
      writeFileSync(p, b);
    }
    const out = join(tmp, 'out');
    const r = await run(['dump', '--data-dir', join(tmp, 'node'), '--all', '--out', out, '--log-level', 'silent'], { procLocksPath: '/proc/locks' });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^tikv-export: data error: corruption: .*file .*\/node\/db\/\d{6}\.sst/);
    let files: string[] = [];
    try {
      files = readdirSync(out);
    } catch {
      // out not created: the failure came before any output, also fine
    }
    assert.ok(!files.includes('metadata'), 'no metadata: the dump is not marked finished');
    assert.ok(!files.some((n) => n.includes('.tmp-')), 'no temporary files left');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('an OUTDIR that cannot be created: exit 1, one line naming it', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'tikv-export-out-'));
  try {
    writeFileSync(join(tmp, 'file'), '');
    const out = join(tmp, 'file', 'sub');
    const r = await run(['dump', '--data-dir', sample, '--db', 'shop', '--out', out, '--log-level', 'silent'], { procLocksPath: '/proc/locks' });
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`^tikv-export: error: cannot create --out ${out.replace(/[/.]/g, '\\$&')}: .*ENOTDIR`));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('--log-file receives the logs; stderr stays quiet on success', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'tikv-export-log-'));
  try {
    const log = join(tmp, 'run.log');
    const r = await run(['tables', '--data-dir', sample, '--db', 'shop', '--log-level', 'debug', '--log-file', log], { procLocksPath: '/proc/locks' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { level: number; msg: string });
    assert.ok(lines.some((l) => l.level === 20 && l.msg === 'opening'), 'debug line present');
    assert.match(r.stdout, /\n92\tcustomers\ttable\t-\tyes\t-\n/);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
