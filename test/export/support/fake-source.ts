// A fake DumpSource: rows are given per physical id; the fake decoder turns a value
// "name|data" into cells [handle, name, data] and throws DataError on a value starting "BAD".
import { DataError } from '../../../src/errors.js';
import type { DumpSource, RowScan, TableDecoder } from '../../../src/export/source.js';
import type { DbInfo, TableInfo } from '../../../src/tidb/table-info.js';

export interface FakeRow {
  handle: number;
  value: string | Uint8Array;
  commitTs?: bigint;
}

export function fakeDb(name: string, id = 1): DbInfo {
  return { id, db_name: { O: name, L: name.toLowerCase() }, charset: 'utf8mb4', collate: 'utf8mb4_bin', state: 5 };
}

export function fakeTable(name: string, id: number, partitions?: { id: number; name: string }[]): TableInfo {
  return {
    id,
    name: { O: name, L: name.toLowerCase() },
    charset: 'utf8mb4',
    collate: 'utf8mb4_bin',
    cols: [],
    index_info: null,
    state: 5,
    pk_is_handle: true,
    is_common_handle: false,
    comment: '',
    partition:
      partitions === undefined
        ? null
        : { type: 1, expr: 'id', enable: true, definitions: partitions.map((p) => ({ id: p.id, name: { O: p.name, L: p.name } })) },
  };
}

const key = (pid: number, handle: number): Uint8Array => Buffer.from(`t${pid}_r${handle}`, 'latin1');

export class FakeSource implements DumpSource {
  scanned: number[] = [];
  constructor(
    private readonly rows: Map<number, FakeRow[]>,
    private readonly locks: Map<number, number> = new Map(),
    private readonly counters: Map<number, { deleted: number; valuesMissing: number }> = new Map(),
  ) {}

  scanRows(pid: number): RowScan {
    this.scanned.push(pid);
    const list = this.rows.get(pid) ?? [];
    let i = -1;
    const c = this.counters.get(pid) ?? { deleted: 0, valuesMissing: 0 };
    return {
      next: () => ++i < list.length,
      rawKey: () => key(pid, list[i]!.handle),
      value: () => (typeof list[i]!.value === 'string' ? Buffer.from(list[i]!.value as string, 'latin1') : (list[i]!.value as Uint8Array)),
      commitTs: () => list[i]!.commitTs ?? 100n,
      counters: () => c,
    };
  }
  pendingLocks(pid: number): number {
    return this.locks.get(pid) ?? 0;
  }
  decoder(_table: TableInfo): TableDecoder {
    return {
      columns: [
        { name: 'id', kind: 'number' },
        { name: 'name', kind: 'string' },
        { name: 'data', kind: 'bytes' },
      ],
      decode(rawKey, value) {
        const v = Buffer.from(value);
        if (v.subarray(0, 3).toString('latin1') === 'BAD') throw new DataError('bad row value', Buffer.from(rawKey).toString('hex'));
        const k = Buffer.from(rawKey).toString('latin1');
        const handle = k.slice(k.indexOf('_r') + 2);
        const bar = v.indexOf(0x7c);
        const name = v.subarray(0, bar);
        const data = v.subarray(bar + 1);
        return [Buffer.from(handle, 'latin1'), name.length === 0 ? null : name, data];
      },
    };
  }
  tableSchemaFile(table: TableInfo): string {
    return `/*!40101 SET NAMES binary*/;\nCREATE TABLE \`${table.name.O}\` (\n  \`id\` bigint PRIMARY KEY\n);\n`;
  }
  databaseSchemaFile(db: DbInfo): string {
    return `/*!40101 SET NAMES binary*/;\nCREATE DATABASE \`${db.db_name.O}\`;\n`;
  }
}
