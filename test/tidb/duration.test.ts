import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DataError } from '../../src/errors.js';
import { decodeNarrowInt } from '../../src/tidb/codec-number.js';
import { formatDuration } from '../../src/tidb/duration.js';
import { decodeDatum } from '../../src/tidb/datum.js';
import { cmpInt, concat, narrowInt } from './support/codec-encoders.js';
import { fromHex, label, vectorsMatching } from './support/codec-vectors.js';

const S = 1_000_000_000n;
const hms = (h: number, m: number, s: number, us = 0) => (BigInt(h) * 3600n + BigInt(m) * 60n + BigInt(s)) * S + BigInt(us) * 1000n;

describe('TIME text', () => {
  const [v] = vectorsMatching(/^TIME\(0\) '4:00:00'/);
  it(label(v!), () => {
    const ns = decodeNarrowInt(fromHex(v!.hex));
    assert.equal(ns, BigInt(v!.input['nanos'] as number));
    assert.equal(formatDuration(ns, 0), '04:00:00');
  });
  it('hand-written MySQL renderings', () => {
    assert.equal(formatDuration(0n, 0), '00:00:00');
    assert.equal(formatDuration(-hms(838, 59, 59), 3), '-838:59:59.000');
    assert.equal(formatDuration(hms(838, 59, 59), 0), '838:59:59');
    assert.equal(formatDuration(hms(25, 0, 1), 0), '25:00:01');
    assert.equal(formatDuration(hms(12, 34, 56, 789012), 6), '12:34:56.789012');
    assert.equal(formatDuration(hms(12, 34, 56, 789012), 2), '12:34:56.78');
    assert.equal(formatDuration(-hms(0, 0, 0, 500000), 1), '-00:00:00.5');
    assert.equal(formatDuration(-hms(1, 2, 3), 0), '-01:02:03');
  });
  it('rejects values beyond ±838:59:59', () => {
    assert.throws(() => formatDuration(hms(839, 0, 0), 0), DataError);
    assert.throws(() => formatDuration(-hms(838, 59, 59, 1), 6), DataError);
  });
  it('property: duration key datums (07 + EncodeInt) round trip and sort like the durations', () => {
    const arb = fc.bigInt({ min: -hms(838, 59, 59), max: hms(838, 59, 59) });
    fc.assert(
      fc.property(arb, arb, (a, b) => {
        const ka = concat([7], cmpInt(a));
        const kb = concat([7], cmpInt(b));
        assert.deepEqual(decodeDatum(ka, 0), { datum: { kind: 'duration', value: a }, end: 9 });
        assert.equal(Math.sign(Buffer.compare(Buffer.from(ka), Buffer.from(kb))), a < b ? -1 : a > b ? 1 : 0);
      }),
    );
  });
  it('property: row-v2 narrow int round trip keeps the text', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -hms(838, 59, 59), max: hms(838, 59, 59) }), (ns) => {
        const us = ns - (ns % 1000n);
        const b = narrowInt(us);
        assert.equal(decodeNarrowInt(b), us);
        const txt = formatDuration(us, 6);
        const m = /^(-?)(\d+):(\d\d):(\d\d)\.(\d{6})$/.exec(txt);
        assert.ok(m, txt);
        const back = (BigInt(m[2]!) * 3600n + BigInt(m[3]!) * 60n + BigInt(m[4]!)) * S + BigInt(m[5]!) * 1000n;
        assert.equal(m[1] === '-' ? -back : back, us);
      }),
    );
  });
});
