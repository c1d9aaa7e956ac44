// Micro-benchmark: tikv-export's byte-level CSV formatter vs csv-stringify configured to produce
// the same bytes (rfc4180 dialect, latin1-mapped cells). Not a test: prints timings and checks
// the outputs are byte-identical.
//   node --import tsx scripts/bench-csv.ts [rows]
import { stringify } from 'csv-stringify/sync';
import { CsvFormatter, defaultCsvOptions, type CsvColumn } from '../src/export/csv.js';

const rows = Number(process.argv[2] ?? 200_000);
const cols: CsvColumn[] = [
  { name: 'id', kind: 'number' },
  { name: 'name', kind: 'string' },
  { name: 'note', kind: 'string' },
  { name: 'amount', kind: 'number' },
  { name: 'blob', kind: 'bytes' },
];
const enc = new TextEncoder();
const data: (Uint8Array | null)[][] = [];
for (let i = 0; i < rows; i++) {
  data.push([
    enc.encode(String(i)),
    enc.encode(`customer ${i} "quoted"`),
    i % 7 === 0 ? null : enc.encode(`line one\r\nline two, with comma ${i}`),
    enc.encode((i * 1.25).toFixed(2)),
    Uint8Array.of(i & 0xff, 0x22, 0x00, 0xff),
  ]);
}
const latin1 = (u: Uint8Array): string => Buffer.from(u).toString('latin1');

function ours(): Buffer {
  const f = new CsvFormatter(cols, { ...defaultCsvOptions('rfc4180'), binaryFormat: 'raw' });
  const parts: Uint8Array[] = [f.header()];
  for (const r of data) parts.push(f.row(r).slice());
  return Buffer.concat(parts);
}

function theirs(): Buffer {
  const records: unknown[][] = [cols.map((c) => ({ value: c.name, quoted: true }))];
  for (const r of data) {
    records.push(r.map((c, i) => (c === null ? { value: '\\N', quoted: false } : { value: latin1(c), quoted: cols[i]!.kind !== 'number' })));
  }
  return Buffer.from(stringify(records, { record_delimiter: '\r\n', quoted_empty: true, cast: { object: (v) => v as unknown as string } }), 'latin1');
}

function time(name: string, fn: () => Buffer): Buffer {
  fn(); // warm up
  const t0 = process.hrtime.bigint();
  const out = fn();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(`${name.padEnd(14)} ${ms.toFixed(1).padStart(8)} ms  ${((rows / ms) * 1000).toFixed(0).padStart(10)} rows/s  ${(out.length / 1e6 / (ms / 1000)).toFixed(1)} MB/s`);
  return out;
}

const a = time('tikv-export', ours);
const b = time('csv-stringify', theirs);
console.log(`byte-identical: ${a.equals(b)} (${a.length} bytes)`);
if (!a.equals(b)) process.exitCode = 1;
