// The test-side encoders (support/mvcc-builder.ts) must reproduce the spec's vectors, or every
// MVCC scenario built with them would prove nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeLock, encodeWrite, fromHex, mc, te, toHex, tsKey, lockKey } from './support/mvcc-builder.js';
import { VECTORS } from './support/vectors.js';

const byDesc = (d: string): string => {
  const v = VECTORS.find((x) => x.description === d);
  assert.ok(v, `vector not found: ${d}`);
  return v.hex;
};

describe('test builders reproduce the vectors', () => {
  it('mc() matches every ascending memcomparable vector', () => {
    const asc = VECTORS.filter((v) => v.description.startsWith('memcomparable bytes encoding, ascending'));
    assert.equal(asc.length, 8);
    for (const v of asc) assert.equal(toHex(mc(fromHex(v.input['raw_hex'] as string))), v.hex);
  });
  it('[derived] tsKey/lockKey match the on-disk write/lock key vectors', () => {
    const raw = fromHex('7480000000000000015f728000000000000001');
    assert.equal(
      toHex(tsKey(raw, 411225436913926252n)),
      byDesc("on-disk write-CF key for TiDB record key t{1}_r{1} committed at ts 411225436913926252: 'z' + memcomparable(raw key) + NOT(commit_ts)"),
    );
    assert.equal(toHex(lockKey(raw)), byDesc('on-disk lock-CF key for the same record key (no timestamp suffix)'));
  });
  it('[derived] encodeWrite matches the write-record vectors', () => {
    assert.equal(toHex(encodeWrite('put', 0n, { shortValue: te('short_value') })), byDesc('Write record: Put start_ts=0 short_value="short_value"'));
    assert.equal(toHex(encodeWrite('delete', 1n << 20n)), byDesc('Write record: Delete start_ts=1<<20'));
    assert.equal(toHex(encodeWrite('rollback', 1n << 40n, { shortValue: te('p') })), byDesc('Write record: protected Rollback start_ts=1<<40 (short value "p")'));
    assert.equal(toHex(encodeWrite('put', 123n, { overlappedRollback: true, gcFence: 1234567n })), byDesc('Write record: Put start_ts=123 overlapped rollback gc_fence=1234567'));
    assert.equal(toHex(encodeWrite('lock', 456n, { lastChange: [345n, 11n] })), byDesc('Write record: Lock start_ts=456 last_change=Exist(345, 11)'));
  });
  it('[derived] encodeLock matches the lock-record vectors', () => {
    assert.equal(toHex(encodeLock('put', te('pk'), 1n, 10n)), byDesc('Lock record: Put primary="pk" ts=1 ttl=10'));
    assert.equal(
      toHex(encodeLock('put', te('pk'), 111n, 222n, { shortValue: te('short_value'), forUpdateTs: 333n, txnSize: 444n, minCommitTs: 555n, secondaries: [te('k')] })),
      byDesc('Lock record: Put primary="pk" ts=111 ttl=222 short_value for_update_ts=333 txn_size=444 min_commit_ts=555 async-commit secondaries ["k"]'),
    );
  });
});
