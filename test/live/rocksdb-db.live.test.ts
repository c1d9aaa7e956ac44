/**
 * Live: fresh RocksDB directories written right now by Debian's RocksDB 7.8.3 (`ldb` and
 * tools/fixture-writer), then RocksDb's merged scans compared with `ldb scan --hex` of every CF.
 * Needs rocksdb-tools + librocksdb-dev (npm run test:live).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, statSync, truncateSync, readdirSync, readFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RocksDb } from '../../src/rocksdb/db.js';
import type { Warning } from '../../src/rocksdb/types.js';
import { ldbScan, writeFixture } from '../support/fixture-writer.js';
import { parseLdbScanHex, type LdbEntry } from '../support/ldb-output.js';

const H = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function ours(dir: string, cf: string, warnings: Warning[] = []): LdbEntry[] {
  const db = RocksDb.open(dir, { onWarning: (w) => warnings.push(w) });
  try {
    const c = db.cursor(cf);
    const out: LdbEntry[] = [];
    for (c.seekToFirst(); c.valid(); c.next()) out.push({ key: c.userKey().slice(), value: c.value().slice() });
    return out;
  } finally {
    db.close();
  }
}

function same(got: LdbEntry[], want: LdbEntry[], label: string): void {
  assert.deepEqual(
    got.map((e) => `${H(e.key)}:${H(e.value)}`),
    want.map((e) => `${H(e.key)}:${H(e.value)}`),
    label,
  );
}

function ldb(dir: string, ...args: string[]): void {
  execFileSync('ldb', [`--db=${dir}`, ...args], { stdio: 'ignore' });
}

test('DB written step by step with ldb (every step reopens: L0 files, WAL tail, CFs, delete range)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'live-ldb-'));
  const dir = join(tmp, 'db');
  try {
    ldb(dir, '--create_if_missing', '--hex', 'put', '0x6b30', '0x7630');
    ldb(dir, 'create_column_family', 'write');
    ldb(dir, 'create_column_family', 'lock');
    for (let i = 1; i < 8; i++) {
      ldb(dir, '--hex', 'batchput', `0x6b3${i}`, `0x76${i}${i}`, `0x6b3${i - 1}`, `0x7a0${i}`);
      ldb(dir, '--column_family=write', '--hex', 'put', `0x770${i}`, `0x${'ab'.repeat(i * 50)}`);
    }
    ldb(dir, '--hex', 'deleterange', '0x6b32', '0x6b35');
    ldb(dir, '--column_family=write', '--hex', 'delete', '0x7703');
    ldb(dir, '--column_family=write', 'compact');
    ldb(dir, '--hex', 'put', '0x6b33', '0x6261636b');
    ldb(dir, '--column_family=lock', '--hex', 'put', '0x6c', '0x6c');
    for (const cf of ['default', 'write', 'lock']) same(ours(dir, cf), ldbScan(dir, cf), cf);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

/** Deterministic pseudo-random op script over 3 CFs with flushes and compactions. */
function randomOps(seed: number, n: number): string {
  let s = seed >>> 0;
  const rnd = (k: number): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % k;
  };
  const cfs = ['default', 'write', 'lock'];
  const key = (): string => `6b${(rnd(112) + 0x10).toString(16)}`;
  const lines = ['option disable_auto_compactions=true', 'open default,write,lock'];
  // SingleDelete's contract (one put, then at most one single delete, never mixed with Delete)
  // is kept on a separate key space 0x73xx; everything else uses 0x6bxx.
  let sd = 0;
  for (let i = 0; i < n; i++) {
    const cf = cfs[rnd(3)]!;
    const r = rnd(100);
    if (r < 55) lines.push(`put ${cf} ${key()} ${Buffer.from(`v${i}`).toString('hex')}`);
    else if (r < 70) lines.push(`delete ${cf} ${key()}`);
    else if (r < 75) {
      const k = `73${(0x10 + sd++).toString(16).padStart(2, '0')}`;
      lines.push(`put ${cf} ${k} ${Buffer.from(`s${i}`).toString('hex')}`);
      if (rnd(3) > 0) lines.push(`flush ${cf}`);
      if (rnd(2) > 0) lines.push(`single_delete ${cf} ${k}`);
    }
    else if (r < 80) {
      const a = key();
      const b = key();
      lines.push(`delete_range ${cf} ${a < b ? a : b} ${a < b ? b : a}`);
      if (rnd(2) > 0) lines.push(`flush ${cf}`); // so range tombstones reach SST files
    } else if (r < 90) lines.push(`flush ${cf}`);
    else if (r < 93) lines.push(`compact ${cf} ${1 + rnd(5)}`);
    else lines.push(`put ${cf} ${key()} ${Buffer.from(`w${i}`).toString('hex')}`);
  }
  lines.push('close');
  return lines.join('\n') + '\n';
}

for (const seed of [1, 2, 3, 4, 5, 6]) {
  test(`random op script ${seed} through the fixture writer: scans equal ldb`, () => {
    const tmp = mkdtempSync(join(tmpdir(), 'live-rand-'));
    const dir = join(tmp, 'db');
    try {
      writeFixture(dir, randomOps(seed, 1500));
      for (const cf of ['default', 'write', 'lock']) same(ours(dir, cf), ldbScan(dir, cf), `seed ${seed} ${cf}`);
      // Bounded scans against ldb scan --from/--to (from inclusive, to exclusive).
      const db = RocksDb.open(dir);
      try {
        for (const [from, to] of [['6b20', '6b30'], ['6b11', '6b12'], ['73', '74'], ['6b40', '7310']]) {
          for (const cf of ['default', 'write', 'lock']) {
            const copy = join(tmp, `copy-${cf}-${from}`);
            cpSync(dir, copy, { recursive: true });
            const r = spawnSync('ldb', [`--db=${copy}`, `--column_family=${cf}`, 'scan', '--hex', `--from=0x${from}`, `--to=0x${to}`], { encoding: 'utf8' });
            assert.equal(r.status, 0, r.stderr);
            rmSync(copy, { recursive: true, force: true });
            const want = r.stdout.split('\n').filter(Boolean).map((l) => {
              const m = /^0x([0-9A-F]*) : 0x([0-9A-F]*)$/.exec(l)!;
              return { key: Buffer.from(m[1]!, 'hex'), value: Buffer.from(m[2]!, 'hex') };
            });
            const c = db.cursor(cf, { start: Buffer.from(from, 'hex'), end: Buffer.from(to, 'hex') });
            const got: LdbEntry[] = [];
            for (c.seekToFirst(); c.valid(); c.next()) got.push({ key: c.userKey().slice(), value: c.value().slice() });
            same(got, want, `seed ${seed} ${cf} [${from}, ${to})`);
          }
        }
      } finally {
        db.close();
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
}

test('torn WAL tail: our scan equals what ldb recovers from the same truncated copy', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'live-torn-'));
  const dir = join(tmp, 'db');
  try {
    const lines = ['open default,write'];
    for (let i = 0; i < 50; i++) lines.push(`put write 6b${(0x10 + i).toString(16)} ${'cd'.repeat(100 + i)}`);
    lines.push('close');
    writeFixture(dir, lines.join('\n') + '\n');
    const wal = readdirSync(dir).find((f) => f.endsWith('.log'))!;
    const size = statSync(join(dir, wal)).size;
    truncateSync(join(dir, wal), size - 37);
    const warnings: Warning[] = [];
    const got = ours(dir, 'write', warnings);
    assert.ok(warnings.some((w) => w.code === 'wal-torn-tail'));
    // ldb (default recovery mode) on a copy of the truncated directory.
    const copy = join(tmp, 'copy');
    cpSync(dir, copy, { recursive: true });
    const r = spawnSync('ldb', [`--db=${copy}`, '--column_family=write', 'scan', '--hex'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const want = r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const m = /^0x([0-9A-F]*) : 0x([0-9A-F]*)$/.exec(l)!;
        return { key: Buffer.from(m[1]!, 'hex'), value: Buffer.from(m[2]!, 'hex') };
      });
    assert.equal(want.length, 49);
    same(got, want, 'torn');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('fixtures/rocksdb-log/atomic-flush regenerated by gen/log-cases.cc: ldb and we agree with the committed scans', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'live-logcases-'));
  try {
    const src = join(process.cwd(), 'fixtures/rocksdb-log');
    const bin = join(tmp, 'log-cases');
    execFileSync('g++', ['-std=c++17', '-O1', '-o', bin, join(src, 'gen/log-cases.cc'), '-lrocksdb'], { stdio: 'ignore' });
    const dir = join(tmp, 'db');
    execFileSync(bin, ['atomic-flush', dir], { stdio: 'ignore' });
    for (const cf of ['default', 'write', 'lock', 'raft']) {
      const committed = readFileSync(join(src, 'atomic-flush/expected', `${cf}.scan.txt`), 'utf8');
      const fresh = ldbScan(dir, cf);
      same(fresh, parseLdbScanHex(committed), `ldb ${cf}`);
      same(ours(dir, cf), fresh, `ours ${cf}`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
