/**
 * A small scenario DSL for TiDB-shaped TiKV data directories.
 *
 * A scenario lists databases, tables (compact column descriptions) and a timeline of
 * transactions (meta DDL and row puts/deletes/locks; committed, rolled back or left pending),
 * with "flush"/"compact" markers between phases; whatever follows the last flush stays only in
 * the WAL. Every row put carries, per column, the INPUT value next to the TEXT TiDB would print
 * for it, written by hand. The author also states, per table, which put (by label) must be the
 * surviving version of each row, in key order. `buildScenario` turns this into
 *   - an op script for tools/fixture-writer (TiKV-like CF options), and
 *   - expected.json: catalog, output columns, rows (cells: text | null | {hex}), pending locks,
 *     missing default-CF values, deleted-row counts.
 * The builder double-checks the author: it resolves MVCC itself (simple newest-first walk, §2.2)
 * and refuses to build when its winner differs from the hand-written label list.
 */
import { type Bytes, mcBytes, toHex, utf8 } from './codec.js';
import { dataKey, encodeLock, encodeWrite, mvccKey, type LockType } from './mvcc.js';
import { type Datum, metaHashKey, metaStringKey, recordKeyCommon, recordKeyInt } from './tidb-keys.js';
import { encodeRowV1, encodeRowV2, type V2Column } from './row.js';
import {
  F,
  type Input,
  type ParsedType,
  type PartitionJsonSpec,
  columnJson,
  dbInfoJson,
  indexJson,
  parseType,
  partitionJson,
  tableInfoJson,
  toDatum,
  toV2,
} from './schema.js';
import { type PeerSpec, STORE_IDENT_KEY, applyStateKey, raftApplyState, regionLocalState, regionStateKey, storeIdent } from './raft.js';

export const ABSENT = Symbol('absent: column not stored in this row');
export type Expected = string | null | { hex: string };
/** [input, expected text]. Input null = SQL NULL; ABSENT = column id not in the row at all. */
export type Cell = readonly [Input | null | typeof ABSENT, Expected];

export const hexCell = (h: string): Expected => ({ hex: h });

export interface ColumnDef {
  name: string;
  type: string;
  id?: number;
  notNull?: boolean;
  collate?: string;
  /** ColumnInfo.default (current default for new inserts). */
  default?: string | null;
  /** ColumnInfo.origin_default (value for rows written before the column existed). */
  originDefault?: string | null;
  originDefaultBit?: string | null;
  defaultBit?: string | null;
  /** SchemaState (default 5 public); non-public columns are not output columns. */
  state?: number;
  /** Hidden helper column (expression index); not an output column. */
  hidden?: boolean;
}

export type PkKind = 'int' | 'rowid' | { common: string[] };

export interface TableDef {
  id: number;
  name: string;
  columns: ColumnDef[];
  pk: PkKind;
  rowFormat?: 1 | 2;
  checksum?: boolean;
  partition?: PartitionJsonSpec;
  maxColId?: number;
  comment?: string;
  /** Secondary indexes (TableInfo.index_info only; index KV entries are written with rawPut ops). */
  indexes?: { id: number; name: string; cols: string[]; unique?: boolean }[];
  /** TableInfo.auto_inc_id (TiDB writes 1 for a fresh table with an auto-id allocator; default 0). */
  autoIncId?: number;
}

export interface Column extends ColumnDef {
  id: number;
  offset: number;
  pt: ParsedType;
  isPk: boolean;
}

export class Table {
  readonly cols: Column[];
  constructor(readonly def: TableDef) {
    const pkNames = def.pk === 'int' ? [def.columns[0]!.name] : def.pk === 'rowid' ? [] : def.pk.common;
    this.cols = def.columns.map((c, i) => ({ ...c, id: c.id ?? i + 1, offset: i, pt: parseType(c.type, c.collate), isPk: pkNames.includes(c.name) }));
    if (def.pk === 'int' && !['int', 'uint'].includes(this.cols[0]!.pt.cat)) throw new Error(`${def.name}: int PK must be the first column and an integer`);
  }
  get id(): number {
    return this.def.id;
  }
  get name(): string {
    return this.def.name;
  }
  col(name: string): Column {
    const c = this.cols.find((x) => x.name === name);
    if (!c) throw new Error(`${this.def.name}: no column ${name}`);
    return c;
  }
  physicalIds(): number[] {
    return this.def.partition ? this.def.partition.defs.map((d) => d.id) : [this.def.id];
  }
  json(updateTs: bigint): string {
    const pkCols = this.cols.filter((c) => c.isPk);
    const cols = this.cols.map((c) => {
      let flag = c.pt.ft.Flag;
      if (c.notNull || c.isPk) flag |= F.NotNull;
      if (c.isPk) flag |= F.PriKey | F.NoDefault;
      return columnJson({
        id: c.id,
        name: c.name,
        offset: c.offset,
        ft: { ...c.pt.ft, Flag: flag },
        originDefault: c.originDefault ?? null,
        defaultValue: c.default ?? null,
        originDefaultBit: c.originDefaultBit ?? null,
        defaultBit: c.defaultBit ?? null,
        ...(c.state !== undefined ? { state: c.state } : {}),
        ...(c.hidden !== undefined ? { hidden: c.hidden } : {}),
      });
    });
    const common = typeof this.def.pk === 'object';
    const idx = common ? [indexJson({ id: 1, name: 'PRIMARY', cols: pkCols.map((c) => ({ name: c.name, offset: c.offset })), unique: true, primary: true })] : [];
    for (const ix of this.def.indexes ?? []) {
      idx.push(indexJson({ id: ix.id, name: ix.name, cols: ix.cols.map((n) => ({ name: n, offset: this.col(n).offset })), unique: ix.unique ?? false, primary: false }));
    }
    const indexes = idx.length > 0 ? idx : null;
    return tableInfoJson({
      id: this.def.id,
      name: this.def.name,
      cols,
      indexes,
      pkIsHandle: this.def.pk === 'int',
      isCommonHandle: common,
      maxColId: this.def.maxColId ?? Math.max(0, ...this.cols.map((c) => c.id)),
      maxIdxId: Math.max(common ? 1 : 0, ...(this.def.indexes ?? []).map((i) => i.id)),
      partition: this.def.partition ? partitionJson(this.def.partition) : null,
      updateTs,
      comment: this.def.comment,
      autoIncId: this.def.autoIncId,
    });
  }
}

export interface DbDef {
  id: number;
  name: string;
  /** System schema (e.g. `mysql`): listed, but must not be dumped by default. */
  system?: boolean;
}

export interface RowRef {
  table: Table;
  /** Partition name (partitioned tables). */
  partition?: string;
  /** _tidb_rowid (tables without a clustered PK). */
  rowid?: bigint | number;
  /** PK input values for int/common handles (a put derives them from its values). */
  pk?: Record<string, Input>;
}

export type RowOp =
  | { op: 'put'; label: string; ref: RowRef; values: Record<string, Cell>; missingDefault?: boolean; gcFence?: bigint; overlappedRollback?: boolean }
  | { op: 'delete'; ref: RowRef; gcFence?: bigint }
  | { op: 'lock'; ref: RowRef }
  /** A pessimistic lock (lock type 'S', no value) of an in-flight pessimistic txn: pending txns only. */
  | { op: 'pessimisticLock'; ref: RowRef; forUpdateTs: bigint }
  | { op: 'createDb'; db: DbDef }
  | { op: 'dropDb'; db: DbDef }
  | { op: 'createTable'; db: DbDef; table: Table }
  | { op: 'alterTable'; db: DbDef; table: Table }
  | { op: 'dropTable'; db: DbDef; table: Table }
  | { op: 'rawPut'; key: Bytes; value: Bytes };

export interface Txn {
  start: bigint;
  /** Required for committed transactions. */
  commit?: bigint;
  status?: 'committed' | 'rollback' | 'protected-rollback' | 'pending';
  ops: RowOp[];
  note?: string;
}

export type TimelineEntry =
  | Txn
  /** A non-transactional RocksDB put (e.g. an orphan default-CF value whose write record was GC'd). */
  | { rawCf: string; key: Bytes; value: Bytes; note: string }
  | { flush: string } | { compact: string; level: number } | { compactFiles: string; from: number; to: number } | { comment: string };

export interface TableExpectation {
  /** Labels of the surviving puts, in key order (partitioned: partition order, then key order). */
  rows: string[];
  /** Keys whose newest committed version is a Delete (or hidden by gc_fence), inside live regions. */
  deletedRows?: number;
  /** Rows whose key lies outside every live region of this store (leftovers: must not be exported). */
  outsideRegionRows?: number;
}

export interface RegionDef {
  id: number;
  /** Raw (TiDB) key bounds; null = unbounded. Stored mc-encoded, as in metapb.Region. */
  startRaw: Bytes | null;
  endRaw: Bytes | null;
  /** PeerState: 0 Normal, 1 Applying, 2 Tombstone, 3 Merging. */
  state: number;
  peers: PeerSpec[];
  note?: string;
  /** RegionEpoch (default conf_ver 1, version 1) and RaftApplyState.applied_index (default 1000). */
  confVer?: number;
  version?: number;
  appliedIndex?: number;
}

const PEER_STATE = ['Normal', 'Applying', 'Tombstone', 'Merging', 'Unavailable'];

export interface Scenario {
  name: string;
  description: string;
  clusterId: bigint;
  storeId: number;
  /** Final catalog, written by hand: every live database and its live tables. */
  catalog: { db: DbDef; tables: Table[] }[];
  /** Dropped / truncated-away tables whose data remains (must not be exported). */
  dropped?: { db: DbDef; table: Table; reason: string }[];
  expect: Record<string, TableExpectation>; // key: table name as `db.table`
  timeline: TimelineEntry[];
  notes?: string[];
  /** RegionLocalStates in the raft CF; default: one Normal region covering everything with this store as a peer. */
  regions?: RegionDef[];
}

const isTxn = (e: TimelineEntry): e is Txn => 'ops' in e;

interface Mutation {
  raw: Bytes;
  kind: 'Put' | 'Delete' | 'Lock';
  pessimistic?: { forUpdateTs: bigint };
  value?: Bytes;
  label?: string;
  missingDefault?: boolean;
  gcFence?: bigint;
  overlappedRollback?: boolean;
  table?: Table;
}

interface WriteVersion {
  commitTs: bigint;
  startTs: bigint;
  type: 'Put' | 'Delete' | 'Lock' | 'Rollback';
  label?: string;
  gcFence?: bigint;
  missingDefault?: boolean;
}

export interface BuildResult {
  ops: string;
  expected: Record<string, unknown>;
}

function pkDatums(t: Table, inputs: Record<string, Input>): Datum[] {
  if (typeof t.def.pk !== 'object') throw new Error('not a common handle');
  return t.def.pk.common.map((n) => {
    const v = inputs[n];
    if (v === undefined) throw new Error(`${t.name}: missing PK column ${n}`);
    return toDatum(t.col(n).pt, v);
  });
}

function physicalId(ref: RowRef): number {
  const t = ref.table;
  if (!t.def.partition) return t.id;
  const d = t.def.partition.defs.find((x) => x.name === ref.partition);
  if (!d) throw new Error(`${t.name}: partition ${String(ref.partition)} not found`);
  return d.id;
}

/** The raw TiDB record key of a row. */
export function rowKey(ref: RowRef, values?: Record<string, Cell>): Bytes {
  const t = ref.table;
  const pid = physicalId(ref);
  const input = (n: string): Input => {
    const p = ref.pk?.[n];
    if (p !== undefined) return p;
    const c = values?.[n];
    if (!c || c[0] === null || c[0] === ABSENT) throw new Error(`${t.name}: no PK value for ${n}`);
    return c[0];
  };
  if (t.def.pk === 'rowid') {
    if (ref.rowid === undefined) throw new Error(`${t.name}: rowid required`);
    return recordKeyInt(pid, ref.rowid);
  }
  if (t.def.pk === 'int') {
    const c = t.cols[0]!;
    const v = BigInt(input(c.name) as bigint | number | string);
    return recordKeyInt(pid, BigInt.asIntN(64, v)); // unsigned PK: int64 with the same bits
  }
  const inputs: Record<string, Input> = {};
  for (const n of t.def.pk.common) inputs[n] = input(n);
  return recordKeyCommon(pid, pkDatums(t, inputs));
}

/** Row value bytes for a put (v1 or v2), leaving out ABSENT cells and int-handle PK columns. */
export function rowValue(t: Table, values: Record<string, Cell>): Bytes {
  const present: { c: Column; v: Input | null }[] = [];
  for (const [name, cell] of Object.entries(values)) {
    const c = t.cols.find((x) => x.name === name);
    if (cell[0] === ABSENT) continue;
    if (!c) throw new Error(`${t.name}: value for unknown column ${name} (use ABSENT for columns that are not stored)`);
    if (t.def.pk === 'int' && c.isPk) continue; // never in the value
    if (typeof t.def.pk === 'object' && c.isPk && !needsRestoredData(c)) continue;
    present.push({ c, v: cell[0] });
  }
  if ((t.def.rowFormat ?? 2) === 1) {
    return encodeRowV1(present.sort((a, b) => a.c.id - b.c.id).map(({ c, v }) => ({ id: c.id, datum: v === null ? { k: 'null' as const } : toDatum(c.pt, v) })));
  }
  const cols: V2Column[] = present.map(({ c, v }) => ({ id: c.id, value: v === null ? null : toV2(c.pt, v) }));
  return encodeRowV2(cols, t.def.checksum ? { checksum: { version: 1 } } : {});
}

/** NeedRestoredData with new collation on (§8): non-binary string PK columns except CHAR with a _bin collation. */
function needsRestoredData(c: Column): boolean {
  if (c.pt.cat !== 'string') return false;
  const bin = c.pt.ft.Collate.endsWith('_bin');
  return !bin || c.pt.ft.Tp === 15 /* varchar */;
}


export function buildScenario(sc: Scenario): BuildResult {
  const lines: string[] = [];
  const out = (s: string): void => {
    lines.push(s);
  };
  out(`# scenario ${sc.name}: ${sc.description}`);
  out('# generated by scripts/make-tidb-fixtures.ts (test/support/tidb-builder); do not edit');
  out('option format_version=5');
  out('option checksum=crc32c');
  out('option disable_auto_compactions=1');
  for (const cf of ['default', 'write']) {
    out(`cf_option ${cf} compression_per_level=no,no,lz4,lz4,lz4,zstd,zstd`);
    out(`cf_option ${cf} bottommost_compression=zstd`);
  }
  for (const cf of ['lock', 'raft']) out(`cf_option ${cf} compression=no`);
  out('open default,lock,write,raft');

  // Bootstrap: store ident (default CF) and one region covering everything (raft CF).
  out('# bootstrap: STORE_IDENT_KEY in default CF; region 1 [-inf, +inf) Normal with this store as a peer');
  out('batch_begin');
  out(`put default ${toHex(STORE_IDENT_KEY)} ${toHex(storeIdent(sc.clusterId, sc.storeId))}`);
  const regions: RegionDef[] = sc.regions ?? [{ id: 1, startRaw: null, endRaw: null, state: 0, peers: [{ id: 2, storeId: sc.storeId }] }];
  for (const r of regions) {
    const spec = { id: r.id, startKey: r.startRaw ? mcBytes(r.startRaw) : new Uint8Array(0), endKey: r.endRaw ? mcBytes(r.endRaw) : new Uint8Array(0), confVer: r.confVer ?? 1, version: r.version ?? 1, peers: r.peers };
    const applied = r.appliedIndex ?? 1000;
    out(`put raft ${toHex(regionStateKey(r.id))} ${toHex(regionLocalState(r.state, spec))}`);
    out(`put raft ${toHex(applyStateKey(r.id))} ${toHex(raftApplyState(applied, applied - 10, 6, applied, 6))}`);
  }
  out('batch_end');

  const history = new Map<string, WriteVersion[]>(); // raw key hex -> versions (any order)
  const writeTs = new Set<string>();
  const pendingLocks: Record<string, unknown>[] = [];
  const missingValues: Record<string, unknown>[] = [];
  const labels = new Map<string, { table: Table; values: Record<string, Cell>; rawHex: string; pid: number }>();
  let schemaVersion = 0;
  let lastFlushIdx = -1;
  const walOnlyTxns: string[] = [];

  const mutationsOf = (txn: Txn): Mutation[] => {
    const ms: Mutation[] = [];
    let ddl = false;
    for (const op of txn.ops) {
      switch (op.op) {
        case 'put': {
          const raw = rowKey(op.ref, op.values);
          const m: Mutation = { raw, kind: 'Put', value: rowValue(op.ref.table, op.values), label: op.label, table: op.ref.table };
          if (op.missingDefault) m.missingDefault = true;
          if (op.gcFence !== undefined) m.gcFence = op.gcFence;
          if (op.overlappedRollback) m.overlappedRollback = true;
          if (labels.has(op.label)) throw new Error(`duplicate label ${op.label}`);
          labels.set(op.label, { table: op.ref.table, values: op.values, rawHex: toHex(raw), pid: physicalId(op.ref) });
          ms.push(m);
          break;
        }
        case 'delete': {
          const m: Mutation = { raw: rowKey(op.ref), kind: 'Delete' };
          if (op.gcFence !== undefined) m.gcFence = op.gcFence;
          ms.push(m);
          break;
        }
        case 'lock':
          ms.push({ raw: rowKey(op.ref), kind: 'Lock' });
          break;
        case 'pessimisticLock':
          if (txn.status !== 'pending') throw new Error('pessimisticLock is only valid in a pending transaction');
          ms.push({ raw: rowKey(op.ref), kind: 'Lock', pessimistic: { forUpdateTs: op.forUpdateTs } });
          break;
        case 'createDb':
          ddl = true;
          ms.push({ raw: metaHashKey('DBs', `DB:${op.db.id}`), kind: 'Put', value: utf8(dbInfoJson(op.db.id, op.db.name)) });
          break;
        case 'dropDb':
          ddl = true;
          ms.push({ raw: metaHashKey('DBs', `DB:${op.db.id}`), kind: 'Delete' });
          break;
        case 'createTable':
        case 'alterTable':
          ddl = true;
          ms.push({ raw: metaHashKey(`DB:${op.db.id}`, `Table:${op.table.id}`), kind: 'Put', value: utf8(op.table.json(txn.commit ?? txn.start)) });
          break;
        case 'dropTable':
          ddl = true;
          ms.push({ raw: metaHashKey(`DB:${op.db.id}`, `Table:${op.table.id}`), kind: 'Delete' });
          break;
        case 'rawPut':
          ms.push({ raw: op.key, kind: 'Put', value: op.value });
          break;
      }
    }
    if (ddl) {
      schemaVersion++;
      ms.push({ raw: metaStringKey('SchemaVersionKey'), kind: 'Put', value: utf8(String(schemaVersion)) });
    }
    return ms;
  };

  sc.timeline.forEach((e, idx) => {
    if (!isTxn(e)) {
      if ('rawCf' in e) {
        out(`# raw: ${e.note}`);
        out(`put ${e.rawCf} ${toHex(e.key)} ${toHex(e.value)}`);
      } else if ('flush' in e) {
        out(`flush ${e.flush}`);
        lastFlushIdx = idx;
      } else if ('compactFiles' in e) out(`compact_files ${e.compactFiles} ${e.from} ${e.to}`);
      else if ('compact' in e) out(`compact ${e.compact} ${e.level}`);
      else out(`# ${e.comment}`);
      return;
    }
    const status = e.status ?? 'committed';
    const ms = mutationsOf(e);
    if (ms.length === 0) throw new Error('empty transaction');
    const primary = ms[0]!.raw;
    out(`# txn start_ts=${e.start}${e.commit !== undefined ? ` commit_ts=${e.commit}` : ''} ${status}${e.note ? `: ${e.note}` : ''}`);
    // Prewrite: big values to default CF at start_ts, a lock per key.
    out('batch_begin');
    for (const m of ms) {
      const long = m.value !== undefined && m.value.length > 255;
      if (long && !m.missingDefault) out(`put default ${toHex(mvccKey(m.raw, e.start))} ${toHex(m.value!)}`);
      const lockType: LockType = m.pessimistic ? 'Pessimistic' : m.kind;
      const lock = m.pessimistic
        ? encodeLock({ type: lockType, primary, startTs: e.start, ttl: 3000, forUpdateTs: m.pessimistic.forUpdateTs })
        : encodeLock({ type: lockType, primary, startTs: e.start, ttl: 3000, ...(m.value !== undefined && !long ? { shortValue: m.value } : {}), txnSize: ms.length });
      out(`put lock ${toHex(dataKey(m.raw))} ${toHex(lock)}`);
      if (status === 'pending') {
        pendingLocks.push({
          keyHex: toHex(m.raw),
          type: lockType,
          startTs: e.start.toString(),
          primaryHex: toHex(primary),
          valueInDefaultCf: long,
          ...(m.label ? { label: m.label } : {}),
        });
      }
    }
    out('batch_end');
    if (status === 'pending') return;
    out('batch_begin');
    for (const m of ms) {
      const long = m.value !== undefined && m.value.length > 255;
      const rawHex = toHex(m.raw);
      const vs = history.get(rawHex) ?? [];
      history.set(rawHex, vs);
      if (status === 'committed') {
        if (e.commit === undefined) throw new Error('committed txn needs commit ts');
        const w = encodeWrite({
          type: m.kind,
          startTs: e.start,
          ...(m.value !== undefined && !long ? { shortValue: m.value } : {}),
          ...(m.overlappedRollback ? { overlappedRollback: true } : {}),
          ...(m.gcFence !== undefined ? { gcFence: m.gcFence } : {}),
        });
        const tk = `${rawHex}@${e.commit}`;
        if (writeTs.has(tk)) throw new Error(`two write records at ${tk}`);
        writeTs.add(tk);
        out(`put write ${toHex(mvccKey(m.raw, e.commit))} ${toHex(w)}`);
        const v: WriteVersion = { commitTs: e.commit, startTs: e.start, type: m.kind };
        if (m.label) v.label = m.label;
        if (m.gcFence !== undefined) v.gcFence = m.gcFence;
        if (m.missingDefault) {
          v.missingDefault = true;
          missingValues.push({ keyHex: rawHex, startTs: e.start.toString(), commitTs: e.commit.toString(), label: m.label ?? null, table: m.table?.name ?? null });
        }
        vs.push(v);
        if (idx > lastFlushIdx) walOnlyTxns.push(`${e.start}->${e.commit}`);
      } else {
        if (long) out(`delete default ${toHex(mvccKey(m.raw, e.start))}`);
        const w = encodeWrite({ type: 'Rollback', startTs: e.start, ...(status === 'protected-rollback' ? { shortValue: utf8('p') } : {}) });
        const tk = `${rawHex}@${e.start}`;
        if (writeTs.has(tk)) throw new Error(`two write records at ${tk}`);
        writeTs.add(tk);
        out(`put write ${toHex(mvccKey(m.raw, e.start))} ${toHex(w)}`);
        vs.push({ commitTs: e.start, startTs: e.start, type: 'Rollback' });
      }
      out(`delete lock ${toHex(dataKey(m.raw))}`);
    }
    out('batch_end');
  });
  out('# close without flushing: everything after the last flush stays only in the WAL');
  out('close');

  // ---- the builder's own MVCC resolution, to check the hand-written expectations ----
  const winner = (rawHex: string): { kind: 'row'; label: string } | { kind: 'deleted' } | { kind: 'missing' } | { kind: 'none' } => {
    const vs = [...(history.get(rawHex) ?? [])].sort((a, b) => (a.commitTs > b.commitTs ? -1 : a.commitTs < b.commitTs ? 1 : 0));
    for (const v of vs) {
      if (v.gcFence !== undefined && v.gcFence !== 0n) return { kind: 'deleted' };
      if (v.type === 'Put') return v.missingDefault ? { kind: 'missing' } : { kind: 'row', label: v.label! };
      if (v.type === 'Delete') return { kind: 'deleted' };
    }
    return { kind: 'none' };
  };
  // Live ranges (§10): regions in state Normal (0) or Merging (3) with this store as a non-witness peer.
  const live = regions
    .filter((r) => (r.state === 0 || r.state === 3) && r.peers.some((p) => p.storeId === sc.storeId && p.isWitness !== true))
    .map((r) => ({ start: r.startRaw ? toHex(r.startRaw) : '', end: r.endRaw ? toHex(r.endRaw) : null }));
  const isLive = (rawHex: string): boolean => live.some((r) => rawHex >= r.start && (r.end === null || rawHex < r.end));
  const tablePrefixHex = (pid: number): string => toHex(recordKeyInt(pid, 0)).slice(0, 18); // 't' + EncodeInt(pid)

  const databases = sc.catalog.map(({ db, tables }) => ({
    id: db.id,
    name: db.name,
    system: db.system === true,
    tables: tables.map((t) => {
      const key = `${db.name}.${t.name}`;
      const ex = sc.expect[key];
      if (!ex) throw new Error(`no expectation for ${key}`);
      // builder's own view: per physical id, keys in order
      const got: string[] = [];
      let deleted = 0;
      let outside = 0;
      for (const pid of t.physicalIds()) {
        const keys = [...history.keys()].filter((k) => k.startsWith(tablePrefixHex(pid)) && k.slice(18, 22) === '5f72').sort();
        for (const k of keys) {
          const w = winner(k);
          if (!isLive(k)) {
            if (w.kind === 'row') outside++;
            continue;
          }
          if (w.kind === 'row') got.push(w.label);
          if (w.kind === 'deleted') deleted++;
        }
      }
      if (ex.outsideRegionRows !== undefined && ex.outsideRegionRows !== outside) throw new Error(`${key}: outsideRegionRows ${ex.outsideRegionRows} but builder counts ${outside}`);
      if (JSON.stringify(got) !== JSON.stringify(ex.rows)) {
        throw new Error(`${key}: hand-written rows ${JSON.stringify(ex.rows)} differ from the builder's MVCC resolution ${JSON.stringify(got)}`);
      }
      if (ex.deletedRows !== undefined && ex.deletedRows !== deleted) throw new Error(`${key}: deletedRows ${ex.deletedRows} but builder counts ${deleted}`);
      const outCols = t.cols.filter((c) => (c.state ?? 5) === 5 && c.hidden !== true);
      return {
        id: t.id,
        name: t.name,
        physicalIds: t.physicalIds(),
        columns: outCols.map((c) => c.name),
        rows: ex.rows.map((l) => {
          const p = labels.get(l)!;
          return outCols.map((c) => {
            const cell = p.values[c.name];
            if (!cell) throw new Error(`${key} row ${l}: no expected text for column ${c.name}`);
            return cell[1];
          });
        }),
        rowLabels: ex.rows,
        deletedRows: deleted,
        ...(sc.regions ? { outsideRegionRows: outside } : {}),
      };
    }),
  }));

  const expected: Record<string, unknown> = {
    scenario: sc.name,
    description: sc.description,
    generatedBy: 'scripts/make-tidb-fixtures.ts',
    cellEncoding:
      'each cell: null (SQL NULL), a string (the exact text TiDB prints; TIMESTAMP in UTC), or {"hex": ...} for bytes (binary/BLOB/BIT columns and non-UTF-8 text)',
    rowOrder: 'key order of the record keys; partitioned tables: partition definition order, then key order',
    store: {
      clusterId: sc.clusterId.toString(),
      storeId: sc.storeId,
      regions: regions.map((r) => ({
        id: r.id,
        // encoded (mc) keys as in metapb.Region, hex; '' = unbounded
        startKey: r.startRaw ? toHex(mcBytes(r.startRaw)) : '',
        endKey: r.endRaw ? toHex(mcBytes(r.endRaw)) : '',
        state: PEER_STATE[r.state],
        storeIsPeer: r.peers.some((p) => p.storeId === sc.storeId && p.isWitness !== true),
        ...(r.note ? { note: r.note } : {}),
      })),
    },
    schemaVersion,
    databases,
    droppedTables: (sc.dropped ?? []).map((d) => ({ db: d.db.name, dbId: d.db.id, id: d.table.id, name: d.table.name, reason: d.reason, physicalIds: d.table.physicalIds() })),
    pendingLocks,
    missingValues,
    walOnlyCommits: walOnlyTxns,
    notes: sc.notes ?? [],
  };
  return { ops: `${lines.join('\n')}\n`, expected };
}
