// Real TiKV-written SSTs (fixtures/realdata/tidb-lightning-sst-examples, see its SOURCE.md): the
// logical content is known from the upstream test that produced them, so every resolved row
// and value below comes from outside our code. Each file is read with the SST engineer's
// SstReader and wrapped as a single-file KvCursor (no merge needed).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SstReader } from '../../src/rocksdb/sst-reader.js';
import { ValueType, type InternalCursor, type KeyRange, type KvCursor } from '../../src/rocksdb/types.js';
import { LatestScanner, scanLocks, type CfSource } from '../../src/tikv/mvcc-scan.js';
import { cmp } from './support/mem-source.js';

const dir = fileURLToPath(new URL('../../fixtures/realdata/tidb-lightning-sst-examples/', import.meta.url));
const TS = 404411537129996288n;
const ALL = { start: new Uint8Array(0), end: new Uint8Array(0) };

/** Newest visible entry per user key of one SST (no merge: a single file). */
class SingleFileKvCursor implements KvCursor {
  constructor(
    private readonly c: InternalCursor,
    private readonly range: KeyRange,
  ) {}
  private exhausted = false;
  private settle(): void {
    this.exhausted = false;
    while (this.c.valid()) {
      if (this.range.end !== undefined && cmp(this.c.userKey(), this.range.end) >= 0) {
        this.exhausted = true;
        return;
      }
      const k = this.c.kind();
      if (k === ValueType.Value || k === ValueType.BlobIndex) return;
      this.skipKey();
    }
  }
  private skipKey(): void {
    const k = this.c.userKey().slice();
    while (this.c.valid() && cmp(this.c.userKey(), k) === 0) this.c.next();
  }
  seekToFirst(): void {
    this.seek(this.range.start ?? new Uint8Array(0));
  }
  seek(target: Uint8Array): void {
    const t = this.range.start !== undefined && cmp(target, this.range.start) < 0 ? this.range.start : target;
    this.c.seek(t);
    this.settle();
  }
  valid(): boolean {
    return !this.exhausted && this.c.valid();
  }
  next(): void {
    this.skipKey();
    this.settle();
  }
  userKey(): Uint8Array {
    return this.c.userKey();
  }
  value(): Uint8Array {
    return this.c.value();
  }
  seq(): number {
    return this.c.seq();
  }
  kind(): number {
    return this.c.kind();
  }
}

const opened: SstReader[] = [];
after(() => {
  for (const r of opened) r.close();
});

function source(files: Record<string, string>): CfSource {
  return {
    cursor(cf: string, range: KeyRange = {}): KvCursor {
      const f = files[cf];
      if (f === undefined) {
        return new SingleFileKvCursor(emptyCursor(), range);
      }
      const reader = SstReader.open(dir + f);
      opened.push(reader);
      return new SingleFileKvCursor(reader.cursor(), range);
    },
  };
}

function emptyCursor(): InternalCursor {
  const fail = (): never => {
    throw new Error('empty cursor');
  };
  return { seekToFirst() {}, seek() {}, valid: () => false, next() {}, userKey: fail, seq: fail, kind: fail, value: fail, valueArray: fail, valueOffset: fail, valueEndOffset: fail };
}

const key = (i: number) => `key${String(i).padStart(9, '0')}`;
const td = new TextDecoder();

describe('real TiKV SSTs from tidb-lightning sst-examples', () => {
  it('3-write.sst + 3-default.sst: all 10,000 rows, 7,600 values from the default CF, empty short values kept', () => {
    const s = new LatestScanner(source({ write: '3-write.sst', default: '3-default.sst' }), ALL);
    let i = 0;
    let emptyValues = 0;
    while (s.next()) {
      assert.equal(td.decode(s.rawKey()), key(i), `row ${i}`);
      const v = td.decode(s.value());
      assert.equal(v, 'long-value-'.repeat(i % 100), `value of ${key(i)}`);
      if (v.length === 0) emptyValues++;
      assert.equal(s.commitTs(), TS);
      assert.equal(s.startTs(), TS);
      i++;
    }
    assert.equal(i, 10000);
    assert.equal(emptyValues, 100); // i % 100 == 0 rows carry an EMPTY short value
    assert.equal(s.stats.rows, 10000);
    assert.equal(s.stats.versionsSeen, 10000);
    assert.equal(s.stats.missingDefault, 0);
    assert.equal(s.stats.blobIndex, 0);
  });

  it('3-write.sst with the wrong default CF (2-default.sst): the 7,600 long values are reported missing, not invented', () => {
    const s = new LatestScanner(source({ write: '3-write.sst', default: '2-default.sst' }), ALL);
    let n = 0;
    while (s.next()) {
      const i = Number(td.decode(s.rawKey()).slice(3));
      assert.ok(i % 100 < 24, `row ${i} should have no value`);
      n++;
    }
    assert.equal(n, 2400);
    assert.equal(s.stats.missingDefault, 7600);
    assert.equal(s.stats.missingDefaultSamples[0]!.rawKeyHex, Buffer.from(key(24)).toString('hex'));
  });

  it('a raw sub-range [key000000150, key000000160) yields exactly those 10 rows', () => {
    const s = new LatestScanner(source({ write: '3-write.sst', default: '3-default.sst' }), {
      start: new TextEncoder().encode(key(150)),
      end: new TextEncoder().encode(key(160)),
    });
    const got: string[] = [];
    while (s.next()) got.push(`${td.decode(s.rawKey())}=${s.value().length}`);
    assert.deepEqual(
      got,
      Array.from({ length: 10 }, (_, j) => `${key(150 + j)}=${11 * ((150 + j) % 100)}`),
    );
  });

  it('2-write.sst + 2-default.sst: one 1,100-byte value from the default CF', () => {
    const s = new LatestScanner(source({ write: '2-write.sst', default: '2-default.sst' }), ALL);
    assert.ok(s.next());
    assert.equal(td.decode(s.rawKey()), 'key0000001');
    assert.equal(td.decode(s.value()), 'long-value-'.repeat(100));
    assert.equal(s.commitTs(), TS);
    assert.equal(s.next(), false);
  });

  it('1.sst: 10,000 short values "1"; 0.sst: "a" -> "1" at ts 1', () => {
    const s = new LatestScanner(source({ write: '1.sst' }), ALL);
    let i = 0;
    while (s.next()) {
      assert.equal(td.decode(s.rawKey()), key(i));
      assert.equal(td.decode(s.value()), '1');
      i++;
    }
    assert.equal(i, 10000);
    const a = new LatestScanner(source({ write: '0.sst' }), ALL);
    assert.ok(a.next());
    assert.deepEqual([td.decode(a.rawKey()), td.decode(a.value()), a.commitTs(), a.startTs()], ['a', '1', 1n, 1n]);
    assert.equal(a.next(), false);
  });

  it('no lock CF: scanLocks reports nothing', () => {
    assert.equal(scanLocks(source({ write: '3-write.sst' }), ALL).count, 0);
  });
});
