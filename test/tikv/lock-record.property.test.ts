/**
 * Property test (issue #3): parseLock (src/tikv/lock-record.ts) decodes what the test-side lock
 * encoders produce — test/tikv/support/mvcc-builder.ts `encodeLock` (every optional field of
 * lock.rs, written from the spec) and test/support/tidb-builder/mvcc.ts `encodeLock` (the
 * fixture builder's subset) — over random types, full-u64 numbers, random primaries, short
 * values, secondaries, rollback timestamps, a trailing unknown tag, and shared-lock containers
 * assembled here from the spec (§2.4).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseLock, type LockRecord } from '../../src/tikv/lock-record.js';
import { encodeLock as builderEncodeLock, type LockType as BuilderLockType } from '../support/tidb-builder/mvcc.js';
import { encodeLock, type LockOpts, uvarint, zigzag } from './support/mvcc-builder.js';

const U64_MAX = (1n << 64n) - 1n;
const u64 = (): fc.Arbitrary<bigint> =>
  fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom(0n, 1n, 127n, 128n, (1n << 32n) - 1n, 1n << 32n, 1n << 63n, U64_MAX) },
    { weight: 3, arbitrary: fc.bigInt({ min: 0n, max: U64_MAX }) },
  );
const bytes = (max: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ maxLength: max });

type LType = 'put' | 'delete' | 'lock' | 'pessimistic';
const KNOWN_TAGS = new Set([0x76, 0x66, 0x74, 0x63, 0x61, 0x72, 0x6c, 0x73, 0x46, 0x67]);

interface LockIn {
  type: LType;
  primary: Uint8Array;
  startTs: bigint;
  ttl: bigint;
  o: LockOpts;
}

const lockArb: fc.Arbitrary<LockIn> = fc.record({
  type: fc.constantFrom<LType>('put', 'delete', 'lock', 'pessimistic'),
  primary: bytes(80),
  startTs: u64(),
  ttl: u64(),
  o: fc.record(
    {
      shortValue: bytes(255),
      forUpdateTs: u64(),
      txnSize: u64(),
      minCommitTs: u64(),
      secondaries: fc.array(bytes(40), { maxLength: 6 }),
      rollbackTs: fc.array(u64(), { maxLength: 6 }),
      lastChange: fc.tuple(u64(), u64()),
      txnSource: u64(),
      lockedWithConflict: fc.boolean(),
      generation: u64(),
    },
    { requiredKeys: [] },
  ),
});

const hexOf = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : Buffer.from(b).toString('hex'));

function checkLock(r: LockRecord, l: LockIn): void {
  assert.equal(r.type, l.type);
  assert.equal(hexOf(r.primary), hexOf(l.primary));
  assert.equal(r.startTs, l.startTs);
  assert.equal(r.ttl, l.ttl);
  assert.equal(hexOf(r.shortValue), hexOf(l.o.shortValue));
  assert.equal(r.forUpdateTs, l.o.forUpdateTs ?? 0n);
  assert.equal(r.txnSize, l.o.txnSize ?? 0n);
  assert.equal(r.minCommitTs, l.o.minCommitTs ?? 0n);
  assert.equal(r.useAsyncCommit, l.o.secondaries !== undefined);
  assert.deepEqual(r.secondaries.map((s) => hexOf(s)), (l.o.secondaries ?? []).map((s) => hexOf(s)));
  assert.deepEqual(r.rollbackTs, l.o.rollbackTs ?? []);
  assert.deepEqual(r.lastChange, l.o.lastChange === undefined ? undefined : { ts: l.o.lastChange[0], estimatedVersions: l.o.lastChange[1] });
  assert.equal(r.txnSource, l.o.txnSource ?? 0n);
  assert.equal(r.lockedWithConflict, l.o.lockedWithConflict === true);
  assert.equal(r.generation, l.o.generation ?? 0n);
}

const enc = (l: LockIn): Uint8Array => encodeLock(l.type, l.primary, l.startTs, l.ttl, l.o);

describe('lock record: parseLock(encodeLock(x)) = x', () => {
  it('every optional field (test/tikv/support encoder)', () => {
    fc.assert(
      fc.property(lockArb, (l) => {
        const r = parseLock(enc(l));
        assert.notEqual(r.type, 'shared');
        if (r.type === 'shared') return;
        checkLock(r, l);
        assert.equal(r.unknownTagAt, undefined);
      }),
      { numRuns: 300 },
    );
  });

  it('a trailing unknown tag stops parsing without changing the fields before it', () => {
    fc.assert(
      fc.property(
        lockArb,
        fc.integer({ min: 0, max: 255 }).filter((b) => !KNOWN_TAGS.has(b)),
        bytes(20),
        (l, tag, junk) => {
          const body = enc(l);
          const buf = Uint8Array.from([...body, tag, ...junk]);
          const r = parseLock(buf);
          if (r.type === 'shared') return assert.fail('parsed as shared');
          checkLock(r, l);
          assert.equal(r.unknownTagAt, body.length);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('the fixture builder encoder (tidb-builder/mvcc.ts) round-trips too', () => {
    const T: Record<BuilderLockType, LType> = { Put: 'put', Delete: 'delete', Lock: 'lock', Pessimistic: 'pessimistic' };
    fc.assert(
      fc.property(
        fc.constantFrom<BuilderLockType>('Put', 'Delete', 'Lock', 'Pessimistic'),
        bytes(80),
        u64(),
        u64(),
        fc.record(
          { shortValue: bytes(255), forUpdateTs: u64(), txnSize: u64(), minCommitTs: u64(), asyncCommit: fc.array(bytes(40), { maxLength: 5 }) },
          { requiredKeys: [] },
        ),
        (type, primary, startTs, ttl, o) => {
          const r = parseLock(builderEncodeLock({ type, primary, startTs, ttl, ...o }));
          if (r.type === 'shared') return assert.fail('parsed as shared');
          checkLock(r, {
            type: T[type],
            primary,
            startTs,
            ttl,
            o: { shortValue: o.shortValue, forUpdateTs: o.forUpdateTs, txnSize: o.txnSize, minCommitTs: o.minCommitTs, secondaries: o.asyncCommit },
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a very old record without ttl reads ttl = 0', () => {
    fc.assert(
      fc.property(fc.constantFrom<LType>('put', 'delete', 'lock', 'pessimistic'), bytes(30), u64(), (type, primary, startTs) => {
        const full = encodeLock(type, primary, startTs, 0n);
        const noTtl = full.subarray(0, full.length - 1); // uvarint(0) is one byte
        const r = parseLock(noTtl);
        if (r.type === 'shared') return assert.fail('parsed as shared');
        checkLock(r, { type, primary, startTs, ttl: 0n, o: {} });
      }),
      { numRuns: 100 },
    );
  });

  it('shared-lock container (H, optional i flags, h + n compact-bytes locks)', () => {
    fc.assert(
      fc.property(fc.array(lockArb, { maxLength: 4 }), fc.option(fc.boolean(), { nil: undefined }), (locks, shrink) => {
        const b: number[] = [0x48];
        if (shrink !== undefined) b.push(0x69, shrink ? 1 : 0);
        b.push(0x68, ...uvarint(BigInt(locks.length)));
        for (const l of locks) {
          const e = enc(l);
          b.push(...zigzag(BigInt(e.length)), ...e);
        }
        const r = parseLock(Uint8Array.from(b));
        if (r.type !== 'shared') return assert.fail('not shared');
        assert.equal(r.shrinkOnly, shrink === true);
        assert.equal(r.flags, shrink === true ? 1 : 0);
        assert.equal(r.locks.length, locks.length);
        r.locks.forEach((x, i) => checkLock(x, locks[i]!));
      }),
      { numRuns: 100 },
    );
  });
});
