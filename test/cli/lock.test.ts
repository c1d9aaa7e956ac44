// "TiKV still running" detection: a real POSIX lock (fcntl, like RocksDB's LOCK) taken by a
// child process must be found through /proc/locks; a captured /proc/locks text is parsed by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertNotRunning, findLockHolder } from '../../src/cli/data-dir.js';
import { UserError } from '../../src/errors.js';
import { fakeDataDir, fakeOpen, run, sampleCatalog } from './support.js';

test('findLockHolder parses /proc/locks lines (device hex major:minor, decimal inode)', () => {
  const text = [
    '1: POSIX  ADVISORY  WRITE 15979 fe:00:2147983 0 EOF',
    '2: FLOCK  ADVISORY  WRITE 222 08:01:77 0 EOF',
    '3: -> POSIX  ADVISORY  WRITE 333 08:01:77 0 EOF',
    '',
  ].join('\n');
  assert.deepEqual(findLockHolder(text, 0xfe00, 2147983), { pid: 15979, kind: 'POSIX' });
  assert.deepEqual(findLockHolder(text, 0x0801, 77), { pid: 222, kind: 'FLOCK' });
  assert.equal(findLockHolder(text, 0x0801, 78), undefined);
  assert.equal(findLockHolder(text, 0x0802, 77), undefined);
});

test('a held LOCK (fcntl by another process) is refused with exit 1; LOCK is never modified', { skip: !existsSync('/proc/locks') }, async () => {
  const d = fakeDataDir();
  const lock = join(d, 'db', 'LOCK');
  writeFileSync(lock, '');
  const before = statSync(lock);
  const py = spawn('python3', ['-c', `import fcntl,sys,time\nf=open(${JSON.stringify(lock)},'r+')\nfcntl.lockf(f,fcntl.LOCK_EX)\nprint('locked',flush=True)\ntime.sleep(30)`], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((resolve, reject) => {
      py.stdout.on('data', (b: Buffer) => (b.toString().includes('locked') ? resolve() : undefined));
      py.on('exit', (c) => reject(new Error(`python exited ${c}`)));
    });
    assert.throws(() => assertNotRunning(join(d, 'db')), (e: unknown) => e instanceof UserError && e.message.includes(`locked by process ${py.pid}`));
    const r = await run(['dbs', '-d', d], { openSession: fakeOpen(sampleCatalog()), procLocksPath: '/proc/locks' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^tikv-export: error: TiKV is still running: .*LOCK is locked by process \d+ \(POSIX\)/);
  } finally {
    const exited = new Promise((r) => py.once('exit', r));
    py.kill();
    await exited;
  }
  const after = statSync(lock);
  assert.equal(after.mtimeMs, before.mtimeMs);
  assert.equal(readFileSync(lock).length, 0);
  // once the holder is gone the same dir is accepted
  assertNotRunning(join(d, 'db'));
  rmSync(d, { recursive: true });
});
