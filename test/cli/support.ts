// In-process CLI harness: captures stdout/stderr of main() and provides a fake Session.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, type Io } from '../../src/cli/main.js';
import type { InspectReport, OpenSession, Session } from '../../src/export/session-types.js';
import type { DbInfo, TableInfo } from '../../src/tidb/table-info.js';
import { FakeSource, fakeDb, fakeTable, type FakeRow } from '../export/support/fake-source.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function run(argv: string[], extra: Partial<Io> = {}): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: { write: (s: string | Uint8Array) => (stdout += typeof s === 'string' ? s : Buffer.from(s).toString('latin1')) },
    stderr: { write: (s: string) => (stderr += s) },
    procLocksPath: '/nonexistent-proc-locks',
    ...extra,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** A directory that looks like a TiKV data dir (db/CURRENT) for the fake session. */
export function fakeDataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tikv-export-cli-'));
  mkdirSync(join(d, 'db'));
  writeFileSync(join(d, 'db', 'CURRENT'), 'MANIFEST-000001\n');
  return d;
}

export interface FakeCatalog {
  dbs: DbInfo[];
  tables: Map<number, TableInfo[]>;
  rows: Map<number, FakeRow[]>;
}

export function sampleCatalog(): FakeCatalog {
  const shop = fakeDb('shop', 2);
  const mysql = fakeDb('mysql', 1);
  const empty = fakeDb('Empty', 3);
  return {
    dbs: [mysql, shop, empty],
    tables: new Map([
      [1, [fakeTable('user', 5)]],
      [2, [fakeTable('orders', 10), fakeTable('Parts', 11, [{ id: 12, name: 'p0' }, { id: 13, name: 'p1' }])]],
      [3, []],
    ]),
    rows: new Map([
      [5, [{ handle: 1, value: 'root|' }]],
      [10, [{ handle: 1, value: 'a|\x01' }, { handle: 2, value: 'b|' }]],
      [13, [{ handle: 7, value: 'p|' }]],
    ]),
  };
}

export function fakeOpen(cat: FakeCatalog, log: string[] = []): OpenSession {
  return (dbDir, opts) => {
    log.push(`open ${dbDir} readTs=${opts.readTs ?? 'latest'}`);
    const src = new FakeSource(cat.rows);
    const s: Session = {
      dbDir,
      readTs: opts.readTs,
      schemaVersion: '57',
      storeIdent: () => ({ clusterId: '6990', storeId: '1' }),
      databases: () => cat.dbs,
      tables: (id) => cat.tables.get(id) ?? [],
      hasData: (pid) => (cat.rows.get(pid)?.length ?? 0) > 0,
      dumpSource: () => src,
      inspect: (): InspectReport => ({
        dbDir,
        dataDir: undefined,
        clusterId: '6990',
        storeId: '1',
        apiVersion: 0,
        manifest: 'MANIFEST-000001',
        manifestFallback: false,
        lastSequence: 9,
        columnFamilies: [{ name: 'write', files: 1, bytes: 100, levels: [{ level: 0, files: 1, bytes: 100 }] }],
        formatVersions: [5],
        compressions: ['LZ4'],
        walFiles: 1,
        walBytes: 10,
        titanDir: false,
        regions: [],
        pendingLocks: 0,
        schemaVersion: '57',
        warnings: [],
        unusual: [],
      }),
      rawScan: function* (_cf, _start, _end, limit) {
        const all = [
          { key: Uint8Array.of(0x7a, 0x00), value: Uint8Array.of() },
          { key: Uint8Array.of(0x7a, 0xab), value: Uint8Array.of(0x01, 0xff) },
        ];
        yield* limit > 0 ? all.slice(0, limit) : all;
      },
      close: () => log.push('close'),
    };
    return s;
  };
}
