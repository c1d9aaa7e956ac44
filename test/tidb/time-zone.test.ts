import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UserError } from '../../src/errors.js';
import { formatDateTime, type MysqlTime } from '../../src/tidb/mysql-time.js';
import { parseTimeZone } from '../../src/tidb/time-zone.js';

const t = (s: string): MysqlTime => {
  const m = /^(\d+)-(\d+)-(\d+) (\d+):(\d+):(\d+)\.(\d+)$/.exec(s)!;
  return { year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +m[4]!, minute: +m[5]!, second: +m[6]!, microsecond: +m[7]! };
};
const conv = (zone: string, utc: string) => formatDateTime(parseTimeZone(zone).fromUtc(t(utc)), 6);

describe('time zones for TIMESTAMP', () => {
  it('UTC is the default and the identity', () => {
    assert.equal(parseTimeZone(undefined).name, 'UTC');
    assert.equal(conv('UTC', '2021-03-04 05:06:07.000123'), '2021-03-04 05:06:07.000123');
  });
  it('fixed offsets cross day, month and year boundaries', () => {
    assert.equal(conv('+08:00', '2020-12-31 20:00:00.500000'), '2021-01-01 04:00:00.500000');
    assert.equal(conv('-05:30', '2021-03-01 02:00:00.000000'), '2021-02-28 20:30:00.000000');
    assert.equal(conv('+00:00', '2021-03-01 02:00:00.000000'), '2021-03-01 02:00:00.000000');
  });
  it('IANA names follow DST (America/New_York, 2021)', () => {
    assert.equal(conv('America/New_York', '2021-01-15 12:00:00.000000'), '2021-01-15 07:00:00.000000');
    assert.equal(conv('America/New_York', '2021-07-15 12:00:00.000007'), '2021-07-15 08:00:00.000007');
    assert.equal(conv('Asia/Shanghai', '1970-01-01 00:00:01.000000'), '1970-01-01 08:00:01.000000');
    assert.equal(conv('America/New_York', '2021-01-15 05:00:00.000000'), '2021-01-15 00:00:00.000000', 'midnight is 00, not 24');
    assert.equal(conv('America/New_York', '2021-03-14 07:00:00.000000'), '2021-03-14 03:00:00.000000', 'first hour after the spring-forward gap');
    assert.equal(conv('+08:00', '0001-01-01 00:00:00.000000'), '0001-01-01 08:00:00.000000');
  });
  it('never converts the zero timestamp', () => {
    assert.equal(conv('+08:00', '0000-00-00 00:00:00.000000'), '0000-00-00 00:00:00.000000');
    assert.equal(conv('Asia/Tokyo', '0000-00-00 00:00:00.000000'), '0000-00-00 00:00:00.000000');
  });
  it('rejects unknown zones and impossible offsets as user errors', () => {
    assert.throws(() => parseTimeZone('Mars/Olympus'), UserError);
    assert.throws(() => parseTimeZone('+15:00'), UserError);
    assert.throws(() => parseTimeZone('+08:60'), UserError);
  });
});
