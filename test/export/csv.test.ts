// CSV formatter: expected bytes are written by hand from Dumpling's escapeBackslashCSV rules
// (docs prior-art.md §3.2) and RFC 4180; the rfc4180 dialect is also checked byte-for-byte
// against csv-stringify, and the dumpling dialect against a small independent reader.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { stringify } from 'csv-stringify/sync';
import { parse } from 'csv-parse/sync';
import {
  CsvFormatter,
  defaultCsvOptions,
  parseCsvArg,
  parseDumplingCsv,
  type CellKind,
  type CsvColumn,
  type CsvOptions,
} from '../../src/export/csv.js';

const b = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const s = (u: Uint8Array): string => Buffer.from(u).toString('latin1');

function fmt(kinds: CellKind[], cells: (string | null)[], opts: Partial<CsvOptions> = {}): string {
  const cols: CsvColumn[] = kinds.map((k, i) => ({ name: `c${i}`, kind: k }));
  const f = new CsvFormatter(cols, { ...defaultCsvOptions(opts.dialect ?? 'dumpling'), ...opts });
  return s(f.row(cells.map((c) => (c === null ? null : b(c)))));
}

test('dumpling: every special byte is escaped exactly as escapeBackslashCSV', () => {
  const cases: [string, string][] = [
    ['\x00', '"\\0"\r\n'],
    ['\r', '"\\r"\r\n'],
    ['\n', '"\\n"\r\n'],
    ['\\', '"\\\\"\r\n'],
    ['"', '"\\""\r\n'],
    ['\t', '"\t"\r\n'], // not escaped in CSV
    ['\x1a', '"\x1a"\r\n'], // not escaped in CSV
    [',', '","\r\n'], // separator inside quotes needs nothing
    ["'", '"\'"\r\n'],
    ['a\r\nb', '"a\\r\\nb"\r\n'],
    ['\\N', '"\\\\N"\r\n'], // the text \N is not NULL
    ['', '""\r\n'],
  ];
  for (const [input, want] of cases) {
    assert.equal(fmt(['string'], [input]), want, JSON.stringify(input));
    assert.equal(fmt(['bytes'], [input]), want, `bytes ${JSON.stringify(input)}`);
  }
});

test('dumpling: numbers unquoted, NULL unquoted \\N, separator and terminator', () => {
  assert.equal(fmt(['number', 'string', 'bytes', 'number'], ['-12.50', 'x', 'y', null]), '-12.50,"x","y",\\N\r\n');
  assert.equal(fmt(['string', 'string'], [null, '']), '\\N,""\r\n');
});

test('dumpling: non-UTF-8 bytes pass through untouched', () => {
  const cols: CsvColumn[] = [{ name: 'b', kind: 'bytes' }];
  const f = new CsvFormatter(cols, defaultCsvOptions());
  const all = new Uint8Array(256).map((_, i) => i);
  const out = f.row([all]);
  // 256 bytes + 5 escapes (00 0a 0d 22 5c) + 2 quotes + CRLF
  assert.equal(out.length, 256 + 5 + 2 + 2);
  // the high half is copied verbatim (0x80..0xff never escaped)
  assert.deepEqual(Array.from(out.subarray(out.length - 3 - 128, out.length - 3)), Array.from(all.subarray(128)));
  assert.deepEqual(parseDumplingCsv(out), [[all]]);
  // invalid UTF-8 in a string column too
  assert.equal(fmt(['string'], ['\xc3\x28\xff']), '"\xc3\x28\xff"\r\n');
});

test('dumpling: custom separator, delimiter, null, terminator', () => {
  assert.equal(
    fmt(['string', 'number', 'string'], ["it's", '1', null], {
      separator: b('|+'),
      delimiter: b("'"),
      nullValue: b('NULL'),
      lineTerminator: b('\n'),
    }),
    "'it\\'s'|+1|+NULL\n",
  );
  // a double quote is not special when the delimiter is '
  assert.equal(fmt(['string'], ['"'], { delimiter: b("'") }), "'\"'\r\n");
});

test('dumpling: empty delimiter quotes nothing and escapes the separator first byte', () => {
  assert.equal(fmt(['string', 'string'], ['a,b', 'c"d'], { delimiter: b('') }), 'a\\,b,c"d\r\n');
  assert.equal(fmt(['string'], ['x;;y'], { delimiter: b(''), separator: b(';;') }), 'x\\;\\;y\r\n');
});

test('header row: column names quoted and escaped like strings; --no-header', () => {
  const cols: CsvColumn[] = [
    { name: 'id', kind: 'number' },
    { name: 'we"ird\\name', kind: 'bytes' },
  ];
  assert.equal(s(new CsvFormatter(cols, defaultCsvOptions()).header()), '"id","we\\"ird\\\\name"\r\n');
  assert.equal(s(new CsvFormatter(cols, { ...defaultCsvOptions(), header: false }).header()), '');
  assert.equal(s(new CsvFormatter(cols, defaultCsvOptions('rfc4180')).header()), '"id","we""ird\\name"\r\n');
});

test('rfc4180: doubled quotes, backslashes literal, binary as hex or base64', () => {
  assert.equal(fmt(['string'], ['a"b\\c\r\n\x00'], { dialect: 'rfc4180' }), '"a""b\\c\r\n\x00"\r\n');
  assert.equal(fmt(['bytes'], ['\x00\xff"'], { dialect: 'rfc4180' }), '"00ff22"\r\n');
  assert.equal(fmt(['bytes'], ['\x00\xff"'], { dialect: 'rfc4180', binaryFormat: 'base64' }), '"AP8i"\r\n');
  assert.equal(fmt(['bytes'], ['"'], { dialect: 'rfc4180', binaryFormat: 'raw' }), '""""\r\n');
  assert.equal(fmt(['string'], ['x||y'], { dialect: 'rfc4180', delimiter: b('||') }), '||x||||y||\r\n');
  assert.throws(() => fmt(['string'], ['x'], { dialect: 'rfc4180', delimiter: b('') }), /non-empty/);
  // dumpling dialect can also take hex binaries
  assert.equal(fmt(['bytes'], ['\x01\xab'], { binaryFormat: 'hex' }), '"01ab"\r\n');
});

test('rfc4180 output is byte-identical to csv-stringify configured equivalently (latin1-mapped)', () => {
  const kindArb = fc.constantFrom<CellKind>('number', 'string', 'bytes');
  const cellArb = fc.option(fc.uint8Array({ maxLength: 12 }), { nil: null, freq: 5 });
  fc.assert(
    fc.property(
      fc.array(fc.tuple(kindArb, cellArb), { minLength: 1, maxLength: 6 }),
      fc.constantFrom('\r\n', '\n'),
      (spec, term) => {
        const kinds = spec.map(([k]) => k);
        const cols: CsvColumn[] = kinds.map((k, i) => ({ name: `col"${i}`, kind: k }));
        const opts: CsvOptions = { ...defaultCsvOptions('rfc4180'), binaryFormat: 'raw', lineTerminator: b(term) };
        const f = new CsvFormatter(cols, opts);
        // number cells must be digits; keep arbitrary bytes for the others
        const cells = spec.map(([k, c]) => (c === null ? null : k === 'number' ? b(String(c.length * 7 - 20)) : c));
        const ours = Buffer.concat([f.header(), f.row(cells)]);
        const header = cols.map((c) => ({ value: c.name, quoted: true }));
        const record = cells.map((c, i) =>
          c === null
            ? { value: '\\N', quoted: false }
            : { value: s(c), quoted: kinds[i] !== 'number' },
        );
        const theirs = stringify([header, record], {
          record_delimiter: term,
          quoted_empty: true,
          cast: { object: (v) => v as unknown as string },
        });
        assert.equal(ours.toString('latin1'), theirs);
      },
    ),
    { numRuns: 300 },
  );
});

test('rfc4180 output reads back with csv-parse', () => {
  fc.assert(
    fc.property(fc.array(fc.option(fc.string({ maxLength: 10 }), { nil: null }), { minLength: 1, maxLength: 5 }), (vals) => {
      const cols: CsvColumn[] = vals.map((_, i) => ({ name: `c${i}`, kind: 'string' }));
      const f = new CsvFormatter(cols, defaultCsvOptions('rfc4180'));
      const out = Buffer.concat([f.header(), f.row(vals.map((v) => (v === null ? null : Buffer.from(v))))]).toString();
      const rows = parse(out, { relax_column_count: false, record_delimiter: '\r\n' }) as string[][];
      assert.deepEqual(rows[0], cols.map((c) => c.name));
      assert.deepEqual(rows[1], vals.map((v) => (v === null ? '\\N' : v)));
    }),
    { numRuns: 200 },
  );
});

test('dumpling round trip through an independent reader (property)', () => {
  fc.assert(
    fc.property(fc.array(fc.option(fc.uint8Array({ maxLength: 16 }), { nil: null }), { minLength: 1, maxLength: 5 }), (cells) => {
      const cols: CsvColumn[] = cells.map((_, i) => ({ name: `c${i}`, kind: 'bytes' }));
      const f = new CsvFormatter(cols, defaultCsvOptions());
      const out = Buffer.concat([f.row(cells), f.row(cells)]);
      const back = parseDumplingCsv(out);
      assert.deepEqual(back.map((r) => r.map((c) => (c === null ? null : Array.from(c)))), [0, 1].map(() => cells.map((c) => (c === null ? null : Array.from(c)))));
    }),
    { numRuns: 300 },
  );
});

test('parseCsvArg understands \\t \\n \\r \\\\ and keeps \\N literal', () => {
  assert.equal(s(parseCsvArg('\\t')), '\t');
  assert.equal(s(parseCsvArg('\\r\\n')), '\r\n');
  assert.equal(s(parseCsvArg('\\N')), '\\N');
  assert.equal(s(parseCsvArg('a\\\\b')), 'a\\b');
});

test('row with the wrong number of cells is an internal error, not silent', () => {
  const f = new CsvFormatter([{ name: 'a', kind: 'string' }], defaultCsvOptions());
  assert.throws(() => f.row([null, null]), /2 cells/);
});
