// CsvRowWriter (row value -> CSV line directly) must produce exactly the bytes of
// formatter.row(decoder.decode(key, value)), or throw the same error, for every row of every
// committed fixture (written by real RocksDB, see fixtures/tidb/README.md) and for random,
// extreme and mutated rows, under several CSV dialects/options and time zones.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';
import { CsvFormatter, defaultCsvOptions, utf8, type CsvOptions } from '../../src/export/csv.js';
import { physicalIds } from '../../src/export/dump.js';
import { CsvRowWriter } from '../../src/export/row-csv.js';
import { ROW_CSV_WASM } from '../../src/export/row-csv-wasm.js';
import { intRecordKey } from '../../src/tidb/record-key.js';
import { RowDecoder } from '../../src/tidb/row-decoder.js';
import { Flag, TypeCode, type ColumnInfo, type TableInfo } from '../../src/tidb/table-info.js';
import { cmpFloat, concat, decimalBin, jsonBinary, narrowInt, narrowUint, obj, packTime, rowV2 } from '../tidb/support/codec-encoders.js';
import { col as column, table } from '../tidb/support/table-builders.js';
import { describeEveryFixture } from '../support/fixture-dirs.js';
import { rng } from '../support/rng.js';
import { assertPassesWithoutWasm } from '../support/without-wasm.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const wasmOn = process.env.TIKV_EXPORT_WASM !== '0';

function optionSets(): CsvOptions[] {
  const d = defaultCsvOptions();
  const r = defaultCsvOptions('rfc4180');
  return [
    d,
    r,
    { ...r, binaryFormat: 'base64' },
    { ...d, separator: utf8('|#'), delimiter: utf8("'"), nullValue: utf8('NULL'), lineTerminator: utf8('\n') },
    { ...d, delimiter: new Uint8Array(0) },
    { ...r, delimiter: utf8('%%') },
  ];
}

type Outcome = { ok: true; hex: string } | { ok: false; err: string };

function slow(dec: RowDecoder, f: CsvFormatter, key: Uint8Array, value: Uint8Array): Outcome {
  try {
    return { ok: true, hex: Buffer.from(f.row(dec.decode(key, value))).toString('hex') };
  } catch (e) {
    return { ok: false, err: `${(e as Error).constructor.name}: ${(e as Error).message}` };
  }
}

function fast(w: CsvRowWriter, key: Uint8Array, value: Uint8Array): Outcome {
  try {
    return { ok: true, hex: Buffer.from(w.row(key, value)).toString('hex') };
  } catch (e) {
    return { ok: false, err: `${(e as Error).constructor.name}: ${(e as Error).message}` };
  }
}

/**
 * append() with the value at an offset inside a larger buffer (junk that would change the
 * output if read: the row v2 version byte, a quote, a backslash, 0xff) and a kept row before it.
 */
let junk = 0;
function appended(w: CsvRowWriter, f: CsvFormatter, key: Uint8Array, value: Uint8Array): Outcome {
  const pre = 1 + (junk++ % 7);
  const buf = new Uint8Array(pre + value.length + 5).fill([0x80, 0x22, 0x5c, 0xff][junk % 4]!);
  buf.set(value, pre);
  f.takeKept();
  f.begin();
  f.nullCell();
  f.endRow();
  f.keepRow(); // a row already waiting in the buffer
  const mark = f.keptBytes();
  try {
    // a fresh buffer per row is never refilled: half of the rows say so (`stable`)
    w.append(key, buf, pre, pre + value.length, junk % 2 === 0);
    return { ok: true, hex: Buffer.from(f.takeKept().subarray(mark)).toString('hex') };
  } catch (e) {
    assert.equal(f.keptBytes(), mark, 'a row that throws keeps nothing');
    return { ok: false, err: `${(e as Error).constructor.name}: ${(e as Error).message}` };
  }
}

interface Pair {
  dec: RowDecoder;
  ref: CsvFormatter;
  w: CsvRowWriter;
  /** a second writer for append() (its formatter keeps rows) */
  wa: CsvRowWriter;
  fa: CsvFormatter;
}

function pairs(table: TableInfo, timeZone = 'UTC', options: CsvOptions[] = optionSets()): Pair[] {
  const dec = new RowDecoder(table, { timeZone });
  return options.map((o) => {
    const fa = new CsvFormatter(dec.columns, o);
    return { dec, ref: new CsvFormatter(dec.columns, o), w: new CsvRowWriter(dec, new CsvFormatter(dec.columns, o)), wa: new CsvRowWriter(dec, fa), fa };
  });
}

function same(ps: Pair[], key: Uint8Array, value: Uint8Array, what: string): void {
  for (const p of ps) {
    const want = slow(p.dec, p.ref, key, value);
    const f0 = p.w.fastRows;
    assert.deepEqual(fast(p.w, key, value), want, what);
    const a0 = p.wa.fastRows;
    assert.deepEqual(appended(p.wa, p.fa, key, value), want, `${what} (append, value inside a larger buffer)`);
    // the same path: a value at an offset must not make the fast reader decline
    assert.equal(p.wa.fastRows - a0, p.w.fastRows - f0, `${what}: append took the fast path as row() did`);
  }
}

describeEveryFixture('CsvRowWriter = formatter.row(decoder.decode()) on every fixture row', (s, dir) => {
  const src = s.dumpSource('UTC');
  let rows = 0;
  let fastRows = 0;
  for (const db of s.databases()) {
    for (const table of s.tables(db.id)) {
      let ps: Pair[];
      try {
        ps = [...pairs(table), ...pairs(table, 'Asia/Kolkata').slice(0, 1)];
      } catch {
        continue; // undecodable schema: covered by the dump tests
      }
      for (const pid of physicalIds(table)) {
        const scan = src.scanRows(pid);
        while (scan.next()) {
          const key = scan.rawKey();
          const value = scan.value().slice();
          same(ps, key, value, `${dir} ${table.name.O} key ${Buffer.from(key).toString('hex')}`);
          rows++;
        }
      }
      fastRows += ps.reduce((a, p) => a + p.w.fastRows, 0);
    }
  }
  assert.ok(rows > 0, `${dir}: no rows`);
  if (!dir.includes('regions')) assert.ok(fastRows > 0, `${dir}: the fast path was never taken`);
});

// ---- random rows ------------------------------------------------------------------------------


/** Column `c<id>` (the shared builder; offsets are set to positions by tableOf). */
const col = (id: number, Tp: number, ft: Partial<ColumnInfo['type']> = {}, extra: Partial<ColumnInfo> = {}): ColumnInfo => column(id, `c${id}`, Tp, { ft, ...extra });

function tableOf(cols: ColumnInfo[], pkIsHandle: boolean): TableInfo {
  return table(61, cols, { name: { O: 'r', L: 'r' }, pk_is_handle: pkIsHandle });
}

function randInt64(r: () => number): bigint {
  const pick = r();
  if (pick < 0.15) return [0n, -1n, 1n, (1n << 63n) - 1n, -(1n << 63n), (1n << 53n) - 1n, 1n << 53n, -(1n << 53n), -(1n << 53n) - 1n][Math.floor(r() * 9)]!;
  const hi = BigInt(Math.floor(r() * 2 ** 32));
  const lo = BigInt(Math.floor(r() * 2 ** 32));
  const bits = BigInt(1 + Math.floor(r() * 64));
  return BigInt.asIntN(64, ((hi << 32n) | lo) & ((1n << bits) - 1n));
}

function randText(r: () => number): Uint8Array {
  const alphabet = [0x61, 0x62, 0x2c, 0x22, 0x27, 0x5c, 0x0a, 0x0d, 0x00, 0x25, 0x7c, 0x23, 0xc3, 0xa9, 0xff, 0x4e, 0x09];
  const n = r() < 0.3 ? Math.floor(r() * 40) : Math.floor(r() * 300);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = r() < 0.7 ? 0x41 + Math.floor(r() * 26) : alphabet[Math.floor(r() * alphabet.length)]!;
  return out;
}

/** The integer and string columns 2-8 of the random-row tables. */
const intStringCols = (): ColumnInfo[] => [
  col(2, TypeCode.Long),
  col(3, TypeCode.Longlong, { Flag: Flag.Unsigned }),
  col(4, TypeCode.Tiny),
  col(5, TypeCode.Short, { Flag: Flag.Unsigned }),
  col(6, TypeCode.Varchar),
  col(7, TypeCode.String, { Flen: 120 }),
  col(8, TypeCode.Blob, { Charset: 'binary' }),
];

/** Values of the integer columns 2-5 (intStringCols) and 300 (INT24, a large-format id). */
const intGens: Record<number, (r: () => number) => Uint8Array> = {
  2: (r) => narrowInt(BigInt.asIntN(32, randInt64(r))),
  3: (r) => narrowUint(BigInt.asUintN(64, randInt64(r))),
  4: (r) => narrowInt(BigInt(Math.floor(r() * 256) - 128)),
  5: (r) => narrowUint(BigInt(Math.floor(r() * 65536))),
  300: (r) => narrowInt(BigInt(Math.floor(r() * 2 ** 24) - 2 ** 23)),
};

describe('CsvRowWriter = general path on random rows', () => {
  const cols = [
    col(1, TypeCode.Longlong, { Flag: Flag.PriKey | Flag.NotNull }),
    ...intStringCols(),
    col(9, TypeCode.Double),
    col(10, TypeCode.NewDecimal, { Flen: 10, Decimal: 2 }),
    col(11, TypeCode.Datetime, { Decimal: 3 }),
    col(12, TypeCode.Timestamp),
    col(13, TypeCode.Year),
    col(14, TypeCode.Enum, { Elems: ['a', 'b'] }),
    col(15, TypeCode.JSON),
    col(16, TypeCode.Long, { Flag: Flag.NotNull }, { origin_default: '42' }),
    col(17, TypeCode.Varchar, {}, { origin_default: 'd"ef\\' }),
    col(18, TypeCode.Long, { Flag: Flag.NotNull }), // NOT NULL, no default: missing -> error
    col(300, TypeCode.Int24), // id > 255: large row format
  ];
  const gens: Record<number, (r: () => number) => Uint8Array> = {
    ...intGens,
    6: randText,
    7: randText,
    8: randText,
    9: (r) => cmpFloat((r() - 0.5) * 10 ** Math.floor(r() * 40)),
    10: (r) => concat([10, 2], decimalBin(`${Math.floor(r() * 1e6) - 5e5}.${Math.floor(r() * 100)}`, 10, 2)),
    11: (r) => narrowUint(packTime(1000 + Math.floor(r() * 9000), 1 + Math.floor(r() * 12), 1 + Math.floor(r() * 28), Math.floor(r() * 24), Math.floor(r() * 60), Math.floor(r() * 60), Math.floor(r() * 1e6))),
    12: (r) => narrowUint(packTime(1971 + Math.floor(r() * 60), 1 + Math.floor(r() * 12), 1 + Math.floor(r() * 28), Math.floor(r() * 24), Math.floor(r() * 60), Math.floor(r() * 60), 0)),
    13: (r) => narrowInt(BigInt(1901 + Math.floor(r() * 255))),
    14: (r) => narrowUint(BigInt(Math.floor(r() * 4))),
    15: (r) => jsonBinary(obj({ k: [r(), 'x"\\', null] })),
    16: (r) => narrowInt(BigInt(Math.floor(r() * 1000))),
    17: randText,
    18: (r) => narrowInt(BigInt(Math.floor(r() * 1000))),
  };
  function randomRow(r: () => number, ids: number[]): Uint8Array {
    const parts: [number, Uint8Array | null][] = [];
    for (const id of ids) {
      const g = gens[id];
      if (g === undefined) continue;
      const x = r();
      if (x < 0.1) continue; // not stored
      parts.push([id, x < 0.2 ? null : g(r)]);
    }
    return rowV2(parts);
  }
  function run(table: TableInfo, seed: number, n: number): number {
    const r = rng(seed);
    const ps = [...pairs(table, 'UTC'), ...pairs(table, 'America/New_York').slice(0, 2)];
    const ids = table.cols.map((c) => c.id);
    for (let i = 0; i < n; i++) {
      const key = intRecordKey(61, randInt64(r));
      let value = randomRow(r, ids);
      const m = r();
      if (m < 0.1) {
        value = value.slice();
        value[Math.floor(r() * value.length)] = Math.floor(r() * 256);
      } else if (m < 0.15) {
        value = value.subarray(0, Math.floor(r() * value.length));
      }
      let k = key;
      if (r() < 0.03) k = concat(key.subarray(0, 11), [1, 2, 3]); // common-handle-shaped key on an int table
      same(ps, k, value, `seed ${seed} row ${i}`);
    }
    // the Dumpling-dialect writer takes most rows through WebAssembly (other types' fields by JS)
    if (wasmOn) assert.ok(ps[0]!.w.wasmRows > n / 3, `rows written in WebAssembly: ${ps[0]!.w.wasmRows} of ${n}`);
    return ps.reduce((a, p) => a + p.w.fastRows, 0);
  }
  it('signed int PK handle, every kind of column, NULLs, missing columns, defaults, mutations', () => {
    assert.ok(run(tableOf(cols, true), 1, 3000) > 1000);
  });
  it('unsigned BIGINT PK handle', () => {
    const c = cols.map((x) => (x.id === 1 ? col(1, TypeCode.Longlong, { Flag: Flag.PriKey | Flag.NotNull | Flag.Unsigned }) : x));
    assert.ok(run(tableOf(c, true), 2, 1500) > 500);
  });
  it('no PK handle column (_tidb_rowid)', () => {
    assert.ok(run(tableOf(cols.slice(1), false), 3, 1500) > 500);
  });
  it('sysbench shape with a checksum trailer', () => {
    const t = tableOf([col(1, TypeCode.Long, { Flag: Flag.PriKey | Flag.NotNull }), col(2, TypeCode.Long), col(3, TypeCode.String, { Flen: 120 }), col(4, TypeCode.String, { Flen: 60 })], true);
    const ps = pairs(t);
    const r = rng(4);
    for (let i = 0; i < 500; i++) {
      const v = rowV2([[2, narrowInt(BigInt(Math.floor(r() * 1e6)))], [3, randText(r)], [4, randText(r)]], r() < 0.5 ? { checksum: Uint8Array.of(0, 1, 2, 3, 4) } : {});
      same(ps, intRecordKey(61, BigInt(i)), v, `row ${i}`);
    }
    assert.equal(ps[0]!.w.slowRows, 0);
  });
});

// ---- the WebAssembly row writer ---------------------------------------------------------------
// row-csv-wasm.ts writes whole rows of integer/string tables; it must give the general path's
// bytes, decline whatever it does not read exactly as the JS path would, survive the growth of
// its memory (the formatter's buffer lives there), and leave the JS paths tested (TIKV_EXPORT_WASM=0).

describe('the WebAssembly row writer = general path', () => {
  const intStrCols = (pkUnsigned: boolean): ColumnInfo[] => [
    col(1, TypeCode.Longlong, { Flag: Flag.PriKey | Flag.NotNull | (pkUnsigned ? Flag.Unsigned : 0) }),
    ...intStringCols(),
    col(9, TypeCode.Longlong),
    col(300, TypeCode.Int24), // id > 255: large row format
  ];
  /** text whose escape bytes fall at every position of a 16-byte step, lengths around 16k */
  function stepText(r: () => number): Uint8Array {
    const n = r() < 0.5 ? 16 * Math.floor(r() * 5) + Math.floor(r() * 3) - 1 : Math.floor(r() * 200);
    const out = new Uint8Array(Math.max(0, n));
    const special = [0x00, 0x0a, 0x0d, 0x5c, 0x22, 0x27, 0x7c];
    const density = [0, 0.02, 0.3][Math.floor(r() * 3)]!;
    for (let i = 0; i < out.length; i++) out[i] = r() < density ? special[Math.floor(r() * special.length)]! : 0x20 + Math.floor(r() * 0x5f);
    return out;
  }
  const gen: Record<number, (r: () => number) => Uint8Array> = {
    ...intGens,
    6: randText,
    7: stepText,
    8: stepText,
    9: (r) => narrowInt(randInt64(r)),
  };
  const d = defaultCsvOptions();
  const wasmOptions: CsvOptions[] = [
    d,
    { ...d, separator: utf8('|'), delimiter: utf8("'"), nullValue: utf8('NULL'), lineTerminator: utf8('\n') },
    { ...d, delimiter: utf8('\\'), nullValue: utf8('a-null-text-of-forty-bytes-...............') },
  ];
  const wasmPairs = (table: TableInfo): Pair[] => pairs(table, 'UTC', wasmOptions);
  function run(table: TableInfo, seed: number, n: number, large: boolean): Pair[] {
    const r = rng(seed);
    const ps = wasmPairs(table);
    const ids = table.cols.map((c) => c.id).filter((id) => large || id <= 255);
    for (let i = 0; i < n; i++) {
      const parts: [number, Uint8Array | null][] = [];
      for (const id of ids) {
        const g = gen[id];
        if (g === undefined) continue; // the handle column
        const x = r();
        if (x < 0.03) continue; // not stored: the writer declines (no default in the table)
        parts.push([id, x < 0.15 ? null : g(r)]);
      }
      let value = rowV2(parts, r() < 0.2 ? { checksum: r() < 0.5 ? Uint8Array.of(0, 1, 2, 3, 4) : Uint8Array.of(8, 1, 2, 3, 4, 5, 6, 7, 8) } : {});
      const m = r();
      if (m < 0.08) {
        value = value.slice();
        value[Math.floor(r() * Math.min(value.length, 40))] = Math.floor(r() * 256); // header or offsets
      } else if (m < 0.12) {
        value = value.subarray(0, Math.floor(r() * value.length));
      } else if (m < 0.14) {
        value = concat(value, [0]);
      }
      same(ps, intRecordKey(61, randInt64(r)), value, `seed ${seed} row ${i}`);
    }
    return ps;
  }
  it('its bytes are tools/wasm/row-csv.wat compiled by wabt', async () => {
    const wabt = await wabtInit();
    const mod = wabt.parseWat('row-csv.wat', readFileSync(`${root}/tools/wasm/row-csv.wat`, 'utf8'), { simd: true });
    assert.equal(Buffer.from(mod.toBinary({ write_debug_names: true }).buffer).toString('base64'), ROW_CSV_WASM);
  });
  it('integers of every width and sign, strings, NULLs, checksums, mutated rows; signed handle', () => {
    const ps = run(tableOf(intStrCols(false), true), 11, 2500, false);
    if (wasmOn) {
      for (const p of ps) {
        assert.ok(p.w.wasmRows > 1500, `rows written in WebAssembly: ${p.w.wasmRows}`);
        assert.ok(p.w.wasmDeclined > 50, `rows declined: ${p.w.wasmDeclined}`);
      }
    }
  });
  it('unsigned handle, large row format (column id 300)', () => {
    const ps = run(tableOf(intStrCols(true), true), 12, 1500, true);
    if (wasmOn) assert.ok(ps[0]!.w.wasmRows > 800, `rows written in WebAssembly: ${ps[0]!.w.wasmRows}`);
  });
  it('keeps rows across the growth of its memory, and long cells (60 KB)', () => {
    const t = tableOf(intStrCols(false), true);
    const ps = wasmPairs(t);
    const r = rng(13);
    for (const p of ps) {
      p.fa.takeKept();
      const before = p.fa.rowWasm?.memory.buffer.byteLength ?? 0;
      const want: string[] = [];
      for (let i = 0; i < 400; i++) {
        const big = new Uint8Array(i % 50 === 0 ? 60000 : 3000).map(() => (r() < 0.1 ? 0x5c : 0x61 + Math.floor(r() * 26)));
        const value = rowV2([[2, narrowInt(BigInt(i))], [7, big], [9, narrowInt(-1n)]]);
        const key = intRecordKey(61, BigInt(i));
        const o = slow(p.dec, p.ref, key, value);
        assert.ok(o.ok);
        want.push(o.hex);
        p.wa.append(key, value, 0, value.length);
      }
      assert.equal(Buffer.from(p.fa.takeKept()).toString('hex'), want.join(''));
      if (wasmOn) {
        assert.equal(p.wa.wasmRows, 400);
        assert.ok(p.fa.rowWasm!.memory.buffer.byteLength > before + (1 << 20), 'the memory grew');
      }
    }
  });
  it('reads the rows of a stable array (a block) from one copy of it; six arrays in turn through four slots', () => {
    const t = tableOf(intStrCols(false), true);
    const r = rng(14);
    // six "blocks", each holding 40 row values one after another
    const blocks = Array.from({ length: 6 }, (_, b) => {
      const vals = Array.from({ length: 40 }, (_, i) => rowV2([[2, narrowInt(BigInt(b * 100 + i))], [7, stepText(r)], [9, narrowInt(randInt64(r))]]));
      const arr = concat(...vals);
      const at: [number, number][] = [];
      let p = 0;
      for (const v of vals) {
        at.push([p, p + v.length]);
        p += v.length;
      }
      return { arr, at };
    });
    for (const p of wasmPairs(t)) {
      const want: string[] = [];
      p.fa.takeKept();
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < 40; i++) {
          // blocks 0-3 in turn (they fit the slots), then 0-5 in turn (they do not)
          for (let b = 0; b < (round === 0 ? 4 : 6); b++) {
            const { arr, at } = blocks[b]!;
            const [s0, e0] = at[i]!;
            const o = slow(p.dec, p.ref, intRecordKey(61, BigInt(i)), arr.slice(s0, e0));
            assert.ok(o.ok);
            want.push(o.hex);
            p.wa.append(intRecordKey(61, BigInt(i)), arr, s0, e0, true);
          }
        }
      }
      assert.equal(Buffer.from(p.fa.takeKept()).toString('hex'), want.join(''));
      if (wasmOn) {
        const rw = p.fa.rowWasm!;
        assert.equal(p.wa.wasmRows, 40 * 4 + 2 * 40 * 6);
        // round 0: each block copied once; rounds 1-2: six arrays through four slots (LRU) miss
        // every time, except blocks 0-3 for the first row of round 1 (still in the slots)
        assert.equal(rw.arrayCopies, 4 + 2 * 40 * 6 - 4);
        assert.equal(rw.rowCopies, 0);
      }
    }
  });
  it('writes missing columns as NULL or as their default (rendered and escaped once)', () => {
    const cols = [
      ...intStrCols(false).slice(0, 3),
      col(10, TypeCode.Long, { Flag: Flag.NotNull }, { origin_default: '7' }),
      col(11, TypeCode.Varchar, {}, { origin_default: 'd"ef\\\n' }),
      col(12, TypeCode.Varchar),
    ];
    const ps = wasmPairs(tableOf(cols, true));
    for (let i = 0; i < 200; i++) {
      const parts: [number, Uint8Array | null][] = [[2, narrowInt(BigInt(i))], [3, narrowUint(BigInt(i))]];
      if (i % 3 === 0) parts.push([11, utf8(`v${i}`)]);
      if (i % 5 === 0) parts.push([12, null]);
      same(ps, intRecordKey(61, BigInt(i)), rowV2(parts), `row ${i}`);
    }
    if (wasmOn) for (const p of ps) assert.equal(p.w.wasmRows, 200);
  });
  it('a writer whose rows it declines (a NOT NULL column without default is missing) stops asking after 64', () => {
    const cols = [...intStrCols(false).slice(0, 3), col(10, TypeCode.Long, { Flag: Flag.NotNull })];
    const ps = wasmPairs(tableOf(cols, true));
    for (let i = 0; i < 300; i++) {
      same(ps, intRecordKey(61, BigInt(i)), rowV2([[2, narrowInt(BigInt(i))], [3, narrowUint(BigInt(i))]]), `row ${i}`);
    }
    if (wasmOn) for (const p of ps) assert.equal(p.w.wasmDeclined, 64);
  });
  it('lets JS write the fields of other types (DECIMAL, DATETIME, JSON, a 3-byte integer) in the middle of a line', () => {
    const cols = [
      ...intStrCols(false).slice(0, 3),
      col(10, TypeCode.NewDecimal, { Flen: 10, Decimal: 2 }),
      col(11, TypeCode.Datetime, { Decimal: 3 }),
      col(12, TypeCode.JSON),
      col(13, TypeCode.Long),
    ];
    const ps = wasmPairs(tableOf(cols, true));
    const r = rng(15);
    for (let i = 0; i < 300; i++) {
      const parts: [number, Uint8Array | null][] = [[2, narrowInt(BigInt(i))], [3, narrowUint(BigInt(i * 7))]];
      if (r() < 0.9) parts.push([10, concat([10, 2], decimalBin(`${i}.${i % 100}`, 10, 2))]);
      if (r() < 0.9) parts.push([11, r() < 0.2 ? null : narrowUint(packTime(2000 + (i % 30), 1 + (i % 12), 1 + (i % 28), i % 24, i % 60, i % 60, i * 1000))]);
      if (r() < 0.9) parts.push([12, jsonBinary(obj({ k: [i, 'x"\\', null] }))]);
      // a signed INT stored in 3 bytes: not a width TiDB writes (the general path's answer either way)
      parts.push([13, r() < 0.1 ? Uint8Array.of(1, 2, 3) : narrowInt(BigInt(-i))]);
      same(ps, intRecordKey(61, BigInt(i)), rowV2(parts), `row ${i}`);
    }
    if (wasmOn) for (const p of ps) assert.ok(p.w.wasmRows > 200, `rows written in WebAssembly: ${p.w.wasmRows}`);
  });
  it('writes DATETIME (fsp 0-6), DATE and UTC TIMESTAMP itself, out-of-range packed times declined', () => {
    const cols = [
      ...intStrCols(false).slice(0, 2),
      ...[0, 1, 3, 6].map((fsp, k) => col(10 + k, TypeCode.Datetime, { Decimal: fsp })),
      col(14, TypeCode.Date),
      col(15, TypeCode.Timestamp, { Decimal: 2 }),
      col(16, TypeCode.NewDate),
    ];
    const t = tableOf(cols, true);
    const r = rng(16);
    const packed = (): Uint8Array => {
      const x = r();
      if (x < 0.05) return narrowUint(0n); // the zero date
      // field by field, some out of range (month 13, day 32, hour 24, minute/second 60, usec 10^6, year 10000)
      const bad = x < 0.15;
      const year = bad && r() < 0.2 ? 10000 : Math.floor(r() * 10000);
      const month = bad && r() < 0.3 ? 13 + Math.floor(r() * 3) : Math.floor(r() * 13);
      const day = Math.floor(r() * 32);
      const hour = bad && r() < 0.3 ? 24 + Math.floor(r() * 8) : Math.floor(r() * 24);
      const minute = bad && r() < 0.3 ? 60 + Math.floor(r() * 4) : Math.floor(r() * 60);
      const second = Math.floor(r() * 60);
      const usec = bad && r() < 0.3 ? 1000000 + Math.floor(r() * 1000) : Math.floor(r() * 1000000);
      const ymd = BigInt(((year * 13 + month) << 5) | day);
      const hms = BigInt((hour << 12) | (minute << 6) | second);
      return narrowUint((((ymd << 17n) | hms) << 24n) | BigInt(usec));
    };
    for (const zone of ['UTC', 'Asia/Kolkata']) {
      const ps = pairs(t, zone, [defaultCsvOptions(), { ...defaultCsvOptions(), delimiter: utf8("'") }]);
      for (let i = 0; i < 1500; i++) {
        const parts: [number, Uint8Array | null][] = [[2, narrowInt(BigInt(i))]];
        for (const id of [10, 11, 12, 13, 14, 15, 16]) if (r() < 0.95) parts.push([id, r() < 0.1 ? null : packed()]);
        same(ps, intRecordKey(61, BigInt(i)), rowV2(parts), `${zone} row ${i}`);
      }
      if (wasmOn) for (const p of ps) assert.ok(p.w.wasmRows > 300, `${zone}: rows written in WebAssembly: ${p.w.wasmRows}`);
    }
  });
  it('is not used when under half of the columns are its own (DOUBLE columns)', () => {
    const cols = [...intStrCols(false).slice(0, 2), col(10, TypeCode.Double), col(11, TypeCode.Double), col(12, TypeCode.Double)];
    const ps = wasmPairs(tableOf(cols, true));
    same(ps, intRecordKey(61, 1n), rowV2([[2, narrowInt(5n)], [10, cmpFloat(1.5)], [11, cmpFloat(-2)], [12, cmpFloat(0.1)]]), 'doubles');
    for (const p of ps) assert.equal(p.w.wasmRows + p.w.wasmDeclined, 0);
  });
  it('the JavaScript paths alone (TIKV_EXPORT_WASM=0) pass this file', { skip: !wasmOn }, () => {
    assertPassesWithoutWasm('test/export/row-csv.test.ts');
  });
});
