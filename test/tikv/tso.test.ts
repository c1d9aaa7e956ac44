import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { UserError } from '../../src/errors.js';
import { composeTso, parseAsOf, splitTso, tsoToDate, tsoToIso } from '../../src/tikv/tso.js';
import { VECTORS } from './support/vectors.js';

describe('TSO compose/split', () => {
  const v = VECTORS.find((x) => x.source.endsWith('timestamp.rs'));
  it('[derived hex, upstream integer] timestamp.rs test_ts: physical 1568700549751, logical 108 -> 411225436913926252', () => {
    assert.ok(v);
    const expected = BigInt(v.input['expected_u64'] as string);
    assert.equal(expected, 411225436913926252n); // the literal asserted upstream
    const ts = composeTso(BigInt(v.input['physical_ms'] as number), BigInt(v.input['logical'] as number));
    assert.equal(ts, expected);
    assert.equal(ts.toString(16).padStart(16, '0'), v.hex);
    assert.deepEqual(splitTso(ts), { physicalMs: 1568700549751n, logical: 108n });
  });
  it('round trip (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 46n) - 1n }), fc.bigInt({ min: 0n, max: (1n << 18n) - 1n }), (p, l) => {
        assert.deepEqual(splitTso(composeTso(p, l)), { physicalMs: p, logical: l });
      }),
    );
  });
  it('rejects a logical part that does not fit 18 bits', () => {
    assert.throws(() => composeTso(1n, 1n << 18n), RangeError);
  });
  it('TSO -> time: 1568700549751 ms is 2019-09-17T06:09:09.751Z', () => {
    assert.equal(tsoToDate(411225436913926252n).getTime(), 1568700549751);
    assert.equal(tsoToIso(411225436913926252n), '2019-09-17T06:09:09.751Z');
  });
});

// Expected values computed outside our code (Python datetime.fromisoformat(...).timestamp()),
// then (ms << 18) | 0x3FFFF.
describe('parseAsOf', () => {
  const cases: [string, bigint][] = [
    ['411225436913926252', 411225436913926252n],
    ['0', 0n],
    ['18446744073709551615', 18446744073709551615n],
    ['2024-05-01 12:00:00', 449462874931462143n],
    ['2024-05-01T12:00:00', 449462874931462143n],
    ['2024-05-01T12:00:00Z', 449462874931462143n],
    ['2024-05-01T12:00:00+00:00', 449462874931462143n],
    ['2024-05-01 12:00:00.123', 449462874963705855n],
    ['2024-05-01 12:00:00.123999', 449462874963705855n], // truncated to the millisecond
    ['2024-05-01T12:00:00+08:00', 449455325184262143n],
    ['2024-05-01T12:00:00+0800', 449455325184262143n],
    ['2024-02-29T23:59:59.999-05:30', 448075137023999999n],
    ['1970-01-01 00:00:00', 262143n],
    ['  2024-05-01 12:00:00  ', 449462874931462143n],
  ];
  for (const [text, ts] of cases) {
    it(`"${text}" -> ${ts}`, () => assert.equal(parseAsOf(text), ts));
  }
  it('a datetime maps to the largest TSO of its millisecond', () => {
    const ts = parseAsOf('2024-05-01 12:00:00');
    assert.equal(ts & 0x3ffffn, 0x3ffffn);
    assert.equal(ts >> 18n, 1714564800000n);
  });
  const bad = [
    '',
    'now',
    '18446744073709551616',
    '-1',
    '2024-05-01',
    '2024-13-01 00:00:00',
    '2023-02-29 00:00:00',
    '2024-04-31 00:00:00',
    '2024-05-01 24:00:00',
    '2024-05-01 12:60:00',
    '2024-05-01 12:00:60',
    '2024-05-01 12:00:00 PST',
    '2024-05-01T12:00:00+15:00',
    '1969-12-31 23:59:59',
    '1970-01-01T00:00:00+01:00',
    '2024/05/01 12:00:00',
  ];
  for (const b of bad) {
    it(`rejects "${b}" with a UserError`, () => assert.throws(() => parseAsOf(b), UserError));
  }
});
