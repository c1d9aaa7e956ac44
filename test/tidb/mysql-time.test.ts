import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DataError } from '../../src/errors.js';
import { decodeNarrowUint } from '../../src/tidb/codec-number.js';
import {
  formatDate,
  formatDateTime,
  fromCoreTime,
  fromPacked,
  toCoreTime,
  toPacked,
  type MysqlTime,
} from '../../src/tidb/mysql-time.js';
import { packTime, u64be } from './support/codec-encoders.js';
import { fromHex, label, vectorsMatching } from './support/codec-vectors.js';

const T = (year: number, month: number, day: number, hour = 0, minute = 0, second = 0, microsecond = 0): MysqlTime => ({
  year,
  month,
  day,
  hour,
  minute,
  second,
  microsecond,
});

describe('packed time', () => {
  const [v] = vectorsMatching(/^TIMESTAMP\(6\) '2011-11-10 11:11:11.999999'/);
  it(label(v!), () => {
    const packed = decodeNarrowUint(fromHex(v!.hex));
    assert.equal(packed.toString(), v!.input['packed_u64']);
    assert.equal(packed, packTime(2011, 11, 10, 11, 11, 11, 999999), 'test encoder agrees');
    const t = fromPacked(packed);
    assert.deepEqual(t, T(2011, 11, 10, 11, 11, 11, 999999));
    assert.equal(formatDateTime(t, 6), '2011-11-10 11:11:11.999999');
    assert.equal(toPacked(t), packed);
  });
  it('zero value is the zero date', () => {
    assert.equal(formatDateTime(fromPacked(0n), 0), '0000-00-00 00:00:00');
    assert.equal(formatDate(fromPacked(0n)), '0000-00-00');
  });
  it('prints fsp digits truncated from the 6-digit microseconds', () => {
    const t = T(2024, 2, 29, 23, 5, 9, 120000);
    assert.equal(formatDateTime(t, 0), '2024-02-29 23:05:09');
    assert.equal(formatDateTime(t, 1), '2024-02-29 23:05:09.1');
    assert.equal(formatDateTime(t, 3), '2024-02-29 23:05:09.120');
    assert.equal(formatDateTime(t, 6), '2024-02-29 23:05:09.120000');
    assert.equal(formatDateTime(T(1, 1, 1, 0, 0, 0, 5), 6), '0001-01-01 00:00:00.000005');
  });
  it('keeps invalid-but-stored dates with zero month/day as they are', () => {
    assert.equal(formatDate(fromPacked(packTime(2020, 0, 0, 0, 0, 0, 0))), '2020-00-00');
  });
  const bad: [string, bigint][] = [
    ['hour 24', packTime(2020, 1, 1, 24, 0, 0, 0)],
    ['minute 60', packTime(2020, 1, 1, 0, 60, 0, 0)],
    ['second 60', packTime(2020, 1, 1, 0, 0, 60, 0)],
    ['microsecond 1000000', packTime(2020, 1, 1, 0, 0, 0, 1000000)],
    ['year 10000', packTime(10000, 1, 1, 0, 0, 0, 0)],
  ];
  for (const [name, p] of bad) it(`rejects ${name}`, () => assert.throws(() => fromPacked(p), DataError));

  const timeArb = fc.record({
    year: fc.integer({ min: 0, max: 9999 }),
    month: fc.integer({ min: 0, max: 12 }),
    day: fc.integer({ min: 0, max: 31 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    second: fc.integer({ min: 0, max: 59 }),
    microsecond: fc.integer({ min: 0, max: 999999 }),
  });
  const key = (t: MysqlTime) => formatDateTime(t, 6);
  it('property: fromPacked(pack(t)) = t, and packed order = chronological order', () => {
    fc.assert(
      fc.property(timeArb, timeArb, (a, b) => {
        const pa = packTime(a.year, a.month, a.day, a.hour, a.minute, a.second, a.microsecond);
        const pb = packTime(b.year, b.month, b.day, b.hour, b.minute, b.second, b.microsecond);
        assert.deepEqual(fromPacked(pa), { ...a });
        const c = Math.sign(Buffer.compare(Buffer.from(u64be(pa)), Buffer.from(u64be(pb))));
        assert.equal(c, key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
      }),
    );
  });
  it('property: CoreTime round trip', () => {
    fc.assert(fc.property(timeArb, (t) => assert.deepEqual(fromCoreTime(toCoreTime(t)), { ...t })));
  });
});

describe('CoreTime (JSON)', () => {
  const [v] = vectorsMatching(/^binary JSON DATETIME value/);
  it(label(v!), () => {
    const b = fromHex(v!.hex);
    const core = new DataView(b.buffer, 1).getBigUint64(0, true);
    assert.equal(formatDateTime(fromCoreTime(core), 6), '2011-11-10 11:11:11.999999');
  });
  it('ignores the low 4 fsp/type bits', () => {
    assert.deepEqual(fromCoreTime(toCoreTime(T(2000, 1, 2)) | 0xfn), T(2000, 1, 2));
  });
});
