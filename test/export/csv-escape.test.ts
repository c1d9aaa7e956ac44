// The Dumpling-dialect escaping (csv.ts pushBackslashed, which scans cells 32 bits at a time and
// gives cells of 128 bytes and more to WebAssembly SIMD) against a byte-at-a-time reference written from the rules in csv.ts's header
// (0x00 -> \0, CR -> \r, LF -> \n, \ -> \\, first delimiter byte (or first separator byte when
// the delimiter is empty) -> \ + byte), on random cells at every alignment inside a larger buffer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CsvFormatter, defaultCsvOptions, utf8, type CsvOptions } from '../../src/export/csv.js';
import { rng } from '../support/rng.js';
import { assertPassesWithoutWasm } from '../support/without-wasm.js';

function reference(cell: Uint8Array, special: number): number[] {
  const out: number[] = [];
  for (const c of cell) {
    if (c === 0x00) out.push(0x5c, 0x30);
    else if (c === 0x0d) out.push(0x5c, 0x72);
    else if (c === 0x0a) out.push(0x5c, 0x6e);
    else if (c === 0x5c) out.push(0x5c, 0x5c);
    else if (c === special) out.push(0x5c, c);
    else out.push(c);
  }
  return out;
}

describe('dumpling escaping vs a byte-at-a-time reference', () => {
  const cases: [string, CsvOptions, number][] = [
    ['default', defaultCsvOptions(), 0x22],
    ["delimiter '", { ...defaultCsvOptions(), delimiter: utf8("'") }, 0x27],
    ['no delimiter, separator |', { ...defaultCsvOptions(), delimiter: new Uint8Array(0), separator: utf8('|') }, 0x7c],
    ['delimiter 0x01', { ...defaultCsvOptions(), delimiter: Uint8Array.of(1) }, 0x01],
  ];
  for (const [name, opts, special] of cases) {
    it(name, () => {
      const r = rng(special);
      const f = new CsvFormatter([{ name: 's', kind: 'string' }], opts);
      const q = opts.delimiter;
      const term = opts.lineTerminator;
      const near = [0x00, 0x0a, 0x0d, 0x5c, special, 0x01, 0x09, 0x0c, 0x0e, 0x0f, 0x5b, 0x5d, 0x21, 0x23, 0xff, 0x80, 0xdc];
      for (let n = 0; n < 20000; n++) {
        // short cells (JS loop), long ones (WebAssembly SIMD from 128 bytes), a few very long
        const len = Math.floor(r() * (n % 3 === 0 ? 40 : n % 97 === 0 ? 6000 : 400));
        const pad = Math.floor(r() * 13);
        const backing = new Uint8Array(pad + len + Math.floor(r() * 9));
        const density = [0, 0.001, 0.02, 0.3][n % 4]!;
        for (let i = 0; i < backing.length; i++) {
          backing[i] = r() < density ? near[Math.floor(r() * near.length)]! : 0x20 + Math.floor(r() * 0x5f);
        }
        const cell = backing.subarray(pad, pad + len);
        const got = Buffer.from(f.row([cell])).toString('hex');
        const want = Buffer.from([...q, ...reference(cell, special), ...q, ...term]).toString('hex');
        assert.equal(got, want, `case ${n}: ${Buffer.from(cell).toString('hex')}`);
      }
    });
  }
});

describe('the WebAssembly escaper (row-csv-wasm.ts escape(), used for cells of 128 bytes and more)', () => {
  it('runs here for every Dumpling-dialect formatter above (Node 20 has WebAssembly SIMD); rows only with a 1-byte separator and delimiter', () => {
    if (process.env.TIKV_EXPORT_WASM === '0') return;
    const cols = [{ name: 's', kind: 'string' as const }];
    const d = defaultCsvOptions();
    assert.equal(new CsvFormatter(cols, d).rowWasm?.writesRows, true);
    assert.equal(new CsvFormatter(cols, { ...d, delimiter: new Uint8Array(0), separator: utf8('|') }).rowWasm?.writesRows, false);
    assert.equal(new CsvFormatter(cols, { ...d, separator: utf8('|#') }).rowWasm?.writesRows, false);
    assert.equal(new CsvFormatter(cols, defaultCsvOptions('rfc4180')).rowWasm, undefined);
  });
  it('the JavaScript loop alone (TIKV_EXPORT_WASM=0) passes the same escaping tests', { skip: process.env.TIKV_EXPORT_WASM === '0' }, () => {
    assertPassesWithoutWasm('test/export/csv-escape.test.ts');
  });
});
