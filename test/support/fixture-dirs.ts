// The committed TiKV data directories written by real RocksDB / a real TiKV (fixtures/tidb/*,
// the bundled sample's node 1), for tests that run over every fixture row.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** db directories (relative to the repository root, the tests' working directory). */
export function fixtureDbDirs(): string[] {
  return [...readdirSync('fixtures/tidb').map((n) => join('fixtures/tidb', n, 'data', 'db')), 'fixtures/sample/node1/db'].filter((d) => existsSync(d));
}
