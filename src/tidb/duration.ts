/**
 * TIME (types.Duration): int64 nanoseconds.
 *
 * Source: pingcap/tidb:pkg/types/time_duration.go / time.go (Duration.String, formatFrac,
 * MaxTime = 838:59:59), tikv/tikv:components/tidb_query_datatype/src/codec/mysql/duration.rs.
 *   Text: [-]HH:MM:SS[.fff] — hours are not wrapped at 24 (max 838); fraction = first fsp digits
 *   of the zero-padded 9-digit nanosecond fraction (truncated, the value was rounded on write).
 *   e.g. 14400000000000 ns -> "04:00:00"; -(838h59m59s) fsp 3 -> "-838:59:59.000".
 */
import { DataError } from '../errors.js';
import { clampFsp } from './mysql-time.js';

export const MAX_DURATION_NS = 3020399n * 1_000_000_000n; // 838:59:59

export function formatDuration(ns: bigint, fsp: number): string {
  const neg = ns < 0n;
  const abs = neg ? -ns : ns;
  if (abs > MAX_DURATION_NS) throw new DataError(`TIME value ${ns} ns outside ±838:59:59`);
  const totalSec = abs / 1_000_000_000n;
  const fracNs = abs % 1_000_000_000n;
  const hours = totalSec / 3600n;
  const minutes = (totalSec / 60n) % 60n;
  const seconds = totalSec % 60n;
  const p2 = (n: bigint): string => n.toString().padStart(2, '0');
  let s = `${neg ? '-' : ''}${p2(hours)}:${p2(minutes)}:${p2(seconds)}`;
  const f = clampFsp(fsp);
  if (f > 0) s += '.' + fracNs.toString().padStart(9, '0').slice(0, f);
  return s;
}
