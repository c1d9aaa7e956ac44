/**
 * Opening and fully scanning a RocksDB directory must not change it in any way: not a byte, not
 * a size, not an mtime, not the directory listing or its mtime (no LOCK taken, no LOG, no
 * flush, no new MANIFEST/OPTIONS). The tests run as root, where permission bits do not stop
 * writes, so besides comparing before/after snapshots we also (1) record every fs.openSync
 * flag and every write-type fs call made during the open/scan and require none but reads,
 * and (2) when the platform allows, read through a read-only bind mount of the copy.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RocksDb } from '../../src/rocksdb/db.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixtures = ['fixtures/rocksdb/tikv-levels', 'fixtures/rocksdb-log/wal-fragmented', 'fixtures/rocksdb/wal-only']
  .map((f) => join(root, f))
  .filter((f) => fs.existsSync(join(f, 'db')));

interface Snap {
  dirMtime: number;
  listing: string[];
  files: Record<string, { size: number; mtime: number; sha256: string; mode: number }>;
}

function snapshot(dir: string): Snap {
  const files: Snap['files'] = {};
  const listing = fs.readdirSync(dir).sort();
  for (const name of listing) {
    const p = join(dir, name);
    const st = fs.statSync(p);
    files[name] = {
      size: st.size,
      mtime: st.mtimeMs,
      mode: st.mode,
      sha256: st.isFile() ? createHash('sha256').update(fs.readFileSync(p)).digest('hex') : 'dir',
    };
  }
  return { dirMtime: fs.statSync(dir).mtimeMs, listing, files };
}

/** Every column family scanned to the end, plus a get. */
function fullRead(dir: string, opts: { manifest?: 'auto' | 'require' } = {}): number {
  const db = RocksDb.open(dir, opts);
  let n = 0;
  try {
    for (const cf of db.columnFamilies()) {
      const c = db.cursor(cf.name);
      let last: Uint8Array | undefined;
      for (c.seekToFirst(); c.valid(); c.next()) {
        n++;
        last = c.userKey().slice();
      }
      if (last !== undefined) assert.ok(db.get(cf.name, last));
    }
    db.liveFiles();
    db.walFiles();
    db.manifestInfo();
  } finally {
    db.close();
  }
  return n;
}

type AnyFn = (...args: unknown[]) => unknown;
const WRITE_FNS = [
  'writeSync', 'writeFileSync', 'appendFileSync', 'mkdirSync', 'mkdtempSync', 'renameSync', 'unlinkSync', 'rmSync',
  'rmdirSync', 'truncateSync', 'ftruncateSync', 'copyFileSync', 'cpSync', 'symlinkSync', 'linkSync', 'chmodSync',
  'fchmodSync', 'chownSync', 'utimesSync', 'futimesSync', 'fsyncSync', 'fdatasyncSync', 'writevSync',
] as const;

/** Run `fn` with fs write calls recorded and openSync flags checked. */
function withFsSpy<T>(fn: () => T): { result: T; opens: string[]; writes: string[] } {
  const f = fs as unknown as Record<string, AnyFn>;
  const saved = new Map<string, AnyFn>();
  const opens: string[] = [];
  const writes: string[] = [];
  const origOpen = f['openSync']!;
  saved.set('openSync', origOpen);
  f['openSync'] = (...args: unknown[]) => {
    const flags = args[1];
    opens.push(String(flags));
    if (!(flags === undefined || flags === 'r' || flags === fs.constants.O_RDONLY)) writes.push(`openSync(${String(args[0])}, ${String(flags)})`);
    return origOpen.apply(fs, args);
  };
  for (const name of WRITE_FNS) {
    const orig = f[name];
    if (typeof orig !== 'function') continue;
    saved.set(name, orig);
    f[name] = (...args: unknown[]) => {
      writes.push(`${name}(${String(args[0])})`);
      return orig.apply(fs, args);
    };
  }
  syncBuiltinESMExports();
  try {
    return { result: fn(), opens, writes };
  } finally {
    for (const [name, orig] of saved) f[name] = orig;
    syncBuiltinESMExports();
  }
}

function tempCopy(src: string): string {
  const tmp = fs.mkdtempSync(join(tmpdir(), 'tikv-export-ro-'));
  fs.cpSync(join(src, 'db'), join(tmp, 'db'), { recursive: true, preserveTimestamps: true });
  return join(tmp, 'db');
}

test('fixtures for the read-only checks exist', () => {
  assert.ok(fixtures.length >= 2);
});

for (const fx of fixtures) {
  const name = fx.replace(root, '');
  test(`${name}: open + full scan changes nothing and only opens files for reading`, () => {
    const dir = tempCopy(fx);
    try {
      const before = snapshot(dir);
      const { result: n, opens, writes } = withFsSpy(() => fullRead(dir));
      assert.ok(n > 0, 'read some entries');
      assert.ok(opens.length > 0, 'spy saw the opens');
      assert.deepEqual(writes, []);
      assert.deepEqual(snapshot(dir), before);
    } finally {
      fs.rmSync(join(dir, '..'), { recursive: true, force: true });
    }
  });

  test(`${name}: same with the directory and files chmod'ed read-only, and in fallback mode`, () => {
    const dir = tempCopy(fx);
    try {
      // Properties fallback path: lists SSTs, reads their properties and OPTIONS.
      fs.unlinkSync(join(dir, 'CURRENT'));
      for (const f of fs.readdirSync(dir)) if (f.startsWith('MANIFEST-')) fs.unlinkSync(join(dir, f));
      for (const f of fs.readdirSync(dir)) fs.chmodSync(join(dir, f), 0o444);
      fs.chmodSync(dir, 0o555);
      const before = snapshot(dir);
      const { writes } = withFsSpy(() => fullRead(dir));
      assert.deepEqual(writes, []);
      assert.deepEqual(snapshot(dir), before);
    } finally {
      fs.chmodSync(dir, 0o755);
      fs.rmSync(join(dir, '..'), { recursive: true, force: true });
    }
  });
}

test('reading through a read-only bind mount works (when mount is permitted)', (t) => {
  const fx = fixtures[0]!;
  const dir = tempCopy(fx);
  const mnt = fs.mkdtempSync(join(tmpdir(), 'tikv-export-mnt-'));
  let mounted = false;
  try {
    try {
      execFileSync('mount', ['--bind', dir, mnt], { stdio: 'ignore' });
      mounted = true;
      execFileSync('mount', ['-o', 'remount,ro,bind', mnt], { stdio: 'ignore' });
    } catch {
      t.skip('bind mounts not permitted here');
      return;
    }
    assert.throws(() => fs.writeFileSync(join(mnt, 'probe'), 'x'), /EROFS/);
    const before = snapshot(dir);
    assert.ok(fullRead(mnt) > 0);
    assert.deepEqual(snapshot(dir), before);
  } finally {
    if (mounted) execFileSync('umount', [mnt], { stdio: 'ignore' });
    fs.rmSync(mnt, { recursive: true, force: true });
    fs.rmSync(join(dir, '..'), { recursive: true, force: true });
  }
});

test('the fs spy itself sees readFileSync opens and write-mode opens', () => {
  const tmp = fs.mkdtempSync(join(tmpdir(), 'tikv-export-spy-'));
  try {
    const p = join(tmp, 'f');
    fs.writeFileSync(p, 'x');
    const r = withFsSpy(() => fs.readFileSync(p, { flag: 'r' }));
    assert.equal(r.opens.length, 1);
    assert.deepEqual(r.writes, []);
    const w = withFsSpy(() => fs.closeSync(fs.openSync(p, 'a')));
    assert.equal(w.writes.length, 1);
    const w2 = withFsSpy(() => fs.writeFileSync(p, 'y'));
    assert.ok(w2.writes.length >= 1);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
