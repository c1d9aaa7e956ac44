/**
 * Live (needs tools/fixture-writer + Debian's ldb): regenerates every TiDB scenario into a temp
 * dir with the real RocksDB writer and checks that fresh `ldb scan --hex` output of every CF equals
 * the committed fixtures/.../expected/<cf>.scan.txt, and that ops.txt / expected.json are
 * byte-identical (logical reproducibility; SST bytes themselves carry session ids and times).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ldbScanText, repoRoot } from '../support/fixture-writer.js';
import { allScenarios } from '../support/tidb-builder/scenarios/index.js';
import { CFS, generate } from '../../scripts/make-tidb-fixtures.js';

for (const target of allScenarios) {
  test(`regenerate ${target.fixtureDir}: ldb scans equal the committed ones`, () => {
    const tmp = mkdtempSync(join(tmpdir(), 'tidb-fixture-'));
    try {
      const fresh = join(tmp, 'fx');
      generate(target, fresh);
      const committed = join(repoRoot, target.fixtureDir);
      for (const f of ['ops.txt', 'expected.json']) {
        assert.equal(readFileSync(join(fresh, f), 'utf8'), readFileSync(join(committed, f), 'utf8'), `${target.fixtureDir}/${f}`);
      }
      for (const cf of CFS) {
        const a = readFileSync(join(fresh, 'expected', `${cf}.scan.txt`), 'utf8');
        const b = readFileSync(join(committed, 'expected', `${cf}.scan.txt`), 'utf8');
        assert.equal(a, b, `${target.fixtureDir} cf ${cf}`);
      }
      // The committed RocksDB directory itself still scans to the committed text
      // (ldbScanText copies the directory first, so the committed files are never touched).
      for (const cf of CFS) {
        const b = readFileSync(join(committed, 'expected', `${cf}.scan.txt`), 'utf8');
        assert.equal(ldbScanText(join(committed, target.dbSubdir), cf), b, `committed db ${target.fixtureDir} cf ${cf}`);
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
}
