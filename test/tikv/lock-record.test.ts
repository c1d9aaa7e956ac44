import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FormatError } from '../../src/errors.js';
import { parseLock, type LockRecord, type SharedLocks } from '../../src/tikv/lock-record.js';
import { encodeLock, fromHex, te, u64be, uvarint, zigzag } from './support/mvcc-builder.js';
import { vectorsFrom } from './support/vectors.js';

const dec = (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b));
const single = (x: LockRecord | SharedLocks): LockRecord => {
  assert.notEqual(x.type, 'shared');
  return x as LockRecord;
};

const lockVectors = vectorsFrom('txn_types/src/lock.rs');

// Expectations written by hand from each vector's `input.lock` description.
const EXPECTED: Record<string, Partial<LockRecord> & { primaryText: string; shortText?: string; secondariesText?: string[] }> = {
  'Put primary="pk" ts=1 ttl=10': { type: 'put', primaryText: 'pk', startTs: 1n, ttl: 10n },
  'Delete primary="pk" ts=1 ttl=10 short_value': { type: 'delete', primaryText: 'pk', startTs: 1n, ttl: 10n, shortText: 'short_value' },
  'Put primary="pk" ts=1 ttl=10 for_update_ts=10 txn_size=16': { type: 'put', primaryText: 'pk', startTs: 1n, ttl: 10n, forUpdateTs: 10n, txnSize: 16n },
  'Put primary="pkpkpk" ts=111 ttl=222 for_update_ts=333 txn_size=444 min_commit_ts=555': {
    type: 'put',
    primaryText: 'pkpkpk',
    startTs: 111n,
    ttl: 222n,
    forUpdateTs: 333n,
    txnSize: 444n,
    minCommitTs: 555n,
  },
  'Put primary="pk" ts=111 ttl=222 short_value for_update_ts=333 txn_size=444 min_commit_ts=555 async-commit secondaries ["k"]': {
    type: 'put',
    primaryText: 'pk',
    startTs: 111n,
    ttl: 222n,
    shortText: 'short_value',
    forUpdateTs: 333n,
    txnSize: 444n,
    minCommitTs: 555n,
    useAsyncCommit: true,
    secondariesText: ['k'],
  },
};

describe('lock record: vectors', () => {
  it('covers all 5 lock.rs vectors', () => assert.equal(lockVectors.length, 5));
  for (const v of lockVectors) {
    const desc = v.input['lock'] as string;
    it(`[derived] ${desc}`, () => {
      const e = EXPECTED[desc];
      assert.ok(e, desc);
      const r = single(parseLock(fromHex(v.hex)));
      assert.equal(r.type, e.type);
      assert.equal(dec(r.primary), e.primaryText);
      assert.equal(r.startTs, e.startTs);
      assert.equal(r.ttl, e.ttl);
      assert.equal(dec(r.shortValue), e.shortText);
      assert.equal(r.forUpdateTs, e.forUpdateTs ?? 0n);
      assert.equal(r.txnSize, e.txnSize ?? 0n);
      assert.equal(r.minCommitTs, e.minCommitTs ?? 0n);
      assert.equal(r.useAsyncCommit, e.useAsyncCommit ?? false);
      assert.deepEqual(r.secondaries.map(dec), e.secondariesText ?? []);
      assert.equal(r.unknownTagAt, undefined);
    });
  }
});

describe('lock record: every field', () => {
  it('decodes rollback_ts, last_change, txn_source, locked-with-conflict, generation (hand-encoded)', () => {
    const b = Uint8Array.from([
      0x53, ...zigzag(3n), ...te('abc'), ...uvarint(77n), ...uvarint(3000n),
      0x66, ...u64be(80n),
      0x72, ...uvarint(2n), ...u64be(10n), ...u64be(20n),
      0x6c, ...u64be(5n), ...uvarint(3n),
      0x73, ...uvarint(1n),
      0x46,
      0x67, ...u64be(9n),
    ]);
    const r = single(parseLock(b));
    assert.equal(r.type, 'pessimistic');
    assert.equal(dec(r.primary), 'abc');
    assert.equal(r.startTs, 77n);
    assert.equal(r.ttl, 3000n);
    assert.equal(r.forUpdateTs, 80n);
    assert.deepEqual(r.rollbackTs, [10n, 20n]);
    assert.deepEqual(r.lastChange, { ts: 5n, estimatedVersions: 3n });
    assert.equal(r.txnSource, 1n);
    assert.equal(r.lockedWithConflict, true);
    assert.equal(r.generation, 9n);
  });
  it('very old records without ttl -> ttl 0', () => {
    const r = single(parseLock(Uint8Array.from([0x4c, ...zigzag(1n), 0x61, ...uvarint(5n)])));
    assert.equal(r.type, 'lock');
    assert.equal(r.ttl, 0n);
    assert.equal(r.startTs, 5n);
  });
  it('stops at an unknown tag', () => {
    const b = Uint8Array.from([...encodeLock('put', te('pk'), 1n, 10n), 0x54, 0x99, 0x66]);
    const r = single(parseLock(b));
    assert.equal(r.unknownTagAt, 6);
    assert.equal(r.forUpdateTs, 0n);
  });
});

describe('shared locks (H container)', () => {
  it('decodes flags and the inner locks (hand-encoded per lock.rs SharedLocks::to_bytes)', () => {
    const l1 = encodeLock('lock', te('p1'), 100n, 10n);
    const l2 = encodeLock('pessimistic', te('p2'), 200n, 20n, { forUpdateTs: 210n });
    const b = Uint8Array.from([0x48, 0x69, 0x01, 0x68, ...uvarint(2n), ...zigzag(BigInt(l1.length)), ...l1, ...zigzag(BigInt(l2.length)), ...l2]);
    const s = parseLock(b) as SharedLocks;
    assert.equal(s.type, 'shared');
    assert.equal(s.shrinkOnly, true);
    assert.equal(s.locks.length, 2);
    assert.deepEqual(s.locks.map((l) => [l.type, dec(l.primary), l.startTs, l.ttl, l.forUpdateTs]), [
      ['lock', 'p1', 100n, 10n, 0n],
      ['pessimistic', 'p2', 200n, 20n, 210n],
    ]);
  });
  it('an empty container is valid', () => {
    const s = parseLock(fromHex('48')) as SharedLocks;
    assert.equal(s.type, 'shared');
    assert.equal(s.locks.length, 0);
    assert.equal(s.shrinkOnly, false);
  });
  it('unknown flag bits and nested shared locks are corruption', () => {
    assert.throws(() => parseLock(fromHex('486902')), (e: unknown) => e instanceof FormatError && e.code === 'corruption');
    assert.throws(() => parseLock(fromHex('4868' + '01' + '02' + '48')), (e: unknown) => e instanceof FormatError && e.code === 'corruption');
  });
  it('a truncated inner lock is reported', () => {
    const l1 = encodeLock('lock', te('p1'), 100n, 10n).subarray(0, 3);
    const b = Uint8Array.from([0x48, 0x68, 0x01, ...zigzag(BigInt(l1.length)), ...l1]);
    assert.throws(() => parseLock(b), (e: unknown) => e instanceof FormatError && e.code === 'truncated' && /segment 0/.test(e.message));
  });
});

const BAD: { name: string; hex: string; code: string }[] = [
  { name: 'empty', hex: '', code: 'truncated' },
  { name: 'unknown type', hex: '5a04706b010a', code: 'corruption' },
  { name: 'primary length missing', hex: '50', code: 'truncated' },
  { name: 'primary longer than the record', hex: '5010706b', code: 'truncated' },
  { name: 'negative primary length (zigzag 03 = -2)', hex: '5003706b010a', code: 'corruption' },
  { name: 'start_ts missing', hex: '5004706b', code: 'truncated' },
  { name: 'short value truncated', hex: '5004706b010a7605616263', code: 'truncated' },
  { name: 'for_update_ts truncated', hex: '5004706b010a660000', code: 'truncated' },
  { name: 'secondaries count larger than the record', hex: '5004706b010a61ff01', code: 'corruption' },
  { name: 'secondary truncated', hex: '5004706b010a6101066b', code: 'truncated' },
  { name: 'rollback_ts truncated', hex: '5004706b010a7201000000', code: 'truncated' },
  { name: 'generation truncated', hex: '5004706b010a6700', code: 'truncated' },
];

describe('lock record: malformed inputs must fail', () => {
  for (const b of BAD) {
    it(b.name, () => {
      assert.throws(() => parseLock(fromHex(b.hex)), (e: unknown) => e instanceof FormatError && e.code === b.code, b.hex);
    });
  }
});

