/**
 * Test-support helpers around tools/fixture-writer (C++ linked with Debian's librocksdb 7.8.3)
 * and Debian's `ldb`. These need the machine's RocksDB tools; the normal unit suite must not
 * call them — use them from generators and from test/live/.
 *
 *   writeFixture(dbDir, ops)  runs an op script (format: tools/fixture-writer/README.md)
 *   ldbScan(dbDir, cf)        ground truth: `ldb scan --hex` of one CF, run on a COPY of dbDir
 */
import { cpSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseLdbScanHex, type LdbEntry } from './ldb-output.js';

export const repoRoot: string = fileURLToPath(new URL('../../', import.meta.url));
export const fixtureWriterDir: string = join(repoRoot, 'tools', 'fixture-writer');
export const fixtureWriterBinary: string = join(fixtureWriterDir, 'build', 'fixture-writer');

/** Builds the writer when the binary is missing or older than its source. Returns its path. */
export function ensureFixtureWriter(opts: { force?: boolean } = {}): string {
  const src = join(fixtureWriterDir, 'fixture-writer.cc');
  const stale =
    opts.force === true ||
    !existsSync(fixtureWriterBinary) ||
    statSync(fixtureWriterBinary).mtimeMs < statSync(src).mtimeMs;
  if (stale) {
    const r = spawnSync(join(fixtureWriterDir, 'build.sh'), [], { encoding: 'utf8' });
    if (r.status !== 0) {
      throw new Error(`tools/fixture-writer/build.sh failed (status ${String(r.status)}): ${r.stderr}${r.stdout}`);
    }
  }
  return fixtureWriterBinary;
}

/**
 * Creates the RocksDB at dbDir (must not already hold a DB) by executing the op script `ops`
 * (the script text, not a path). Throws with the writer's message on any error.
 */
export function writeFixture(dbDir: string, ops: string): void {
  const bin = ensureFixtureWriter();
  const r = spawnSync(bin, [dbDir], { input: ops, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    throw new Error(`fixture-writer ${dbDir} failed (status ${String(r.status)}): ${r.stderr}${r.stdout}`);
  }
}

/** Raw `ldb --db=<copy> --column_family=<cf> scan --hex` output; dbDir itself is never opened. */
export function ldbScanText(dbDir: string, cf: string): string {
  const tmp = mkdtempSync(join(tmpdir(), 'ldb-scan-'));
  try {
    const copy = join(tmp, 'db');
    cpSync(dbDir, copy, { recursive: true });
    const r = spawnSync('ldb', [`--db=${copy}`, `--column_family=${cf}`, 'scan', '--hex'], {
      encoding: 'utf8',
      maxBuffer: 256 << 20,
    });
    if (r.error !== undefined) throw new Error(`cannot run ldb: ${r.error.message}`);
    if (r.status !== 0) {
      throw new Error(`ldb scan of ${dbDir} cf ${cf} failed (status ${String(r.status)}): ${r.stdout.slice(0, 500)}${r.stderr}`);
    }
    return r.stdout;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Parsed `ldb scan --hex` of one CF of dbDir (run on a copy): the visible entries, in key order. */
export function ldbScan(dbDir: string, cf: string): LdbEntry[] {
  return parseLdbScanHex(ldbScanText(dbDir, cf));
}
