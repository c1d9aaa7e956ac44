// API v2 keyspace data ('x' + 3-byte keyspace id + TiDB key) is found at open: warned about
// with the keyspace ids, shown by inspect, recorded in the dump's metadata; a store with only
// keyspace data makes dbs/tables/dump exit 1. Keys are put by real RocksDB (`ldb put --hex`)
// into a fixture copy, built with the test's own TiKV key builder (independent of src/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fakeDataDir, fakeOpen, run, sampleCatalog } from './support.js';
import { encodeWrite, mvccKey } from '../support/tidb-builder/mvcc.js';
import { metaHashKey, recordKeyInt } from '../support/tidb-builder/tidb-keys.js';
import { findKeyspaces } from '../../src/cli/keyspace.js';
import type { Session } from '../../src/export/session-types.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const types = join(root, 'fixtures/tidb/types/data');
const hasLdb = ['/usr/bin/ldb', '/usr/local/bin/ldb'].some((p) => existsSync(p));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const ks = (id: number, k: Uint8Array): Uint8Array => new Uint8Array([0x78, (id >> 16) & 0xff, (id >> 8) & 0xff, id & 0xff, ...k]);

function keyspaceEntries(id: number): [Uint8Array, Uint8Array][] {
  const ts = 445644800000000000n;
  const dbJson = Buffer.from('{"id":5,"db_name":{"O":"ksdb","L":"ksdb"},"charset":"utf8mb4","collate":"utf8mb4_bin","state":5}');
  return [
    [mvccKey(ks(id, metaHashKey('DBs', 'DB:5')), ts + 1n), encodeWrite({ type: 'Put', startTs: ts, shortValue: dbJson })],
    [mvccKey(ks(id, recordKeyInt(777, 1)), ts + 1n), encodeWrite({ type: 'Put', startTs: ts, shortValue: Uint8Array.of(0x80, 0, 1, 0, 0, 0, 1, 2, 0, 0x68, 0x69) })],
  ];
}

test('fixture copy + keys of keyspaces 1 and 300: dbs warns with both ids; inspect lists them; dump metadata records it', { skip: !hasLdb }, async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'tikv-export-ks-'));
  try {
    const copy = join(tmp, 'types');
    cpSync(types, copy, { recursive: true });
    for (const [k, v] of [...keyspaceEntries(1), ...keyspaceEntries(300)]) {
      execFileSync('ldb', [`--db=${join(copy, 'db')}`, '--column_family=write', 'put', '--hex', `0x${hex(k)}`, `0x${hex(v)}`]);
    }
    const d = await run(['dbs', '--data-dir', copy, '--log-level', 'warn']);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stderr, /"code":"keyspace-data".*keyspace-prefixed TiDB data \(API v2; keyspaces: 1, 300; StoreIdent.api_version 0\)/);
    assert.match(d.stdout, /\ttypes\n/);
    const i = await run(['inspect', '--data-dir', copy, '--log-level', 'silent']);
    assert.equal(i.code, 0, i.stderr);
    assert.match(i.stdout, /\nkeyspaces: +1, 300 \(API v2/);
    const ij = await run(['inspect', '--data-dir', copy, '--log-level', 'silent', '--json']);
    assert.deepEqual((JSON.parse(ij.stdout) as { keyspaces: number[] }).keyspaces, [1, 300]);
    const out = join(tmp, 'o');
    const r = await run(['dump', '--data-dir', copy, '--db', 'types', '--out', out, '--log-level', 'silent']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(readFileSync(join(out, 'metadata'), 'utf8'), /\t\t\[keyspace-data\] this store holds keyspace-prefixed TiDB data \(API v2; keyspaces: 1, 300; StoreIdent.api_version 0\)/);
    // the undamaged fixture has none
    const plain = await run(['inspect', '--data-dir', types, '--log-level', 'silent', '--json']);
    assert.deepEqual((JSON.parse(plain.stdout) as { keyspaces: number[] }).keyspaces, []);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

/** A fake session whose write CF holds exactly these (sorted) keys; rawScan honours bounds. */
function withWriteKeys(keys: Uint8Array[]): (dir: string, o: Parameters<ReturnType<typeof fakeOpen>>[1]) => Session {
  const sorted = keys.map((k) => Buffer.from(k)).sort(Buffer.compare);
  return (dir, o) => {
    const s = fakeOpen(sampleCatalog())(dir, o);
    s.rawScan = function* (_cf, start, end, limit) {
      let n = 0;
      for (const k of sorted) {
        if (start !== undefined && Buffer.compare(k, Buffer.from(start)) < 0) continue;
        if (end !== undefined && Buffer.compare(k, Buffer.from(end)) >= 0) break;
        yield { key: Uint8Array.from(k), value: Uint8Array.of() };
        if (++n === limit) return;
      }
    };
    return s;
  };
}

test('only keyspace data: dbs, tables and dump exit 1 with one line naming the keyspaces', async () => {
  const keys = [...keyspaceEntries(2), ...keyspaceEntries(7)].map(([k]) => k);
  const data = fakeDataDir();
  try {
    for (const argv of [['dbs'], ['tables', '--db', 'shop'], ['dump', '--db', 'shop', '--out', join(data, '..', `ks-out-${process.pid}`)]]) {
      const r = await run([...argv, '--data-dir', data, '--log-level', 'silent'], { openSession: withWriteKeys(keys) });
      assert.equal(r.code, 1, `${argv[0]}: ${r.stderr}`);
      assert.equal(r.stderr, 'tikv-export: error: this store holds keyspace-prefixed TiDB data (keyspaces: 2, 7); not supported yet\n');
    }
    // with plain TiDB keys next to them: not refused
    const mixed = await run(['dbs', '--data-dir', data, '--log-level', 'silent'], { openSession: withWriteKeys([...keys, mvccKey(metaHashKey('DBs', 'DB:1'), 5n)]) });
    assert.equal(mixed.code, 0, mixed.stderr);
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
});

test('findKeyspaces: one seek per keyspace id, stops at the limit', () => {
  const keys = [1, 2, 3, 4, 5].map((id) => mvccKey(ks(id, recordKeyInt(1, 1)), 9n));
  const s = withWriteKeys(keys)('/x', {});
  assert.deepEqual(findKeyspaces(s, 3), { keyspaces: [1, 2, 3], truncated: true, plainTidb: false });
  assert.deepEqual(findKeyspaces(s), { keyspaces: [1, 2, 3, 4, 5], truncated: false, plainTidb: false });
});

test('StoreIdent.api_version 2 without keyspace keys: warned (api-v2), not refused', async () => {
  const data = fakeDataDir();
  try {
    const open = (dir: string, o: Parameters<ReturnType<typeof fakeOpen>>[1]): Session => {
      const s = withWriteKeys([mvccKey(metaHashKey('DBs', 'DB:1'), 5n)])(dir, o);
      s.storeIdent = () => ({ clusterId: '6990', storeId: '1', apiVersion: 2 });
      return s;
    };
    const r = await run(['dbs', '--data-dir', data, '--log-level', 'warn'], { openSession: open });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /"code":"api-v2".*StoreIdent\.api_version is 2/);
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
});
