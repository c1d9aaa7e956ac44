/**
 * Storage warnings of the open (MANIFEST fallback, torn WAL tail, missing or unlisted SSTs, ...)
 * as the dump records them: a "Warnings:" list in metadata and `warnings` in --json, so a
 * degraded read is on record and not only in a log that may be gone.
 *
 * Exit code: 0 promises that every committed row was written. Some warnings mean the reader
 * cannot promise that (it may have read obsolete files, or cannot know whether writes were
 * lost): those make the dump exit 3 even when every table was written. A torn WAL tail (the
 * normal state after a power loss: the last record was never acknowledged) stays exit 0.
 */

export interface SourceWarning {
  code: string;
  message: string;
  file?: string;
}

/** Warnings after which "every committed row was written" cannot be promised (exit 3). */
export const UNPROMISED_WARNINGS: ReadonlySet<string> = new Set([
  'manifest-fallback', // every SST in the directory, obsolete ones too: deleted rows may come back
  'manifest-cut-files', // files a lost MANIFEST edit deleted may still be read
  'missing-sst', // a live SST is not there
  'wal-missing', // unflushed writes, if any, cannot be read
  'wal-corruption', // WAL records after a damaged one were not replayed
  'sst-unreadable',
]);

export function warningsUnpromised(ws: readonly SourceWarning[]): boolean {
  return ws.some((w) => UNPROMISED_WARNINGS.has(w.code));
}

/** One metadata line: "[code] message (file)". */
export function warningText(w: SourceWarning): string {
  return `[${w.code}] ${w.message.replace(/[\r\n]+/g, ' ')}${w.file !== undefined ? ` (${w.file})` : ''}`;
}

/** The same warning reported twice (e.g. by several opens of one directory) is listed once. */
export function dedupeWarnings(ws: readonly SourceWarning[]): SourceWarning[] {
  const seen = new Set<string>();
  const out: SourceWarning[] = [];
  for (const w of ws) {
    const k = `${w.code}\0${w.file ?? ''}\0${w.message}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(w);
  }
  return out;
}
