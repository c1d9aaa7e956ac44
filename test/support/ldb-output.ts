/**
 * Parser for `ldb scan --hex` output (RocksDB 7.8.3 tools/ldb_cmd.cc, ScanCommand::DoCommand):
 * one line per visible entry,
 *
 *   0x<KEY HEX> : 0x<VALUE HEX>\n
 *
 * hex digits upper-case (ldb's StringToHex), an empty key or value printed as a bare `0x`.
 * Used on the ground-truth files committed under fixtures/rocksdb/<case>/expected/ — pure TS,
 * no ldb needed. Anything that is not such a line (e.g. ldb's "Failed: ..." message) is an
 * error, so a truncated or failed capture can never pass as an empty scan.
 */

export interface LdbEntry {
  key: Uint8Array;
  value: Uint8Array;
}

const LINE = /^0x([0-9A-Fa-f]*) : 0x([0-9A-Fa-f]*)$/;

function hexToBytes(hex: string, lineNo: number): Uint8Array {
  if (hex.length % 2 !== 0) {
    throw new Error(`ldb scan output line ${lineNo}: odd number of hex digits`);
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  }
  return out;
}

export function parseLdbScanHex(text: string): LdbEntry[] {
  const lines = text.split('\n');
  // Exactly one trailing newline is allowed (and expected when there are entries).
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const out: LdbEntry[] = [];
  lines.forEach((line, i) => {
    const m = LINE.exec(line);
    if (m === null) {
      throw new Error(`ldb scan output line ${i + 1}: not "0xKEY : 0xVALUE": ${JSON.stringify(line.slice(0, 120))}`);
    }
    out.push({ key: hexToBytes(m[1]!, i + 1), value: hexToBytes(m[2]!, i + 1) });
  });
  return out;
}

/** Inverse of parseLdbScanHex (ldb's exact spelling), for writing and diffing scans. */
export function formatLdbScanHex(entries: readonly LdbEntry[]): string {
  const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex').toUpperCase();
  return entries.map((e) => `0x${hex(e.key)} : 0x${hex(e.value)}\n`).join('');
}
