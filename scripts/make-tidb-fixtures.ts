/**
 * Regenerates the TiDB-shaped fixtures written by real RocksDB (Debian librocksdb 7.8.3 through
 * tools/fixture-writer):
 *   fixtures/sample/node1/{db/, ops.txt, expected.json, expected/<cf>.scan.txt}
 *   fixtures/tidb/<name>/{data/db/, ops.txt, expected.json, expected/<cf>.scan.txt}
 * Deterministic: same scenario -> same logical content (ldb scans); RocksDB file names/ids may
 * differ run to run only if the writer changes.
 *
 *   node --import tsx scripts/make-tidb-fixtures.ts [scenario-name...] [--out DIR] [--expected-only]
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ldbScanText, repoRoot, writeFixture } from '../test/support/fixture-writer.js';
import { allScenarios, type ScenarioTarget } from '../test/support/tidb-builder/scenarios/index.js';
import { buildScenario } from '../test/support/tidb-builder/scenario.js';

export const CFS = ['default', 'lock', 'write', 'raft'] as const;

/** Writes one scenario under `root` (the fixture directory, e.g. fixtures/tidb/mvcc). */
export function generate(target: ScenarioTarget, root: string): void {
  const { ops, expected } = buildScenario(target.scenario);
  rmSync(root, { recursive: true, force: true });
  const dbDir = join(root, target.dbSubdir);
  mkdirSync(join(dbDir, '..'), { recursive: true });
  writeFileSync(join(root, 'ops.txt'), ops);
  writeFixture(dbDir, ops);
  rmSync(join(dbDir, 'LOG'), { force: true });
  for (const f of ['LOG.old']) rmSync(join(dbDir, f), { force: true });
  writeFileSync(join(root, 'expected.json'), `${JSON.stringify({ ...expected, dataDir: target.dataDirHint, dbDir: target.dbSubdir }, null, 2)}\n`);
  mkdirSync(join(root, 'expected'), { recursive: true });
  for (const cf of CFS) writeFileSync(join(root, 'expected', `${cf}.scan.txt`), ldbScanText(dbDir, cf));
}

/**
 * Rewrites only expected.json, when the op script is unchanged (avoids churning SST bytes whose
 * logical content is identical). Throws when ops.txt would change: regenerate fully then.
 */
export function rewriteExpected(target: ScenarioTarget, root: string): void {
  const { ops, expected } = buildScenario(target.scenario);
  if (readFileSync(join(root, 'ops.txt'), 'utf8') !== ops) throw new Error(`${root}: ops.txt changed; regenerate the scenario fully`);
  writeFileSync(join(root, 'expected.json'), `${JSON.stringify({ ...expected, dataDir: target.dataDirHint, dbDir: target.dbSubdir }, null, 2)}\n`);
}

function main(argv: string[]): void {
  const expectedOnly = argv.includes('--expected-only');
  const outIdx = argv.indexOf('--out');
  const outRoot = outIdx >= 0 ? argv[outIdx + 1]! : repoRoot;
  const names = argv.filter((a, i) => !a.startsWith('--') && (outIdx < 0 || i !== outIdx + 1));
  for (const t of allScenarios) {
    if (names.length > 0 && !names.includes(t.scenario.name)) continue;
    const root = join(outRoot, t.fixtureDir);
    if (expectedOnly) rewriteExpected(t, root);
    else generate(t, root);
    process.stdout.write(`wrote ${root}\n`);
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1])) main(process.argv.slice(2));
