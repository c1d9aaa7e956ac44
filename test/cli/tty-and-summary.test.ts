// stderr presentation of a dump: on a TTY no log line shares the progress bar's line; the
// per-table summary is printed at any --log-level except silent (it is the dump's report).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeProgress } from '../../src/cli/progress.js';
import { silentLog } from '../../src/export/source.js';
import { main } from '../../src/cli/main.js';
import { run } from './support.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const sample = join(root, 'fixtures/sample/node1');
const p = { tablesDone: 1, tablesTotal: 3, table: 'shop.orders', rows: 10, bytesOut: 100, bytesRead: undefined, bytesEstimate: undefined, elapsedMs: 1000 };

test('TTY: a log line written while the bar is shown clears the bar first and redraws it after', () => {
  let out = '';
  const tty = makeProgress({ write: (s: string) => (out += s), isTTY: true }, silentLog, false);
  tty.writeAbove('{"msg":"before"}\n');
  assert.equal(out, '{"msg":"before"}\n', 'no bar yet: written as is');
  out = '';
  tty.update(p);
  const bar = out;
  assert.match(bar, /^\rtables 1\/3 /);
  out = '';
  tty.writeAbove('{"msg":"a"}\n');
  assert.equal(out, `\r\x1b[K{"msg":"a"}\n${bar}`);
  out = '';
  tty.done();
  tty.writeAbove('{"msg":"after"}\n');
  assert.equal(out, '\r\x1b[K{"msg":"after"}\n');
});

test('dump on a fake TTY: every log line starts at column 0 (after a newline or a \\r\\x1b[K clear)', async () => {
  const out = mkdtempSync(join(tmpdir(), 'tikv-export-tty-'));
  try {
    let err = '';
    let stdout = '';
    const code = await main(['dump', '--data-dir', sample, '--all', '--out', join(out, 'o'), '--threads', '1'], {
      stdout: { write: (s: string | Uint8Array) => (stdout += String(s)) },
      stderr: { write: (s: string) => (err += s), isTTY: true },
      procLocksPath: '/nonexistent-proc-locks',
    });
    assert.equal(code, 0, err);
    assert.ok(err.includes('\rtables '), 'the bar was drawn');
    let logs = 0;
    assert.equal(err.includes('{"level"'), false, 'a terminal gets readable log lines, not JSON');
    for (let i = err.indexOf('tikv-export: '); i >= 0; i = err.indexOf('tikv-export: ', i + 1)) {
      logs++;
      const ok = i === 0 || err[i - 1] === '\n' || err.slice(i - 4, i) === '\r\x1b[K';
      assert.ok(ok, `log line at ${i} shares a line: ${JSON.stringify(err.slice(Math.max(0, i - 60), i + 20))}`);
    }
    assert.ok(logs >= 2, `log lines seen: ${logs}`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

for (const level of ['warn', 'error', 'info']) {
  test(`dump --log-level ${level}: the per-table summary is on stderr`, async () => {
    const out = mkdtempSync(join(tmpdir(), 'tikv-export-sum-'));
    try {
      const r = await run(['dump', '--data-dir', sample, '--db', 'shop', '--out', join(out, 'o'), '--log-level', level]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /^table +rows +files +bytes +deleted +locks +missing +rejected +time$/m);
      assert.match(r.stderr, /^shop\.customers +\d+ /m);
      assert.match(r.stderr, /^shop\.orders +\d+ /m);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
}

test('dump --log-level silent on success: nothing on stderr; --json: summary only as JSON on stdout', async () => {
  const out = mkdtempSync(join(tmpdir(), 'tikv-export-sum-'));
  try {
    const r = await run(['dump', '--data-dir', sample, '--db', 'shop', '--out', join(out, 'o'), '--log-level', 'silent']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const j = await run(['dump', '--data-dir', sample, '--db', 'shop', '--out', join(out, 'j'), '--log-level', 'warn', '--json']);
    assert.equal(j.code, 0, j.stderr);
    assert.doesNotMatch(j.stderr, /^table +rows/m);
    assert.ok((JSON.parse(j.stdout) as { tables: unknown[] }).tables.length >= 2);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('dump that fails mid-way on a fake TTY: the one-line error starts at column 0', async () => {
  const { fakeDataDir, fakeOpen, sampleCatalog } = await import('./support.js');
  const d = fakeDataDir();
  const out = mkdtempSync(join(tmpdir(), 'tikv-export-tty-'));
  try {
    let err = '';
    const open = (dir: string, o: Parameters<ReturnType<typeof fakeOpen>>[1]) => {
      const s = fakeOpen(sampleCatalog())(dir, o);
      const src = s.dumpSource('UTC');
      const base = src.tableSchemaFile.bind(src);
      let n = 0;
      src.tableSchemaFile = (t, db) => {
        if (++n === 2) throw new TypeError('boom');
        return base(t, db);
      };
      s.dumpSource = () => src;
      return s;
    };
    const code = await main(['dump', '--data-dir', d, '--all', '--out', join(out, 'o'), '--threads', '1'], {
      stdout: { write: () => true },
      stderr: { write: (s: string) => (err += s), isTTY: true },
      procLocksPath: '/nonexistent-proc-locks',
      openSession: open,
    });
    assert.equal(code, 2, err);
    const i = err.indexOf('tikv-export: internal error: boom');
    assert.ok(i >= 0, err);
    assert.ok(i === 0 || err[i - 1] === '\n' || err.slice(i - 4, i) === '\r\x1b[K', JSON.stringify(err.slice(Math.max(0, i - 80), i + 10)));
  } finally {
    rmSync(d, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
});
