// Log records on a terminal are one readable line each; pipes and files keep pino's JSON lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { humanLogLine } from '../../src/cli/log-text.js';
import { main } from '../../src/cli/main.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const sample = join(root, 'fixtures', 'sample', 'node1');

test('humanLogLine: level name, message, extras as key=value, quoting only when needed', () => {
  assert.equal(
    humanLogLine('{"level":40,"time":1795243220852,"table":"shop.customers","locks":1,"msg":"1 pending lock(s)"}\n'),
    'tikv-export: warn: 1 pending lock(s) (table=shop.customers, locks=1)\n',
  );
  assert.equal(humanLogLine('{"level":30,"time":1,"msg":"dumping","out":"a b"}'), 'tikv-export: info: dumping (out="a b")\n');
  assert.equal(humanLogLine('{"level":50,"msg":"x","first":[{"k":1}]}\n'), 'tikv-export: error: x (first=[{"k":1}])\n');
  assert.equal(humanLogLine('not json'), 'not json\n');
});

async function stderrOf(isTTY: boolean): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'tikv-export-logtext-'));
  try {
    let err = '';
    const code = await main(['dump', '--data-dir', sample, '--db', 'shop', '--out', join(out, 'o'), '--threads', '1'], {
      stdout: { write: () => true },
      stderr: { write: (s: string) => (err += s), isTTY },
      procLocksPath: '/nonexistent-proc-locks',
    });
    assert.equal(code, 0, err);
    return err;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

test('dump on a terminal: the pending-lock warning is a readable line; in a pipe it is JSON', async () => {
  const tty = await stderrOf(true);
  assert.match(tty, /tikv-export: warn: 1 pending lock\(s\) in shop\.customers/);
  const pipe = await stderrOf(false);
  assert.match(pipe, /\{"level":40,.*"msg":"1 pending lock\(s\) in shop\.customers/);
});
