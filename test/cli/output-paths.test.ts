// --log-file and --out must never land in a data directory; an --out that cannot be created is
// one line and exit 1 (never a hang). Ground truth: the bytes of a fixture copy before and after.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './support.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const sample = join(root, 'fixtures/sample/node1');

function snapshot(dir: string): string {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else out.push(`${p} ${st.size} ${st.mtimeMs} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`);
    }
  };
  walk(dir);
  return out.join('\n');
}

test('--log-file inside the data dir (a db/ file, a new file in db/, a new subdir, the data dir itself): exit 1, one line, nothing written', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'tikv-export-logfile-'));
  try {
    const copy = join(tmp, 'node1');
    cpSync(sample, copy, { recursive: true });
    const before = snapshot(copy);
    for (const [dataDir, logFile] of [
      [copy, join(copy, 'db', 'CURRENT')],
      [copy, join(copy, 'db', 'x.log')],
      [join(copy, 'db'), join(copy, 'db', 'x.log')],
      [join(copy, 'db'), join(copy, 'x.log')], // --data-dir names db/, the log would go into the TiKV data dir
      [copy, join(copy, 'newdir', 'x.log')],
      [copy, copy],
    ] as const) {
      for (const cmd of [['dbs'], ['tables', '--db', 'shop'], ['raw-scan', '--cf', 'write', '--limit', '1']]) {
        const r = await run([...cmd, '--data-dir', dataDir, '--log-level', 'info', '--log-file', logFile], { procLocksPath: '/proc/locks' });
        assert.equal(r.code, 1, `${cmd[0]} ${logFile}: ${r.stderr}`);
        assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
        assert.match(r.stderr, /^tikv-export: error: --log-file .* is inside the data directory /);
        assert.equal(r.stdout, '');
      }
    }
    assert.equal(snapshot(copy), before);
    assert.ok(!existsSync(join(copy, 'newdir')));
    // a log file next to the data dir is fine
    const ok = await run(['dbs', '--data-dir', copy, '--log-file', join(tmp, 'run.log')], { procLocksPath: '/proc/locks' });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(snapshot(copy), before);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('--out under /proc: exit 1 with one line (recursive mkdir used to spin forever there)', { skip: !existsSync('/proc/self') }, async () => {
  const r = await run(['dump', '--data-dir', sample, '--db', 'shop', '--out', '/proc/tikv-export-test/out', '--log-level', 'silent'], { procLocksPath: '/proc/locks' });
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'tikv-export: error: cannot create --out /proc/tikv-export-test/out: /proc/tikv-export-test: ENOENT (the parent directory does not accept new entries)\n');
});
