/**
 * Live check of the committed RocksDB-level fixtures (needs Debian's librocksdb-dev and
 * rocksdb-tools 7.8.3): for every fixtures/rocksdb/<case>/
 *   1. the fixture writer is rebuilt and ops.txt re-run into a temp dir; a fresh
 *      `ldb scan --hex` of every CF must equal the committed expected/<cf>.scan.txt (SST bytes
 *      differ between runs — DB ids, timestamps — the logical content must not);
 *   2. ldb on (a copy of) the committed db/ prints the committed expected files too;
 *   3. once src/rocksdb/db.ts exists, RocksDb.open(dir).cursor(cf) must yield exactly ldb's
 *      entries, in order, for both the committed and the regenerated directory, and opening
 *      must leave the directory untouched.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureFixtureWriter, ldbScanText, repoRoot, writeFixture } from '../support/fixture-writer.js';
import { formatLdbScanHex, parseLdbScanHex, type LdbEntry } from '../support/ldb-output.js';
import type { KvCursor } from '../../src/rocksdb/types.js';

const fixturesDir = join(repoRoot, 'fixtures', 'rocksdb');
const cases = readdirSync(fixturesDir).filter((c) => existsSync(join(fixturesDir, c, 'ops.txt'))).sort();

function expectedCfs(c: string): string[] {
  return readdirSync(join(fixturesDir, c, 'expected'))
    .filter((f) => f.endsWith('.scan.txt'))
    .map((f) => f.slice(0, -'.scan.txt'.length))
    .sort();
}

/** Name, size and mtime of every file: opening a DB read-only must not change any of them. */
function snapshot(dir: string): string {
  return readdirSync(dir)
    .sort()
    .map((n) => {
      const s = statSync(join(dir, n));
      return `${n} ${s.size} ${s.mtimeMs}`;
    })
    .join('\n');
}

interface ReaderDb {
  cursor(cf: string): KvCursor;
  close(): void;
}
interface ReaderModule {
  RocksDb: { open(dir: string): ReaderDb };
}

const readerPath = join(repoRoot, 'src', 'rocksdb', 'db.ts');

/** The engineers' reader, or null while src/rocksdb/db.ts does not exist yet. */
async function loadReader(): Promise<ReaderModule | null> {
  if (!existsSync(readerPath)) return null;
  // Once the file exists, any import error or missing export is a failure, not a skip.
  const mod = (await import(pathToFileURL(join(repoRoot, 'src', 'rocksdb', 'db.js')).href)) as Partial<ReaderModule>;
  assert.equal(typeof mod.RocksDb?.open, 'function', 'src/rocksdb/db.ts must export class RocksDb with static open()');
  return mod as ReaderModule;
}

function readerScan(reader: ReaderModule, dir: string, cf: string): LdbEntry[] {
  const before = snapshot(dir);
  const db = reader.RocksDb.open(dir);
  const out: LdbEntry[] = [];
  try {
    const cur = db.cursor(cf);
    for (cur.seekToFirst(); cur.valid(); cur.next()) {
      out.push({ key: cur.userKey().slice(), value: cur.value().slice() });
    }
  } finally {
    db.close();
  }
  assert.equal(snapshot(dir), before, `RocksDb.open changed files in ${dir}`);
  return out;
}

function assertSameEntries(got: LdbEntry[], want: LdbEntry[], what: string): void {
  const n = Math.min(got.length, want.length);
  for (let i = 0; i < n; i++) {
    if (Buffer.compare(got[i]!.key, want[i]!.key) !== 0 || Buffer.compare(got[i]!.value, want[i]!.value) !== 0) {
      assert.fail(`${what}: entry ${i} differs\n  reader: ${formatLdbScanHex([got[i]!]).slice(0, 300)}  ldb:    ${formatLdbScanHex([want[i]!]).slice(0, 300)}`);
    }
  }
  assert.equal(got.length, want.length, `${what}: reader has ${got.length} entries, ldb ${want.length}`);
}

test('fixture cases are present', () => {
  assert.ok(cases.length >= 7, `found ${cases.join(', ')}`);
});

test('fixture writer builds from source', () => {
  ensureFixtureWriter({ force: true });
});

const tmpRoot = mkdtempSync(join(tmpdir(), 'fixtures-regenerate-'));
after(() => rmSync(tmpRoot, { recursive: true, force: true }));

/** ops.txt re-run into a temp dir (once per case). */
const regenerated = new Map<string, string>();
function regenerate(c: string): string {
  let dir = regenerated.get(c);
  if (dir === undefined) {
    dir = join(tmpRoot, c, 'db');
    writeFixture(dir, readFileSync(join(fixturesDir, c, 'ops.txt'), 'utf8'));
    regenerated.set(c, dir);
  }
  return dir;
}

for (const c of cases) {
  const committed = join(fixturesDir, c, 'db');
  const cfs = expectedCfs(c);
  const expectedText = (cf: string): string => readFileSync(join(fixturesDir, c, 'expected', `${cf}.scan.txt`), 'utf8');

  test(`fixture ${c}: regenerated and committed DBs scan exactly as the committed ldb ground truth`, () => {
    assert.ok(cfs.includes('default'));
    const fresh = regenerate(c);
    for (const cf of cfs) {
      const expected = expectedText(cf);
      assert.equal(ldbScanText(fresh, cf), expected, `${c}/${cf}: regenerated DB`);
      const before = snapshot(committed);
      assert.equal(ldbScanText(committed, cf), expected, `${c}/${cf}: committed DB`);
      assert.equal(snapshot(committed), before, 'ldbScan must work on a copy');
    }
  });

  test(`fixture ${c}: RocksDb reader yields ldb's entries (committed and regenerated DB)`, async (t) => {
    const reader = await loadReader();
    if (reader === null) {
      t.skip('src/rocksdb/db.ts does not exist yet: reader comparison not run');
      return;
    }
    const fresh = regenerate(c);
    for (const cf of cfs) {
      const expected = parseLdbScanHex(expectedText(cf));
      assertSameEntries(readerScan(reader, committed, cf), expected, `${c}/${cf} committed`);
      assertSameEntries(readerScan(reader, fresh, cf), expected, `${c}/${cf} regenerated`);
    }
  });
}
