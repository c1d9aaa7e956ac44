/**
 * Resume after a full disk (issue #5), on a real size-limited file system: a tmpfs mounted as
 * root. The dump into it stops with exit 2 and a message naming the full file system; after the
 * tmpfs is grown (remount, contents kept) the same command resumes and the output equals an
 * uninterrupted dump byte for byte. Skipped when not root or when mount is not permitted.
 *
 * Also with real RocksDB: an SST added to the source between runs (tools/fixture-writer
 * --append + flush) is refused; --restart then works.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ensureFixtureWriter } from '../support/fixture-writer.js';
import { assertSameDump } from '../support/same-dump.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(root, 'bin', 'tikv-export');
const FIXTURE = join(root, 'fixtures', 'tidb', 'chunks', 'data');
const env = { ...process.env, TIKV_EXPORT_FROM_SOURCE: '1' };
const tmp = mkdtempSync(join(tmpdir(), 'tikv-export-resume-live-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function dump(dataDir: string, out: string, extra: string[] = []): { code: number; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, 'dump', '--data-dir', dataDir, '--db', 'big', '--out', out, '--log-level', 'warn', '--chunk-bytes', '2000', ...extra], { env, encoding: 'utf8' });
  return { code: r.status ?? -1, stderr: r.stderr };
}

function canMount(dir: string): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

test('ENOSPC on a small tmpfs: exit 2 naming the full file system; after growing it, the rerun completes identically', (t) => {
  const base = join(tmp, 'base');
  assert.equal(dump(FIXTURE, base).code, 0);
  const mnt = join(tmp, 'mnt');
  mkdirSync(mnt);
  if (!canMount(mnt)) {
    t.skip('needs root and mount -t tmpfs');
    return;
  }
  try {
    const out = join(mnt, 'out');
    const r = dump(FIXTURE, out);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /no space left on device \(ENOSPC\)/);
    assert.match(r.stderr, new RegExp(`file system of ${mnt.replace(/[/.]/g, '\\$&')}[^:]*: \\d+ of \\d+ bytes free`));
    assert.match(r.stderr, /rerun the same command to resume/);
    assert.ok(existsSync(join(out, '.tikv-export-checkpoint')), 'checkpoint kept for the resume');
    execFileSync('mount', ['-o', 'remount,size=16m', mnt]);
    const again = dump(FIXTURE, out);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /resumed: \d+ of \d+ chunks/);
    assert.ok(!readdirSync(out).some((f) => f.includes('.tmp-')));
    assertSameDump(out, base);
  } finally {
    execFileSync('umount', [mnt]);
  }
});

test('an SST added to the source by RocksDB between runs is refused; --restart works', () => {
  const src = join(tmp, 'src');
  cpSync(FIXTURE, src, { recursive: true });
  const out = join(tmp, 'sst-added');
  assert.equal(dump(src, out, ['--keep-checkpoint']).code, 0);
  const before = readdirSync(join(src, 'db')).filter((f) => f.endsWith('.sst'));
  // a flushed write-CF entry outside any table: a new live SST, same rows
  const w = spawnSync(ensureFixtureWriter(), ['--append', join(src, 'db')], { input: 'open default,lock,write,raft\nput write 7a7a7a 50\nflush write\nclose\n', encoding: 'utf8' });
  assert.equal(w.status, 0, w.stderr);
  rmSync(join(src, 'db', 'LOG'), { force: true });
  const added = readdirSync(join(src, 'db')).filter((f) => f.endsWith('.sst') && !before.includes(f));
  assert.ok(added.length > 0, 'RocksDB wrote a new SST');
  const r = dump(src, out);
  assert.equal(r.code, 1);
  const flushed = added.sort().at(-1)!; // the `flush write` output (reopening also flushed the WAL)
  assert.match(r.stderr, new RegExp(`source files \\(SST/WAL names and sizes\\) differ: added or changed: [^;]*write/${flushed.replace('.', '\\.')}:\\d+`));
  assert.match(r.stderr, /--restart/);
  const again = dump(src, out, ['--restart']);
  assert.equal(again.code, 0, again.stderr);
});
