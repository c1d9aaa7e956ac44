/**
 * Time zone for TIMESTAMP rendering. TiDB stores TIMESTAMP in UTC (row v1/v2, keys) and converts
 * to the session zone on read (pingcap/tidb:pkg/util/rowcodec/decoder.go, tablecodec Unflatten).
 *
 * Accepted names: "UTC" (default; also "Z", "+00:00"), fixed offsets "+HH:MM" / "-HH:MM"
 * (MySQL's time_zone syntax, |offset| <= 14:00), and IANA names ("Asia/Shanghai") resolved
 * through Intl. The zero timestamp 0000-00-00 00:00:00 is never converted (as in TiDB).
 */
import { UserError } from '../errors.js';
import { isZeroTime, type MysqlTime } from './mysql-time.js';

export interface TimeZone {
  readonly name: string;
  /** Converts a UTC wall time into this zone's wall time (microseconds untouched). */
  fromUtc(t: MysqlTime): MysqlTime;
}

const UTC: TimeZone = { name: 'UTC', fromUtc: (t) => t };

/** Whether the zone is UTC itself (fromUtc is the identity): TIMESTAMPs print as stored. */
export function isUtc(tz: TimeZone): boolean {
  return tz === UTC;
}

function epochMs(t: MysqlTime): number {
  const d = new Date(0);
  d.setUTCFullYear(t.year, t.month - 1, t.day);
  d.setUTCHours(t.hour, t.minute, t.second, 0);
  return d.getTime();
}

function fromEpochMs(ms: number, microsecond: number): MysqlTime {
  const d = new Date(ms);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    microsecond,
  };
}

function fixedOffset(name: string, minutes: number): TimeZone {
  return {
    name,
    fromUtc: (t) => (isZeroTime(t) ? t : fromEpochMs(epochMs(t) + minutes * 60000, t.microsecond)),
  };
}

function iana(name: string): TimeZone {
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    throw new UserError(`unknown time zone ${JSON.stringify(name)} (use UTC, +HH:MM or an IANA name)`);
  }
  const canonical = fmt.resolvedOptions().timeZone;
  return {
    name: canonical,
    fromUtc: (t) => {
      if (isZeroTime(t)) return t;
      const parts = fmt.formatToParts(new Date(epochMs(t)));
      const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? NaN);
      const r: MysqlTime = {
        year: get('year'),
        month: get('month'),
        day: get('day'),
        hour: get('hour'),
        minute: get('minute'),
        second: get('second'),
        microsecond: t.microsecond,
      };
      if (Object.values(r).some((n) => !Number.isFinite(n))) {
        throw new UserError(`time zone ${name} cannot convert ${JSON.stringify(t)}`);
      }
      return r;
    },
  };
}

export function parseTimeZone(text: string | undefined): TimeZone {
  if (text === undefined || text === '' || /^(utc|z)$/i.test(text)) return UTC;
  const m = /^([+-])(\d{1,2}):(\d{2})$/.exec(text);
  if (m !== null) {
    const h = Number(m[2]);
    const mi = Number(m[3]);
    const total = h * 60 + mi;
    if (mi > 59 || total > 14 * 60) throw new UserError(`time zone offset ${text} out of range (max ±14:00)`);
    if (total === 0) return UTC;
    return fixedOffset(`${m[1]}${String(h).padStart(2, '0')}:${m[3]}`, m[1] === '-' ? -total : total);
  }
  return iana(text);
}
