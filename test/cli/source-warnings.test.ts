// Degraded reads are recorded, not only logged: storage warnings go into metadata ("Warnings:")
// and --json; a MANIFEST fallback makes the dump exit 3 (obsolete SSTs may have been read), a
// torn WAL tail (normal after power loss) stays exit 0. Damage is made on fixture copies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './support.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const sample = join(root, 'fixtures/sample/node1');

interface DumpJson {
  exitCode: number;
  warnings: { code: string; message: string; file?: string }[];
  tables: { table: string; rows: number }[];
}

async function damaged(damage: (db: string) => void, body: (copy: string, out: string) => Promise<void>): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'tikv-export-warn-'));
  try {
    const copy = join(tmp, 'node1');
    cpSync(sample, copy, { recursive: true });
    damage(join(copy, 'db'));
    await body(copy, tmp);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

test('MANIFEST cut (fallback mode): exit 3, metadata lists the warning, status PARTIAL (degraded read), --json warnings', async () => {
  await damaged(
    (db) => truncateSync(join(db, 'MANIFEST-000005'), 1000),
    async (copy, tmp) => {
      const r = await run(['dump', '--data-dir', copy, '--db', 'shop', '--out', join(tmp, 'o'), '--log-level', 'error']);
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /storage was read in a degraded mode .*manifest-fallback/);
      const meta = readFileSync(join(tmp, 'o', 'metadata'), 'utf8');
      assert.match(meta, /\n\tWarnings:\n\t\t\[manifest-fallback\] MANIFEST not usable \(truncated: .*\n/);
      assert.match(meta, /\n\tStatus: PARTIAL \(every table was dumped, but the storage was read in a degraded mode: see Warnings\)\n/);
      const j = await run(['dump', '--data-dir', copy, '--db', 'shop', '--out', join(tmp, 'j'), '--log-level', 'silent', '--json']);
      assert.equal(j.code, 3);
      const parsed = JSON.parse(j.stdout) as DumpJson;
      assert.equal(parsed.exitCode, 3);
      assert.deepEqual(parsed.warnings.map((w) => w.code), ['manifest-fallback']);
    },
  );
});

test('WAL cut mid-record (torn tail): exit 0, the warning with its file is in metadata and --json', async () => {
  await damaged(
    (db) => truncateSync(join(db, '000025.log'), statSync(join(db, '000025.log')).size - 18),
    async (copy, tmp) => {
      const r = await run(['dump', '--data-dir', copy, '--db', 'shop', '--out', join(tmp, 'o'), '--log-level', 'silent', '--json']);
      assert.equal(r.code, 0, r.stderr);
      const parsed = JSON.parse(r.stdout) as DumpJson;
      assert.equal(parsed.warnings.length, 1);
      assert.equal(parsed.warnings[0]!.code, 'wal-torn-tail');
      assert.equal(parsed.warnings[0]!.file, join(copy, 'db', '000025.log'));
      const meta = readFileSync(join(tmp, 'o', 'metadata'), 'utf8');
      assert.match(meta, /\n\tWarnings:\n\t\t\[wal-torn-tail\] WAL ends in an incomplete record at byte \d+ .*000025\.log\)\n\tStatus: complete, with warnings \(see Warnings\)\n/);
    },
  );
});

test('an undamaged copy: no Warnings list, "Status: complete", warnings [] in --json', async () => {
  await damaged(
    () => {},
    async (copy, tmp) => {
      const r = await run(['dump', '--data-dir', copy, '--db', 'shop', '--out', join(tmp, 'o'), '--log-level', 'silent', '--json']);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual((JSON.parse(r.stdout) as DumpJson).warnings, []);
      const meta = readFileSync(join(tmp, 'o', 'metadata'), 'utf8');
      assert.ok(!meta.includes('Warnings:'));
      assert.match(meta, /\n\tStatus: complete\n/);
    },
  );
});
