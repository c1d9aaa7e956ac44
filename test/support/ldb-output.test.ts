import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatLdbScanHex, parseLdbScanHex } from './ldb-output.js';

const b = (...xs: number[]): Uint8Array => Uint8Array.from(xs);

test('parses ldb scan --hex lines, upper-case hex, empty key and value as bare 0x', () => {
  // Literal output of `ldb --db=COPY scan --hex` (RocksDB 7.8.3) after
  // put(""->""), put(00->""), put(01->ff00), written by hand from that run.
  const text = '0x : 0x\n0x00 : 0x\n0x01 : 0xFF00\n';
  const got = parseLdbScanHex(text);
  assert.deepEqual(got, [
    { key: b(), value: b() },
    { key: b(0x00), value: b() },
    { key: b(0x01), value: b(0xff, 0x00) },
  ]);
});

test('parses a TiKV-shaped key and lower-case hex', () => {
  const got = parseLdbScanHex('0x7A748000000000000000FF : 0x50ab\n');
  assert.equal(got.length, 1);
  assert.deepEqual(got[0]!.key, b(0x7a, 0x74, 0x80, 0, 0, 0, 0, 0, 0, 0, 0xff));
  assert.deepEqual(got[0]!.value, b(0x50, 0xab));
});

test('empty output is an empty scan; a missing final newline is accepted', () => {
  assert.deepEqual(parseLdbScanHex(''), []);
  assert.deepEqual(parseLdbScanHex('0x61 : 0x62'), [{ key: b(0x61), value: b(0x62) }]);
});

test('rejects anything that is not an entry line', () => {
  assert.throws(() => parseLdbScanHex('Failed: Non-existing column family nope\n'), /line 1/);
  assert.throws(() => parseLdbScanHex('0x61 : 0x62\n\n'), /line 2/); // blank line inside
  assert.throws(() => parseLdbScanHex('0x616 : 0x62\n'), /odd number/);
  assert.throws(() => parseLdbScanHex('0x61 :0x62\n'), /line 1/);
  assert.throws(() => parseLdbScanHex('0x6G : 0x62\n'), /line 1/);
});

test('formatLdbScanHex writes exactly what ldb writes', () => {
  const text = '0x : 0x\n0x00 : 0x\n0x01 : 0xFF00\n';
  assert.equal(formatLdbScanHex(parseLdbScanHex(text)), text);
});

// ---------------------------------------------------------------------------------------------
// The committed RocksDB-level fixtures (fixtures/rocksdb/<case>/): their ground-truth files parse,
// are in RocksDB's key order, and say what each case's op script means (expected values below
// are worked out by hand from the op scripts, not copied from any program's output).
// ---------------------------------------------------------------------------------------------
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixturesDir = join(root, 'fixtures', 'rocksdb');
const CASES = [
  'tikv-levels',
  'fv2-snappy-binary',
  'partitioned-index',
  'first-key-hash',
  'ingested',
  'wal-only',
  'large-values',
  'fv-matrix',
  'multi-wal',
  'wal-torn-tail',
];

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function scan(c: string, cf: string): Map<string, string> {
  const entries = parseLdbScanHex(readFileSync(join(fixturesDir, c, 'expected', `${cf}.scan.txt`), 'utf8'));
  return new Map(entries.map((e) => [Buffer.from(e.key).toString('latin1'), Buffer.from(e.value).toString('latin1')]));
}

test('every fixture case has ops.txt, db/, NOTE.md and non-empty, strictly ascending scans', () => {
  assert.deepEqual(readdirSync(fixturesDir).sort(), [...CASES].sort());
  for (const c of CASES) {
    const dir = join(fixturesDir, c);
    for (const f of ['ops.txt', 'NOTE.md', 'db/CURRENT', 'expected/manifest.txt']) {
      assert.ok(existsSync(join(dir, f)), `${c}/${f}`);
    }
    const scans = readdirSync(join(dir, 'expected')).filter((f) => f.endsWith('.scan.txt'));
    assert.ok(scans.includes('default.scan.txt'), `${c}: default CF scanned`);
    for (const f of scans) {
      const entries = parseLdbScanHex(readFileSync(join(dir, 'expected', f), 'utf8'));
      assert.ok(entries.length > 0, `${c}/${f} is empty`);
      for (let i = 1; i < entries.length; i++) {
        assert.ok(compareBytes(entries[i - 1]!.key, entries[i]!.key) < 0, `${c}/${f}: keys not ascending at ${i}`);
      }
    }
  }
});

test('committed ops.txt files are exactly what the deterministic generator prints', () => {
  for (const c of CASES) {
    const r = spawnSync(process.execPath, [join(root, 'tools/fixture-writer/gen-cases.mjs'), c, 'ops'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, readFileSync(join(fixturesDir, c, 'ops.txt'), 'utf8'), c);
  }
});

test('wal-only: no SST at all, the WAL is non-empty, and the scans follow the script', () => {
  const db = join(fixturesDir, 'wal-only', 'db');
  const names = readdirSync(db);
  assert.deepEqual(names.filter((n) => n.endsWith('.sst')), []);
  const logs = names.filter((n) => n.endsWith('.log'));
  assert.ok(logs.length >= 1 && logs.some((n) => statSync(join(db, n)).size > 0));

  const d = scan('wal-only', 'default');
  assert.equal(d.get(''), 'empty-key');
  assert.equal(d.get('d003'), 'dv3-back'); // deleted, then put again
  assert.equal(d.get('d004'), 'dv4-rewritten');
  for (let i = 20; i < 25; i++) assert.equal(d.has(`d0${i}`), false, `d0${i} range-deleted`);
  assert.equal(d.get('d025'), 'dv25'); // range end is exclusive
  assert.equal(d.size, 1 + 30 - 5);
  const w = scan('wal-only', 'write');
  assert.equal(w.get('w015'), 'wv15-after-range');
  assert.equal(w.has('w010'), false);
  assert.equal(w.get('w020'), 'wv20');
  assert.equal(w.size, 30 - 10 + 1);
  const l = scan('wal-only', 'lock');
  assert.equal(l.has('l005'), false); // single_delete
  assert.equal(l.size, 9);
});

// Write-CF key of TiDB row t42_r<row> at commit_ts 1000, written out by hand from
// tikv-tidb-encoding.md §1.4/§1.5: 'z' + mc("t" + i64(42) + "_r" + i64(row)) + u64BE(NOT 1000).
function tikvWriteKey(row: number): string {
  const hex =
    '7a' + '7480000000000000ff' + '2a5f728000000000ff' + '0000' + row.toString(16).padStart(2, '0') + '0000000000fa' +
    'fffffffffffffc17';
  return Buffer.from(hex, 'hex').toString('latin1');
}

test('tikv-levels: newest version wins across WAL/L0/L1/L3/L4/L6, tombstones apply', () => {
  const w = scan('tikv-levels', 'write');
  const short = (row: number): string | undefined => {
    const v = w.get(tikvWriteKey(row));
    if (v === undefined) return undefined;
    // 'P' + uvarint(990) (2 bytes) + 'v' + len + short value; the tag is before the first ':'.
    assert.equal(v.charCodeAt(0), 0x50);
    return v.slice(5).split(':')[0];
  };
  assert.equal(short(0), 'r0wal'); // class 0 row < 50: WAL batch is newest
  assert.equal(short(52), 'r52v5b'); // class 0 even: second L0 file
  assert.equal(short(91), 'r91v5a'); // class 0 odd: first L0 file
  assert.equal(short(65), undefined); // class 0 but in the WAL delete_range [60, 66)
  assert.equal(short(104), 'r104v5b'); // inside the L3 range delete, re-put in L1 and L0
  assert.equal(short(1), 'r1v5c'); // deleted in L4, re-put in L0
  assert.equal(short(2), undefined); // single-deleted in L1
  assert.equal(short(4), undefined); // deleted in the WAL
  assert.equal(short(3), 'r3v3'); // rewritten in L3 only
  assert.equal(short(7), 'r7v1'); // untouched since L6
  assert.equal(short(110), undefined); // L3 delete_range
  assert.equal(short(205), undefined); // L0 delete_range [200, 211)
  assert.equal(short(211), 'r211v3'); // after the range end, class 3
  assert.equal(short(213), 'r213v1'); // class 5: only a new ts-2000 version was added
  // Row 8 (row % 4 == 0) has no short value: 'P' + uvarint(990) = 50 de 07, nothing else.
  assert.equal(w.get(tikvWriteKey(8)), '\x50\xde\x07');
});

test('ingested: ingested SSTs beat older versions, later writes beat the ingested ones', () => {
  const d = scan('ingested', 'default');
  assert.equal(d.get('ik0005'), 'old-5');
  assert.equal(d.get('ik0010'), 'ingested-s1-10');
  assert.equal(d.get('ik0015'), 'after-ingest-15');
  assert.equal(d.has('ik0040'), false); // tombstone inside s1
  assert.equal(d.get('ik0050'), 'ingested-s2-50'); // ingested after the memtable put
  assert.equal(d.get('ik0052'), 'wal-52');
  assert.equal(d.get('ik0059'), 'ingested-s2-59');
  assert.equal(d.get('ik0060'), 'old-60');
  assert.equal(d.size, 99);
});

test('fv2-snappy-binary: deletes, range delete with an empty value re-put inside, NUL in a key', () => {
  const d = scan('fv2-snappy-binary', 'default');
  assert.equal(d.has('key00004'), false);
  assert.equal(d.get('key00110'), '');
  assert.equal(d.has('key00101'), false);
  assert.equal(d.has('key00119'), false);
  assert.equal(d.get('key00120'), 'b2-value-of-120-'.repeat(3));
  assert.equal(d.get('key00121'), 'b-value-of-121-'.repeat(4));
  assert.equal(d.get('key00002'), 'a-value-of-2-'.repeat(5));
  assert.equal(d.get('key00050\x00zero'), 'nul-in-key');
  // 300 keys - 15 deleted (4, 24, ..., 284) - 20 in [100, 120) + key00110 + the NUL key
  // (key00104 is both deleted and in the range).
  assert.equal(d.size, 300 - 15 - 20 + 1 + 1 + 1);
});

test('multi-wal: several WALs alive; what CF a flushed and compacted away stays gone', () => {
  const db = join(fixturesDir, 'multi-wal', 'db');
  const logs = readdirSync(db).filter((n) => n.endsWith('.log') && statSync(join(db, n)).size > 0);
  assert.ok(logs.length >= 2, `non-empty WAL files: ${logs.join(', ')}`);
  assert.deepEqual([...scan('multi-wal', 'a')], [
    ['k2', 'a-v2'],
    ['k4', 'a-v4'],
  ]);
  assert.deepEqual([...scan('multi-wal', 'b')], [['m2', 'b-n2']]);
  assert.deepEqual([...scan('multi-wal', 'default')], [
    ['d1', 'default-1'],
    ['d2', 'default-2'],
  ]);
});

test('fv-matrix: rewrites and deletes per CF', () => {
  for (const cf of ['fv0_plain', 'fv0_zlib', 'fv1_xxhash_plain', 'fv1_xxhash_lz4hc', 'fv3_xxhash64_lz4', 'fv4_none_zstd', 'fv5_xxh3_snappy']) {
    const d = scan('fv-matrix', cf);
    assert.equal(d.get('m0007'), `${cf} rewritten 7`);
    assert.equal(d.get('m0005'), `${cf} value 5 `.repeat(2));
    assert.equal(d.has('m0014'), false); // 14 = 3 + 11
    assert.equal(d.size, 100 - 9); // deletes at 3, 14, ..., 91 (none of them rewritten)
  }
});

test('wal-torn-tail: the torn last records are not part of the visible data', () => {
  const d = scan('wal-torn-tail', 'default');
  assert.equal(d.has(''), false); // last record, cut off
  assert.equal(d.has('d003'), false); // torn record: the earlier delete stands
  assert.equal(d.get('d004'), 'dv4-rewritten');
  assert.equal(d.has('d020'), false); // the range delete before the tear applies
  assert.equal(d.size, 30 - 5 - 1);
  // The other CFs were written before the tear and equal wal-only's.
  for (const cf of ['write', 'lock']) {
    assert.deepEqual([...scan('wal-torn-tail', cf)], [...scan('wal-only', cf)]);
  }
});
