/**
 * DATE / DATETIME / TIMESTAMP values.
 *
 * Packed uint64 (storage form in keys, row v1 and row v2):
 *   source pingcap/tidb:pkg/types/time.go (ToPackedUint / FromPackedUint),
 *   tikv/tikv:components/tidb_query_datatype/src/codec/mysql/time/mod.rs (to_packed_u64).
 *     ymd = ((year*13 + month) << 5) | day
 *     hms = hour << 12 | minute << 6 | second
 *     packed = ((ymd << 17) | hms) << 24 | microsecond
 *   e.g. 2011-11-10 11:11:11.999999 -> 1840446893366133311 (0x198a94b2cb0f423f). 0 = zero date.
 *
 * CoreTime (in-memory layout, used inside binary JSON):
 *   year bits 63..50, month 49..46, day 45..41, hour 40..36, minute 35..30, second 29..24,
 *   microsecond 23..4, bits 3..0 fsp/type (ignored).   source pkg/types/time.go bit constants.
 */
import { DataError } from '../errors.js';

export interface MysqlTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  microsecond: number;
}

export const ZERO_TIME: MysqlTime = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, microsecond: 0 };

export function isZeroTime(t: MysqlTime): boolean {
  return t.year === 0 && t.month === 0 && t.day === 0 && t.hour === 0 && t.minute === 0 && t.second === 0 && t.microsecond === 0;
}

function validate(t: MysqlTime, what: string): MysqlTime {
  if (t.year > 9999 || t.month > 12 || t.day > 31 || t.hour > 23 || t.minute > 59 || t.second > 59 || t.microsecond > 999999) {
    throw new DataError(
      `${what} does not hold a valid time: ${t.year}-${t.month}-${t.day} ${t.hour}:${t.minute}:${t.second}.${t.microsecond}`,
    );
  }
  return t;
}

export function fromPacked(packed: bigint): MysqlTime {
  const p = BigInt.asUintN(64, packed);
  const microsecond = Number(p & 0xffffffn);
  const hms = Number((p >> 24n) & 0x1ffffn);
  const ymd = Number(p >> 41n);
  const day = ymd & 31;
  const ym = ymd >>> 5;
  return validate(
    {
      year: Math.floor(ym / 13),
      month: ym % 13,
      day,
      hour: hms >>> 12,
      minute: (hms >>> 6) & 63,
      second: hms & 63,
      microsecond,
    },
    `packed time ${p}`,
  );
}

export function toPacked(t: MysqlTime): bigint {
  const ymd = BigInt(((t.year * 13 + t.month) << 5) | t.day);
  const hms = BigInt((t.hour << 12) | (t.minute << 6) | t.second);
  return (((ymd << 17n) | hms) << 24n) | BigInt(t.microsecond);
}

export function fromCoreTime(core: bigint): MysqlTime {
  const c = BigInt.asUintN(64, core);
  const f = (shift: bigint, bits: bigint): number => Number((c >> shift) & ((1n << bits) - 1n));
  return validate(
    {
      year: f(50n, 14n),
      month: f(46n, 4n),
      day: f(41n, 5n),
      hour: f(36n, 5n),
      minute: f(30n, 6n),
      second: f(24n, 6n),
      microsecond: f(4n, 20n),
    },
    `JSON CoreTime 0x${c.toString(16)}`,
  );
}

export function toCoreTime(t: MysqlTime): bigint {
  return (
    (BigInt(t.year) << 50n) |
    (BigInt(t.month) << 46n) |
    (BigInt(t.day) << 41n) |
    (BigInt(t.hour) << 36n) |
    (BigInt(t.minute) << 30n) |
    (BigInt(t.second) << 24n) |
    (BigInt(t.microsecond) << 4n)
  );
}

const p2 = (n: number): string => String(n).padStart(2, '0');

/** `YYYY-MM-DD` (Time.String for DATE). */
export function formatDate(t: MysqlTime): string {
  return `${String(t.year).padStart(4, '0')}-${p2(t.month)}-${p2(t.day)}`;
}

/** `YYYY-MM-DD HH:MM:SS[.ffffff]` with the first `fsp` microsecond digits (fsp 0..6). */
export function formatDateTime(t: MysqlTime, fsp: number): string {
  const base = `${formatDate(t)} ${p2(t.hour)}:${p2(t.minute)}:${p2(t.second)}`;
  const f = clampFsp(fsp);
  return f > 0 ? `${base}.${String(t.microsecond).padStart(6, '0').slice(0, f)}` : base;
}

export function clampFsp(fsp: number): number {
  if (!Number.isInteger(fsp) || fsp < 0) return 0;
  return fsp > 6 ? 6 : fsp;
}
