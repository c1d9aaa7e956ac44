/**
 * Reading the ground truth RocksDB's `sst_dump --command=scan --output_hex` prints, and
 * dumping our cursor in the same shape for entry-by-entry comparison.
 * Line format: `'<user key hex>' seq:<n>, type:<t> => <value hex>` (hex upper case).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { SstReader } from '../../src/rocksdb/sst-reader.js';
import type { InternalCursor } from '../../src/rocksdb/types.js';

export interface ScanEntry {
  key: string;
  seq: number;
  type: number;
  value: string;
}

const LINE = /^'([0-9A-F]*)' seq:(\d+), type:(\d+) => ([0-9A-F]*)$/;

export function parseScanText(text: string): ScanEntry[] {
  const out: ScanEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith("'")) continue;
    const m = LINE.exec(line);
    if (m === null) throw new Error(`unparsable sst_dump line: ${line.slice(0, 120)}`);
    out.push({ key: m[1]!, seq: Number(m[2]), type: Number(m[3]), value: m[4]! });
  }
  return out;
}

export function readScanFile(path: string): ScanEntry[] {
  const raw = readFileSync(path);
  return parseScanText((path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8'));
}

export const toHex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex').toUpperCase();
export const fromHex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));

/** Every entry from seekToFirst (or after `seek(target)`) to the end. */
export function dumpCursor(c: InternalCursor, target?: Uint8Array): ScanEntry[] {
  const out: ScanEntry[] = [];
  if (target === undefined) c.seekToFirst();
  else c.seek(target);
  for (; c.valid(); c.next()) out.push({ key: toHex(c.userKey()), seq: c.seq(), type: c.kind(), value: toHex(c.value()) });
  return out;
}

/** Every entry of the SST file at `path` (opened, scanned from the start, closed). */
export function dumpSstFile(path: string): ScanEntry[] {
  const r = SstReader.open(path);
  try {
    return dumpCursor(r.cursor());
  } finally {
    r.close();
  }
}

/** First index whose entry mismatches, or -1; lengths must match too. */
export function firstMismatch(got: ScanEntry[], want: ScanEntry[]): number {
  const n = Math.max(got.length, want.length);
  for (let i = 0; i < n; i++) {
    const g = got[i];
    const w = want[i];
    if (g === undefined || w === undefined || g.key !== w.key || g.seq !== w.seq || g.type !== w.type || g.value !== w.value) return i;
  }
  return -1;
}

/** `  # name: 0x...` lines of `sst_dump --show_properties` and the "key: value" lines. */
export function parsePropsText(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\s+(#?\s?[^:]+):\s?(.*)$/.exec(line);
    if (m !== null) out.set(m[1]!.trim(), m[2]!.trim());
  }
  return out;
}

/**
 * Seeks `c` by plan: for each [from, to), seek to entry `from`'s user key (it lands on the key's
 * newest version: compared from that version's first entry) and check every entry up to `to`
 * against sst_dump's; the cursor must be exhausted after the last range.
 */
export function followSeekPlan(c: InternalCursor, want: readonly ScanEntry[], plan: readonly [number, number][], name: string): void {
  for (const [from, to] of plan) {
    c.seek(Buffer.from(want[from]!.key, 'hex'));
    let i = from;
    while (i > 0 && want[i - 1]!.key === want[from]!.key) i--;
    for (; i < to; i++, c.next()) {
      assert.ok(c.valid(), `${name}: cursor ended at ${i}`);
      const e = want[i]!;
      assert.equal(toHex(c.userKey()), e.key, `${name} entry ${i}`);
      assert.equal(c.seq(), e.seq);
      assert.equal(toHex(c.value()), e.value);
    }
  }
  assert.equal(c.valid(), false);
}
