// The committed TiKV data directories written by real RocksDB / a real TiKV (fixtures/tidb/*,
// the bundled sample's node 1), for tests that run over every fixture row.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openSession } from '../../src/export/session.js';
import type { Session } from '../../src/export/session-types.js';
import type { DumpSource, TableDecoder } from '../../src/export/source.js';
import type { TableInfo } from '../../src/tidb/table-info.js';

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

/**
 * The session's tables whose schema `src` can decode, each with its decoder. A table the decoder
 * refuses is left out: the dump reports it, and it is no question for a scan.
 */
export function decodableTables(s: Session, src: DumpSource): { table: TableInfo; decoder: TableDecoder }[] {
  const out: { table: TableInfo; decoder: TableDecoder }[] = [];
  for (const db of s.databases()) {
    for (const table of s.tables(db.id)) {
      try {
        out.push({ table, decoder: src.decoder(table) });
      } catch {
        // refused: see above
      }
    }
  }
  return out;
}
