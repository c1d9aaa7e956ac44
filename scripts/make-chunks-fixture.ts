/**
 * Writes fixtures/tidb/chunks (test/support/tidb-builder/scenarios/chunks.ts) with real RocksDB
 * through tools/fixture-writer, like scripts/make-tidb-fixtures.ts, but with `block_size=256`
 * for the write and default CFs so the small tables span hundreds of data blocks (many chunks).
 *
 *   node --import tsx scripts/make-chunks-fixture.ts [--out DIR]
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ldbScanText, repoRoot, writeFixture } from '../test/support/fixture-writer.js';
import { buildScenario } from '../test/support/tidb-builder/scenario.js';
import { chunksScenario } from '../test/support/tidb-builder/scenarios/chunks.js';

const outIdx = process.argv.indexOf('--out');
const root = join(outIdx >= 0 ? process.argv[outIdx + 1]! : repoRoot, 'fixtures/tidb/chunks');
const built = buildScenario(chunksScenario);
const ops = built.ops.replace(/^open /m, 'cf_option write block_size=256\ncf_option default block_size=256\nopen ');
rmSync(root, { recursive: true, force: true });
const dbDir = join(root, 'data/db');
mkdirSync(join(dbDir, '..'), { recursive: true });
writeFileSync(join(root, 'ops.txt'), ops);
writeFixture(dbDir, ops);
rmSync(join(dbDir, 'LOG'), { force: true });
rmSync(join(dbDir, 'LOG.old'), { force: true });
writeFileSync(join(root, 'expected.json'), `${JSON.stringify({ ...built.expected, dataDir: 'data', dbDir: 'data/db' }, null, 2)}\n`);
mkdirSync(join(root, 'expected'), { recursive: true });
for (const cf of ['default', 'lock', 'write', 'raft']) writeFileSync(join(root, 'expected', `${cf}.scan.txt`), ldbScanText(dbDir, cf));
process.stdout.write(`wrote ${root}\n`);
