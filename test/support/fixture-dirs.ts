// The committed TiKV data directories written by real RocksDB / a real TiKV (fixtures/tidb/*,
// the bundled sample's node 1), for tests that run over every fixture row.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openSession } from '../../src/export/session.js';
import type { Session } from '../../src/export/session-types.js';

/** db directories (relative to the repository root, the tests' working directory). */
export function fixtureDbDirs(): string[] {
  return [...readdirSync('fixtures/tidb').map((n) => join('fixtures/tidb', n, 'data', 'db')), 'fixtures/sample/node1/db'].filter((d) => existsSync(d));
}

/**
 * A suite with one test per fixture db directory, each given a session opened on it (closed
 * after), and a first test that the fixtures are there.
 */
export function describeEveryFixture(title: string, body: (s: Session, dir: string) => void): void {
  describe(title, () => {
    const dirs = fixtureDbDirs();
    it('finds the fixtures', () => assert.ok(dirs.length >= 4, dirs.join(' ')));
    for (const dir of dirs) {
      it(dir, () => {
        const s = openSession(dir, {});
        try {
          body(s, dir);
        } finally {
          s.close();
        }
      });
    }
  });
}
