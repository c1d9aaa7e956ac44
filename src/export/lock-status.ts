/**
 * How a lock's transaction status (scanLocks, src/tikv/mvcc-scan.ts LockStatus) is printed in the
 * dump's log and metadata. Locked values are never exported; for a lock whose transaction already
 * committed (its primary has the commit record) the exported row is the version before that
 * transaction, so it may be older than the committed value.
 */
import type { LockDetail } from './source.js';

/** ` status …` suffix of a metadata "Pending lock" line ('' when the source gave no status). */
export function lockStatusText(l: LockDetail): string {
  if (l.status === undefined) return '';
  if (l.status === 'committed') {
    return ` status committed commit_ts ${l.commitTs ?? '?'} (transaction committed but this key was not resolved: the exported value of this row may be older than the committed one)`;
  }
  if (l.status === 'async-commit') return ' status async-commit (outcome unknown: may be committed; the exported value of this row may be older)';
  return ` status ${l.status}`;
}

/** Log-message suffix naming committed / async-commit locks among the listed ones. */
export function lockStatusNote(details: readonly LockDetail[]): string {
  const committed = details.filter((d) => d.status === 'committed').length;
  const maybe = details.filter((d) => d.status === 'async-commit').length;
  if (committed === 0 && maybe === 0) return '';
  const parts: string[] = [];
  if (committed > 0) parts.push(`${committed} belong to committed transactions`);
  if (maybe > 0) parts.push(`${maybe} to async-commit transactions that may have committed`);
  return ` (of the ${details.length} listed, ${parts.join(' and ')}: the exported value of those rows may be older than the committed one)`;
}
