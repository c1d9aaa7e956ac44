/**
 * Keys skipped by LatestScanner because their write-CF record does not parse (stats.corruptWrites,
 * src/tikv/mvcc-scan.ts): the export reports them like rejected rows — counted in `rejected`
 * (exit 3) and, for the sampled ones, one rejects.jsonl line each:
 *   {"physical_id", "key": raw key hex, "value": write-CF value hex, "commit_ts",
 *    "error": "write-CF record does not parse: …", "write_key": write-CF key hex}
 * No row of such a key is exported (not even an older version).
 */
import type { CorruptWriteSample, MvccStats } from '../tikv/mvcc-scan.js';

/** Running total over several LatestScanners (first SAMPLE_LIMIT samples kept). */
export interface CorruptWrites {
  count: number;
  samples: CorruptWriteSample[];
}

const KEEP = 10;

export function emptyCorruptWrites(): CorruptWrites {
  return { count: 0, samples: [] };
}

/** `into` + one scanner's stats (a new object; `into` is not changed). */
export function addCorruptWrites(into: CorruptWrites, st: MvccStats | undefined): CorruptWrites {
  if (st === undefined || st.corruptWrites === 0) return into;
  const room = KEEP - into.samples.length;
  return {
    count: into.count + st.corruptWrites,
    samples: room > 0 ? [...into.samples, ...st.corruptWriteSamples.slice(0, room)] : into.samples,
  };
}

/** The rejects.jsonl lines (with trailing newlines) for the sampled keys. */
export function corruptWriteRejectLines(physicalId: number, c: CorruptWrites): string {
  let out = '';
  for (const s of c.samples) {
    out += `${JSON.stringify({
      physical_id: physicalId,
      key: s.rawKeyHex,
      value: s.valueHex,
      commit_ts: s.commitTs.toString(),
      error: `write-CF record does not parse (key skipped, no version of it exported): ${s.error}`,
      write_key: s.writeKeyHex,
    })}\n`;
  }
  return out;
}
