// Child process of codec-fallback.test.ts (run with TIKV_EXPORT_NATIVE_CODECS=0): scans every
// lz4/lz4hc/zstd fixture SST with whatever decoders compression.ts loaded and prints, as JSON,
// the codec status and, per file, whether the scan equals sst_dump's or the error it raised.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codecStatus } from '../../../src/rocksdb/compression.js';
import { SstReader } from '../../../src/rocksdb/sst-reader.js';
import { dumpCursor, readScanFile } from '../sst-scan-text.js';

const dir = fileURLToPath(new URL('../../../fixtures/rocksdb-sst', import.meta.url));
const files: { name: string; entries: number; same: boolean; error?: string }[] = [];
for (const f of readdirSync(dir).filter((n) => n.endsWith('.sst') && /-(lz4|lz4hc|zstd)-/.test(n)).sort()) {
  const base = f.slice(0, -4);
  const want = readScanFile(join(dir, `${base}.scan.txt.gz`));
  try {
    const r = SstReader.open(join(dir, f));
    const got = dumpCursor(r.cursor());
    r.close();
    files.push({ name: base, entries: got.length, same: JSON.stringify(got) === JSON.stringify(want) });
  } catch (e) {
    files.push({ name: base, entries: 0, same: false, error: e instanceof Error ? e.message : String(e) });
  }
}
process.stdout.write(JSON.stringify({ status: codecStatus(), files }));
