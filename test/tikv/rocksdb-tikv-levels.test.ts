// LatestScanner over a real multi-level RocksDB (fixtures/rocksdb/tikv-levels: TiKV-shaped keys
// written by Debian's librocksdb 7.8.3 over L6/L4/L3/L1/L0 and the WAL, with point, single and
// range deletes), read through the storage engineer's RocksDb. The expected rows come from
// RocksDB itself: `ldb scan --hex` of the write and default CFs (expected/*.scan.txt), resolved
// with a deliberately naive MVCC oracle written here from spec §2.2 (one Map, no cursors).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { RocksDb } from '../../src/rocksdb/db.js';
import { LatestScanner } from '../../src/tikv/mvcc-scan.js';
import { fromHex, mc, toHex } from './support/mvcc-builder.js';

const base = fileURLToPath(new URL('../../fixtures/rocksdb/tikv-levels/', import.meta.url));

function ldbScan(cf: string): [string, string][] {
  const text = readFileSync(`${base}expected/${cf}.scan.txt`, 'utf8');
  const out: [string, string][] = [];
  for (const line of text.split('\n')) {
    const m = /^0x([0-9A-F]*) : 0x([0-9A-F]*)$/.exec(line.trim());
    if (m) out.push([m[1]!.toLowerCase(), m[2]!.toLowerCase()]);
  }
  return out;
}

const MAX = 0xffff_ffff_ffff_ffffn;

interface OracleRow {
  rawKeyHex: string;
  valueHex: string;
  commitTs: bigint;
}

/** Naive MVCC resolution of ldb's view (spec §2.2). */
function oracle(readTs: bigint): { rows: OracleRow[]; missing: number } {
  const writes = ldbScan('write');
  const defaults = new Map(ldbScan('default'));
  assert.ok(writes.length > 100 && defaults.size > 20, 'ground truth files present');
  const rows: OracleRow[] = [];
  let missing = 0;
  let i = 0;
  while (i < writes.length) {
    const user = writes[i]![0].slice(0, -16);
    const versions: [bigint, string][] = [];
    while (i < writes.length && writes[i]![0].slice(0, -16) === user) {
      versions.push([MAX ^ BigInt('0x' + writes[i]![0].slice(-16)), writes[i]![1]]);
      i++;
    }
    for (const [ts, v] of versions) {
      if (ts > readTs) continue;
      const b = fromHex(v);
      // type byte, uvarint start_ts, optional 'v' len value (all this fixture writes)
      let p = 1;
      let start = 0n;
      for (let shift = 0n; ; shift += 7n) {
        const x = b[p++]!;
        start |= BigInt(x & 0x7f) << shift;
        if (x < 0x80) break;
      }
      const type = String.fromCharCode(b[0]!);
      if (type === 'L' || type === 'R') continue;
      if (type === 'P') {
        const rawKeyHex = toHex(decodeMc(fromHex(user.slice(2))));
        if (b[p] === 0x76) {
          rows.push({ rawKeyHex, valueHex: toHex(b.subarray(p + 2, p + 2 + b[p + 1]!)), commitTs: ts });
        } else {
          const d = defaults.get(user + (MAX ^ start).toString(16).padStart(16, '0'));
          if (d === undefined) missing++;
          else rows.push({ rawKeyHex, valueHex: d, commitTs: ts });
        }
      }
      break; // Put or Delete decides
    }
  }
  return { rows, missing };
}

function decodeMc(enc: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let g = 0; ; g += 9) {
    const pad = 0xff - enc[g + 8]!;
    out.push(...enc.subarray(g, g + 8 - pad));
    if (pad !== 0) return Uint8Array.from(out);
  }
}

const db = RocksDb.open(`${base}db`);
after(() => db.close());

// raw range of table 42's rows: 't' + EncodeInt(42) + '_r' .. '_s'
const t42 = fromHex('7480000000000000' + '2a' + '5f72');
const range = { start: t42, end: fromHex('7480000000000000' + '2a' + '5f73') };

function ours(readTs?: bigint): { rows: OracleRow[]; missing: number } {
  const s = new LatestScanner(db, range, readTs === undefined ? {} : { readTs });
  const rows: OracleRow[] = [];
  while (s.next()) rows.push({ rawKeyHex: toHex(s.rawKey()), valueHex: toHex(s.value()), commitTs: s.commitTs() });
  return { rows, missing: s.stats.missingDefault };
}

describe('LatestScanner over a real multi-level RocksDB (tikv-levels)', () => {
  it('latest (readTs = max) equals the naive resolution of ldb output', () => {
    const want = oracle(MAX);
    const got = ours();
    assert.ok(want.rows.length > 150, `oracle rows ${want.rows.length}`);
    assert.deepEqual(got.rows, want.rows);
    assert.equal(got.missing, want.missing);
  });
  it('as of ts 1500 (before the ts-2000 versions) equals the oracle too', () => {
    const want = oracle(1500n);
    const got = ours(1500n);
    assert.ok(want.rows.every((r) => r.commitTs <= 1500n));
    assert.deepEqual(got.rows, want.rows);
    assert.equal(got.missing, want.missing);
  });
  it('as of ts 999: nothing committed yet', () => {
    assert.deepEqual(ours(999n).rows, []);
  });
  it('the range encoding is what the fixture used: z + mc(t42_r...)', () => {
    assert.equal(ldbScan('write')[0]![0].slice(0, 2 + 18), '7a' + toHex(mc(t42)).slice(0, 18));
  });
});
