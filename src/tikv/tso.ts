/**
 * TSO (timestamp oracle) values: physical milliseconds since the Unix epoch << 18 | logical.
 * Source: tikv/tikv:components/txn_types/src/timestamp.rs (`TSO_PHYSICAL_SHIFT_BITS = 18`,
 * `compose`, `physical`, `logical`). Example: physical 1568700549751, logical 108 ->
 * 411225436913926252.
 */
import { UserError } from '../errors.js';
import { U64_MAX } from './number-codec.js';

export const TSO_PHYSICAL_SHIFT_BITS = 18n;
export const TSO_LOGICAL_MASK = (1n << TSO_PHYSICAL_SHIFT_BITS) - 1n; // 0x3FFFF
/** Read timestamp meaning "latest" (TiKV uses u64::MAX). */
export const MAX_TS = U64_MAX;

export function composeTso(physicalMs: bigint, logical: bigint): bigint {
  if (physicalMs < 0n || physicalMs > U64_MAX >> TSO_PHYSICAL_SHIFT_BITS) throw new RangeError(`physical out of range: ${physicalMs}`);
  if (logical < 0n || logical > TSO_LOGICAL_MASK) throw new RangeError(`logical out of range: ${logical}`);
  return (physicalMs << TSO_PHYSICAL_SHIFT_BITS) | logical;
}

export function splitTso(ts: bigint): { physicalMs: bigint; logical: bigint } {
  return { physicalMs: ts >> TSO_PHYSICAL_SHIFT_BITS, logical: ts & TSO_LOGICAL_MASK };
}

/** The wall-clock time of a TSO (millisecond precision). */
export function tsoToDate(ts: bigint): Date {
  return new Date(Number(ts >> TSO_PHYSICAL_SHIFT_BITS));
}

/** "2024-05-01T12:00:00.000Z" for display. */
export function tsoToIso(ts: bigint): string {
  return tsoToDate(ts).toISOString();
}

const DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Parse an --as-of value: a decimal TSO, or a datetime `YYYY-MM-DD HH:MM:SS[.fff]` / ISO 8601
 * (`T` separator, optional `Z` or `±HH[:MM]` zone; UTC when no zone is given). A datetime maps
 * to the *largest* TSO of its millisecond, so everything committed during that millisecond is
 * visible. Digits past the millisecond are truncated. Throws UserError on anything else.
 */
export function parseAsOf(text: string): bigint {
  const t = text.trim();
  if (/^\d+$/.test(t)) {
    const v = BigInt(t);
    if (v > U64_MAX) throw new UserError(`--as-of TSO ${t} does not fit in 64 bits`);
    return v;
  }
  const m = DATETIME.exec(t);
  if (m === null) {
    throw new UserError(
      `--as-of must be a decimal TSO or a datetime like "2024-05-01 12:00:00" or "2024-05-01T12:00:00+08:00" (got "${text}")`,
    );
  }
  const [, ys, mos, ds, hs, mis, ss, frac, zone] = m;
  const y = Number(ys), mo = Number(mos), d = Number(ds), h = Number(hs), mi = Number(mis), s = Number(ss);
  const ms = frac === undefined ? 0 : Number(frac.padEnd(3, '0').slice(0, 3));
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) {
    throw new UserError(`--as-of datetime out of range: "${text}"`);
  }
  let local = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const check = new Date(local);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) {
    throw new UserError(`--as-of date does not exist: "${text}"`);
  }
  if (y < 1970) throw new UserError(`--as-of datetime is before 1970: "${text}"`);
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const zh = Number(digits.slice(0, 2));
    const zm = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (zh > 14 || zm > 59) throw new UserError(`--as-of time zone out of range: "${zone}"`);
    local -= sign * (zh * 60 + zm) * 60_000;
  }
  if (local < 0) throw new UserError(`--as-of datetime is before 1970: "${text}"`);
  return composeTso(BigInt(local), TSO_LOGICAL_MASK);
}
