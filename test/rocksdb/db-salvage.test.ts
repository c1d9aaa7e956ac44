/**
 * RocksDb in salvage mode over the undamaged RocksDB-written fixtures (fixtures/rocksdb,
 * fixtures/rocksdb-log): every CF's merged view equals `ldb scan --hex` (expected/<cf>.scan.txt),
 * seeks included, and nothing is reported lost. Then a data block of an SST is damaged: the
 * view equals ldb's minus keys inside the reported lost ranges, and the loss is recorded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RocksDb } from '../../src/rocksdb/db.js';
import { SstReader } from '../../src/rocksdb/sst-reader.js';
import type { KvCursor } from '../../src/rocksdb/types.js';
import { parseLdbScanHex, type LdbEntry } from '../support/ldb-output.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
interface Case {
  name: string;
  dir: string;
  cfs: string[];
}
const cases: Case[] = [];
for (const base of ['fixtures/rocksdb', 'fixtures/rocksdb-log']) {
  const b = join(root, base);
  if (!existsSync(b)) continue;
  for (const c of readdirSync(b)) {
    const dir = join(b, c);
    if (!existsSync(join(dir, 'db')) || !existsSync(join(dir, 'expected'))) continue;
    const cfs = readdirSync(join(dir, 'expected')).filter((f) => f.endsWith('.scan.txt')).map((f) => f.slice(0, -'.scan.txt'.length));
    if (cfs.length > 0) cases.push({ name: `${base}/${c}`, dir, cfs });
  }
}
const expected = (c: Case, cf: string): LdbEntry[] => parseLdbScanHex(readFileSync(join(c.dir, 'expected', `${cf}.scan.txt`), 'utf8'));
const H = (b: Uint8Array): string => Buffer.from(b).toString('hex');
function drain(c: KvCursor): LdbEntry[] {
  const out: LdbEntry[] = [];
  for (c.seekToFirst(); c.valid(); c.next()) out.push({ key: c.userKey().slice(), value: c.value().slice() });
  return out;
}

for (const c of cases) {
  test(`salvage mode, undamaged ${c.name}: every CF equals ldb scan, seeks too, nothing lost`, () => {
    const db = RocksDb.open(join(c.dir, 'db'), { salvage: true });
    try {
      for (const cf of c.cfs) {
        if (!db.hasColumnFamily(cf)) continue;
        const want = expected(c, cf);
        const got = drain(db.cursor(cf));
        assert.deepEqual(got.map((e) => `${H(e.key)}=${H(e.value)}`), want.map((e) => `${H(e.key)}=${H(e.value)}`), `${c.name} ${cf}`);
        // seek to every 7th key lands on it
        for (let i = 0; i < want.length; i += 7) {
          const cur = db.cursor(cf);
          cur.seek(want[i]!.key);
          assert.ok(cur.valid());
          assert.equal(H(cur.userKey()), H(want[i]!.key));
        }
      }
      assert.deepEqual(db.losses(), []);
    } finally {
      db.close();
    }
  });
}

test('salvage mode, a damaged data block in tikv-levels: ldb view minus the reported lost range', () => {
  const c = cases.find((x) => x.name.endsWith('/tikv-levels'));
  assert.ok(c);
  const tmp = mkdtempSync(join(tmpdir(), 'db-salvage-'));
  try {
    cpSync(join(c.dir, 'db'), join(tmp, 'db'), { recursive: true });
    const probe = RocksDb.open(join(tmp, 'db'));
    // the largest SST of the first CF with an SST of several blocks
    const files = probe.liveFiles().filter((f) => c.cfs.includes(f.cf)).sort((a, b) => b.size - a.size);
    probe.close();
    const f = files[0]!;
    const r = SstReader.open(f.path);
    const hs = r.dataBlockHandles();
    r.close();
    assert.ok(hs.length >= 2, `${f.path} has ${hs.length} blocks`);
    const victim = hs[Math.floor(hs.length / 2)]!;
    const b = readFileSync(f.path);
    b[victim.offset + 1]! ^= 0x80;
    writeFileSync(f.path, b);
    const db = RocksDb.open(join(tmp, 'db'), { salvage: true });
    try {
      const losses = db.salvageLosses(f.cf);
      assert.equal(losses.length, 1);
      const lr = losses[0]!.ranges;
      assert.equal(lr.length, 1);
      assert.equal(lr[0]!.offset, victim.offset);
      const inLost = (k: Uint8Array): boolean =>
        (lr[0]!.smallest === undefined || Buffer.compare(Buffer.from(k), Buffer.from(lr[0]!.smallest)) >= 0) &&
        (lr[0]!.largest === undefined || Buffer.compare(Buffer.from(k), Buffer.from(lr[0]!.largest)) <= 0);
      const want = expected(c, f.cf).filter((e) => !inLost(e.key));
      const got = drain(db.cursor(f.cf)).filter((e) => !inLost(e.key));
      assert.deepEqual(got.map((e) => `${H(e.key)}=${H(e.value)}`), want.map((e) => `${H(e.key)}=${H(e.value)}`));
      assert.ok(losses[0]!.entriesLost !== undefined && losses[0]!.entriesLost > 0);
    } finally {
      db.close();
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
