// Committed Puts whose value is missing are reported with their keys, not only counted:
// log (first keys), metadata "Missing value:" lines, --json missingSamples, and rejects.jsonl lines
// with "value": null. Ground truth: the hand-written missingValues of fixtures/tidb/mvcc/expected.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './support.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = join(root, 'fixtures/tidb/mvcc');
const data = join(fixture, 'data');

interface Expected {
  missingValues: { keyHex: string; startTs: string; commitTs: string; table: string }[];
  databases: { name: string }[];
}
const expected = JSON.parse(readFileSync(join(fixture, 'expected.json'), 'utf8')) as Expected;

for (const threads of ['1', '2']) {
  test(`mvcc fixture (--threads ${threads}): every expected missing value is in rejects.jsonl, metadata and --json; exit 3`, async () => {
    assert.ok(expected.missingValues.length > 0);
    const db = expected.databases[0]!.name;
    const tmp = mkdtempSync(join(tmpdir(), 'tikv-export-missing-'));
    try {
      const out = join(tmp, 'o');
      const r = await run(['dump', '--data-dir', data, '--db', db, '--out', out, '--threads', threads, '--chunk-bytes', '1', '--log-level', 'error']);
      assert.equal(r.code, 3, r.stderr);
      const meta = readFileSync(join(out, 'metadata'), 'utf8');
      const tables = new Set(expected.missingValues.map((m) => m.table));
      for (const t of tables) {
        const want = expected.missingValues.filter((m) => m.table === t);
        const lines = readFileSync(join(out, `${db}.${t}.rejects.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
        const nulls = lines.filter((l) => l.value === null);
        assert.deepEqual(
          nulls.map((l) => ({ key: l.key, value: l.value, commit_ts: l.commit_ts, start_ts: l.start_ts, error: l.error })),
          want.map((m) => ({ key: m.keyHex, value: null, commit_ts: m.commitTs, start_ts: m.startTs, error: 'value missing from the default CF' })),
        );
        for (const m of want) assert.ok(meta.includes(`\tMissing value: ${db}.${t} key ${m.keyHex} start_ts ${m.startTs} commit_ts ${m.commitTs}\n`), meta);
        // the log names the key
        assert.ok(r.stderr.includes(m0(want[0]!.keyHex)), r.stderr);
      }
      const j = await run(['dump', '--data-dir', data, '--db', db, '--out', join(tmp, 'j'), '--threads', threads, '--log-level', 'silent', '--json']);
      const parsed = JSON.parse(j.stdout) as { tables: { table: string; valuesMissing: number; missingSamples?: { key: string; startTs: string; commitTs: string }[] }[] };
      for (const t of tables) {
        const s = parsed.tables.find((x) => x.table === t)!;
        assert.equal(s.valuesMissing, expected.missingValues.filter((m) => m.table === t).length);
        assert.deepEqual(
          s.missingSamples?.map((m) => [m.key, m.startTs, m.commitTs]),
          expected.missingValues.filter((m) => m.table === t).map((m) => [m.keyHex, m.startTs, m.commitTs]),
        );
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
}

function m0(key: string): string {
  return `"key":"${key}"`;
}
