// out-paths.ts: --out/--log-file placement checks and level-by-level mkdir.
// Ground truth: the kernel's own answers (mkdir under /proc fails, a file is not a directory).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../src/errors.js';
import { assertOutsideSources, makeDirs } from '../../src/export/out-paths.js';
import { prepareOutDir } from '../../src/export/dump.js';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'tikv-export-outpaths-'));
}

test('prepareOutDir under /proc fails with one UserError instead of spinning (recursive mkdir loops there)', { skip: !existsSync('/proc/self') }, () => {
  assert.throws(() => prepareOutDir('/proc/tikv-export-test/x', [], realpathSync), (e: unknown) => {
    assert.ok(e instanceof UserError);
    assert.match(e.message, /^cannot create --out \/proc\/tikv-export-test\/x: \/proc\/tikv-export-test: ENOENT/);
    assert.ok(!e.message.includes('\n'));
    return true;
  });
});

test('makeDirs: creates several missing levels; a file in the path is ENOTDIR', () => {
  const d = tmp();
  try {
    makeDirs('--out', join(d, 'a', 'b', 'c'));
    assert.ok(statSync(join(d, 'a', 'b', 'c')).isDirectory());
    makeDirs('--out', join(d, 'a', 'b', 'c')); // existing: no error
    writeFileSync(join(d, 'f'), 'x');
    assert.throws(() => makeDirs('--out', join(d, 'f', 'sub')), /cannot create --out .*\/f\/sub: .*\/f: ENOTDIR/);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

test('makeDirs: a read-only parent is EACCES (skipped as root)', { skip: process.getuid?.() === 0 }, () => {
  const d = tmp();
  try {
    mkdirSync(join(d, 'ro'), { mode: 0o555 });
    assert.throws(() => makeDirs('--out', join(d, 'ro', 'x', 'y')), /ro\/x: EACCES \(permission denied\)/);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

test('assertOutsideSources: the dir itself, a file in it, a missing path below it, and via a symlink are refused', () => {
  const d = tmp();
  try {
    const data = join(d, 'data');
    mkdirSync(join(data, 'db'), { recursive: true });
    writeFileSync(join(data, 'db', 'CURRENT'), 'MANIFEST-000001\n');
    symlinkSync(data, join(d, 'link'));
    for (const p of [data, join(data, 'db', 'CURRENT'), join(data, 'db', 'new.log'), join(data, 'x', 'y.log'), join(d, 'link', 'db', 'z.log')]) {
      assert.throws(() => assertOutsideSources('--log-file', p, [data, join(data, 'db')], realpathSync), /--log-file .* is inside the data directory/, p);
    }
    assertOutsideSources('--log-file', join(d, 'data2.log'), [data], realpathSync);
    assertOutsideSources('--log-file', join(d, 'elsewhere', 'x.log'), [data], realpathSync);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});
