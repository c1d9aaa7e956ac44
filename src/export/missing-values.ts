/**
 * Committed Puts whose value cannot be read (LatestScanner stats: missingDefault -- the default-CF
 * entry at start_ts is absent -- and blobIndex -- the value is in a Titan blob file): the export
 * reports the keys, not only a count. The first KEEP per scan (and per table in the summary) are
 * kept as samples and go to
 *   - `{db}.{table}.rejects.jsonl`: {"physical_id", "key": raw key hex, "value": null,
 *     "commit_ts", "start_ts", "error": "value missing from the default CF"} (or "value is in a
 *     Titan blob file (not readable by tikv-export)");
 *   - metadata: `Missing value: db.table key <hex> start_ts … commit_ts …`;
 *   - the log and --json (TableSummary.missingSamples).
 * Timestamps are decimal strings (JSON-safe: checkpoint entries, worker messages, --json).
 */
import type { MvccStats } from '../tikv/mvcc-scan.js';

export interface MissingSample {
  /** Raw (TiDB) key, hex. */
  key: string;
  startTs: string;
  commitTs: string;
  /** true: a Titan blob index; false: no default-CF entry. */
  blob: boolean;
}

export interface MissingValues {
  count: number;
  samples: MissingSample[];
}

export const MISSING_SAMPLES_KEPT = 10;

export function emptyMissingValues(): MissingValues {
  return { count: 0, samples: [] };
}

/** `into` + one scanner's stats (a new object; `into` is not changed). */
export function addMissingValues(into: MissingValues, st: MvccStats | undefined): MissingValues {
  if (st === undefined || st.missingDefault + st.blobIndex === 0) return into;
  const fresh = [
    ...st.missingDefaultSamples.map((m) => ({ key: m.rawKeyHex, startTs: m.startTs.toString(), commitTs: m.commitTs.toString(), blob: false })),
    ...st.blobIndexSamples.map((m) => ({ key: m.rawKeyHex, startTs: m.startTs.toString(), commitTs: m.commitTs.toString(), blob: true })),
  ];
  return { count: into.count + st.missingDefault + st.blobIndex, samples: keepFirst(into.samples, fresh) };
}

/** Samples of a and then b, at most MISSING_SAMPLES_KEPT. */
export function keepFirst(a: readonly MissingSample[], b: readonly MissingSample[]): MissingSample[] {
  const room = MISSING_SAMPLES_KEPT - a.length;
  return room > 0 ? [...a, ...b.slice(0, room)] : [...a];
}

export function missingError(s: MissingSample): string {
  return s.blob ? 'value is in a Titan blob file (not readable by tikv-export)' : 'value missing from the default CF';
}

/** The rejects.jsonl lines (with trailing newlines) for the sampled keys. */
export function missingRejectLines(physicalId: number, samples: readonly MissingSample[]): string {
  let out = '';
  for (const s of samples) {
    out += `${JSON.stringify({ physical_id: physicalId, key: s.key, value: null, commit_ts: s.commitTs, start_ts: s.startTs, error: missingError(s) })}\n`;
  }
  return out;
}

/** One metadata line's value: "db.table key <hex> start_ts … commit_ts …". */
export function missingMetaText(label: string, s: MissingSample): string {
  return `${label} key ${s.key} start_ts ${s.startTs} commit_ts ${s.commitTs}${s.blob ? ' (Titan blob)' : ''}`;
}
