/**
 * Several TiKV node images read together as one MVCC keyspace (issue #6).
 *
 * Each node's RocksDb is opened read-only; its StoreIdent and regions (RegionLocalState +
 * RaftApplyState) decide which key ranges it is authoritative for (tikv/region-authority.ts:
 * Normal/Merging regions with a peer on that store; overlapping replicas ranked by epoch
 * version, conf_ver, then applied index). tikv/multi-source.ts merges the per-node cursors, each
 * clipped to its authoritative ranges (or, with includeOrphans, unclipped), so identical versions
 * count once and LatestScanner + Catalog apply the single-node rules to the union.
 *
 * A node directory that cannot be opened (FormatError/UserError at open, region decoding) is
 * recorded in `failures` and left out; the caller reports it and exits 3. Images of different
 * clusters are refused.
 *
 * A node whose reader throws a FormatError later (a data block failing its checksum while a
 * table, the schema or the locks are read) is dropped for the rest of the run (dropNode): it is
 * recorded in `failures` with file, offset, CF and the ranges it was authoritative for
 * ("coverage lost"), authority is recomputed without it, and the interrupted scan restarts right
 * behind the last row it returned. Rows already returned came from blocks that passed their
 * checksums; no row of the bad block is returned. Damage in data a node is not authoritative
 * for (orphaned) is never read without includeOrphans (the node gets no cursor there), so it
 * costs nothing. Not handled or tested: --resume after a run that dropped a node (the new run
 * starts with every node again).
 */
import { collationUnknownWarning, decoderOptions } from './collation.js';
import { detectNewCollation, type CollationSetting } from '../tidb/collation-setting.js';
import { FormatError, UserError } from '../errors.js';
import { RocksDb } from '../rocksdb/db.js';
import type { LiveFile, Warning } from '../rocksdb/types.js';
import { Catalog, type TableEntry } from '../tidb/catalog.js';
import { createDatabaseSql, tableSchemaFileSql } from '../tidb/create-table.js';
import { recordRange } from '../tidb/record-key.js';
import { RowDecoder } from '../tidb/row-decoder.js';
import type { DbInfo, TableInfo } from '../tidb/table-info.js';
import { compareBytes, decodeBytes } from '../tikv/memcomparable.js';
import { DATA_MAX_KEY, DATA_MIN_KEY, decodeDataKey, encodeRawRange } from '../tikv/mvcc-key.js';
import { CF_DEFAULT, CF_LOCK, CF_WRITE, LatestScanner, scanLocks, type CfSource } from '../tikv/mvcc-scan.js';
import { MultiSource, NodeReadError, type MultiNode } from '../tikv/multi-source.js';
import { readRegions, readStoreIdent, type RegionInfo, type StoreIdent } from '../tikv/raft-state.js';
import { computeAuthority, holdsData, intersectDataRanges, type Authority, type DataRange } from '../tikv/region-authority.js';
import type { InspectReport, RawEntry, Session, SessionOptions } from './session-types.js';
import type { DumpSource, RowScan, ScanCounters, TableDecoder } from './source.js';
import { ScanTally } from './scan-tally.js';

export interface NodeSpec {
  /** Short name used in reports: node1, node2, ... in --data-dir order. */
  label: string;
  dbDir: string;
  dataDir?: string | undefined;
  titanDir?: string | undefined;
}

export interface NodeFailure {
  label: string;
  dir: string;
  message: string;
  /**
   * Set when the node opened but a read error (FormatError) met during the run dropped it: it is
   * not read again for the rest of the run and authority is recomputed without it.
   */
  dropped?: NodeDrop;
}

export interface NodeDrop {
  /** File and byte offset of the damage, when the reader knew them. */
  file: string | null;
  offset: number | null;
  cf: string;
  /** The key range (raw hex) being read when the error came: a table's record range, a chunk, or the schema. */
  during: HexRange;
  /**
   * The ranges the node was authoritative for (raw keys) when it was dropped. Rows there that
   * no other node holds are lost; a newer version only it held may let an older one from
   * another (now authoritative) node win.
   */
  coverageLost: HexRange[];
}

export interface MultiSessionOptions extends SessionOptions {
  includeOrphans: boolean;
}

/** A raw (TiDB) key range in hex; '' = unbounded. Bounds that are not memcomparable: '(encoded) ' + data-key hex. */
export interface HexRange {
  start: string;
  end: string;
}

export interface NodeRegionDetail {
  id: string;
  state: string;
  start: string;
  end: string;
  version: string;
  confVer: string;
  appliedIndex: string | null;
  /** Normal/Merging with a non-witness peer on this store. */
  holdsData: boolean;
  peers: number;
}

export interface TableNodeReport {
  db: string;
  table: string;
  physicalIds: number[];
  /** Rows read (before decoding) per node, in node order; sums to rows + rejected. */
  rowsByNode: Record<string, number>;
  /** Rows whose winning version only non-authoritative (orphaned) data held (--include-orphans). */
  orphanOnlyRows: number;
  /** Key ranges of the table no node covers with a Normal region. */
  holes: HexRange[];
}

export interface MultiInspectReport {
  includeOrphans: boolean;
  nodes: { label: string; report: InspectReport; regions: NodeRegionDetail[] }[];
  failedNodes: NodeFailure[];
  /** Which node is authoritative for which range (raw keys). */
  authority: (HexRange & { node: string; regionId: string | null })[];
  /** Holes of each table. */
  tableHoles: { table: string; physicalIds: number[]; holes: HexRange[] }[];
}

interface OpenNode {
  spec: NodeSpec;
  db: RocksDb;
  ident: StoreIdent | undefined;
  regions: RegionInfo[];
}

const hexOf = (u: Uint8Array): string => Buffer.from(u.buffer, u.byteOffset, u.length).toString('hex');

/** A data key ('z' + mc(raw)) as raw hex; '' for the ends of the data keyspace. */
export function dataKeyToRawHex(k: Uint8Array): string {
  if (compareBytes(k, DATA_MIN_KEY) <= 0 || compareBytes(k, DATA_MAX_KEY) >= 0) return '';
  try {
    const d = decodeBytes(k, 1);
    if (d.end === k.length) return hexOf(d.value);
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
  }
  return `(encoded) ${hexOf(k)}`;
}

/** The whole data keyspace (schema reads). */
const DATA_WHOLE: DataRange = { start: DATA_MIN_KEY, end: DATA_MAX_KEY };

const hexRange = (r: DataRange): HexRange => ({ start: dataKeyToRawHex(r.start), end: dataKeyToRawHex(r.end) });

function errMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function openMultiSession(specs: readonly NodeSpec[], initialFailures: readonly NodeFailure[], opts: MultiSessionOptions): MultiSession {
  const warnings: Warning[] = [];
  const warn = (w: Warning): void => {
    warnings.push(w);
    opts.onWarning?.(w);
  };
  const failures: NodeFailure[] = [...initialFailures];
  const nodes: OpenNode[] = [];
  try {
    for (const spec of specs) {
      let db: RocksDb | undefined;
      try {
        db = RocksDb.open(spec.dbDir, { onWarning: (w) => warn({ ...w, message: `[${spec.label}] ${w.message}` }) });
        for (const cf of [CF_DEFAULT, CF_WRITE, CF_LOCK]) {
          if (!db.hasColumnFamily(cf)) throw new UserError(`${spec.dbDir} has no "${cf}" column family; is this TiKV's kv db?`);
        }
        const ident = readStoreIdent(db);
        const regions = db.hasColumnFamily('raft') ? readRegions(db) : [];
        nodes.push({ spec, db, ident, regions });
      } catch (e) {
        db?.close();
        if (!(e instanceof FormatError) && !(e instanceof UserError)) throw e;
        failures.push({ label: spec.label, dir: spec.dbDir, message: errMessage(e) });
      }
    }
    if (nodes.length === 0) {
      throw new UserError(`none of the ${specs.length + initialFailures.length} data dirs could be read: ${failures.map((f) => `${f.label} ${f.dir}: ${f.message}`).join('; ')}`);
    }
    const clusters = new Set(nodes.filter((n) => n.ident !== undefined).map((n) => n.ident!.clusterId));
    if (clusters.size > 1) {
      throw new UserError(
        `the data dirs belong to different clusters (${nodes.map((n) => `${n.spec.label}: ${n.ident?.clusterId.toString() ?? '?'}`).join(', ')}); refusing to merge them`,
      );
    }
    return new MultiSession(nodes, failures, opts, warn, warnings);
  } catch (e) {
    for (const n of nodes) n.db.close();
    throw e;
  }
}

/** LatestScanner over a fresh MultiSource per range, attributing each row to a node; goes on without a node whose reader fails (exported for tests). */
export class MultiScan implements RowScan {
  private cur: LatestScanner | undefined;
  private src: MultiSource | undefined;
  private i = 0;
  private readonly tally = new ScanTally();
  private fileIdx = 0;
  /** SST bytes of the files (all nodes) whose keys the scan has passed, for progress. */
  bytesPassed = 0;

  constructor(
    private readonly make: () => MultiSource,
    private readonly ranges: { start: Uint8Array; end: Uint8Array }[],
    private readonly readTs: bigint | undefined,
    private readonly onRow: (node: number, orphanOnly: boolean) => void,
    /** Write/default-CF files of every node overlapping the scan, by largest key. */
    private readonly files: LiveFile[] = [],
    /** A node's read error: drop it (throws when no node is left). */
    private readonly onNodeError: (e: NodeReadError, range: { start: Uint8Array; end: Uint8Array }) => void = (e) => {
      throw e;
    },
  ) {}

  /** The raw range the current scanner reads, and the raw key of the last row it returned. */
  private range: { start: Uint8Array; end: Uint8Array } | undefined;
  /** Encoded key (a copy) of the last row returned by the current scanner. */
  private lastEnc: Uint8Array | undefined;

  /** next() of the current scanner; on a node's read error, drop the node and go on right behind the last row returned. */
  private step(): boolean {
    for (;;) {
      try {
        return this.cur!.next();
      } catch (e) {
        if (!(e instanceof NodeReadError)) throw e;
        const r = this.range!;
        this.onNodeError(e, r);
        this.tally.add(this.cur!.stats);
        this.src!.closeCursors();
        // the raw key + 0x00 is the first raw key after it; every version of the last row returned is behind us
        let start = r.start;
        if (this.lastEnc !== undefined) {
          let raw: Uint8Array;
          try {
            raw = decodeDataKey(this.lastEnc);
          } catch {
            throw e; // cannot say where to go on without repeating rows: the table is INCOMPLETE
          }
          start = Uint8Array.from([...raw, 0]);
        }
        this.range = { start, end: r.end };
        this.src = this.make();
        this.cur = new LatestScanner(this.src, this.range, this.readTs === undefined ? {} : { readTs: this.readTs });
      }
    }
  }

  next(): boolean {
    for (;;) {
      if (this.cur === undefined) {
        const r = this.ranges[this.i++];
        if (r === undefined) {
          this.bytesPassed = this.files.reduce((a, f) => a + f.size, 0);
          return false;
        }
        this.src = this.make();
        this.range = r;
        this.lastEnc = undefined;
        this.cur = new LatestScanner(this.src, r, this.readTs === undefined ? {} : { readTs: this.readTs });
      }
      if (this.step()) {
        const w = this.src!.lastWriteCursor;
        if (w !== undefined) this.onRow(w.lastNode, w.lastOrphanOnly);
        const k = this.cur.encodedKey();
        this.lastEnc = k.slice();
        while (this.fileIdx < this.files.length && compareBytes(this.files[this.fileIdx]!.largestKey, k) < 0) this.bytesPassed += this.files[this.fileIdx++]!.size;
        return true;
      }
      const st = this.cur.stats;
      this.tally.add(st);
      this.src!.closeCursors();
      this.cur = undefined;
      this.src = undefined;
    }
  }
  rawKey(): Uint8Array {
    return this.cur!.rawKey();
  }
  value(): Uint8Array {
    return this.cur!.value();
  }
  commitTs(): bigint {
    return this.cur!.commitTs();
  }
  counters(): ScanCounters {
    return this.tally.counters(this.cur?.stats);
  }
}

export class MultiSession implements Session {
  readonly dbDir: string;
  readonly readTs: bigint | undefined;
  readonly schemaVersion: string | undefined;
  readonly includeOrphans: boolean;
  /** Recomputed without a node when a read error drops it (dropNode). */
  authority: Authority;
  /** Nodes dropped during the run after a read error (indexes into the node list). */
  private readonly dropped = new Set<number>();
  private readonly catalog: Catalog;
  private readonly tableById = new Map<number, TableEntry>();
  /** Per physical id: rows per node and orphan-only rows, accumulated over scans. */
  private readonly counts = new Map<number, { byNode: number[]; orphanOnly: number }>();

  constructor(
    private readonly nodes: OpenNode[],
    readonly failures: NodeFailure[],
    opts: MultiSessionOptions,
    private readonly warn: (w: Warning) => void,
    private readonly warnings: Warning[],
  ) {
    this.readTs = opts.readTs;
    this.includeOrphans = opts.includeOrphans;
    this.dbDir = nodes.map((n) => n.spec.dbDir).join(',');
    for (const n of nodes) {
      if (n.ident === undefined) warn({ code: 'no-store-ident', message: `[${n.spec.label}] no StoreIdent: store id unknown, every Normal region counts as held by it` });
    }
    this.authority = computeAuthority(nodes.map((n) => ({ storeId: n.ident?.storeId, regions: n.regions })));
    for (const i of this.authority.nodesWithoutRegions) {
      warn({ code: 'no-regions', message: `[${nodes[i]!.spec.label}] no RegionLocalState in the raft CF: its data is used only where no other node has a Normal region` });
    }
    this.catalog = this.retrying(DATA_WHOLE, (src) => Catalog.load(src, this.readTs === undefined ? {} : { readTs: this.readTs }));
    this.schemaVersion = this.catalog.schemaVersion === null ? undefined : String(this.catalog.schemaVersion);
    for (const p of this.catalog.problems) warn({ code: `catalog-${p.kind}`, message: p.message });
    if (this.catalog.metaLocks > 0) warn({ code: 'meta-locks', message: `${this.catalog.metaLocks} uncommitted lock(s) on schema keys (a DDL in flight at shutdown)` });
    for (const d of this.catalog.databases()) for (const t of this.catalog.tables(d.id)) this.tableById.set(t.id, t);
    if (opts.newCollation !== undefined) {
      this.collation = { newCollation: opts.newCollation, source: 'set by --new-collation' };
    } else {
      this.collation = this.retrying(DATA_WHOLE, (src) => detectNewCollation(src, this.catalog, this.readTs === undefined ? {} : { readTs: this.readTs }));
    }
    if (this.collation.newCollation === undefined) warn(collationUnknownWarning(this.collation.source));
  }

  /** TiDB's new collation framework on/off (from the merged mysql.tidb), and where that came from. */
  readonly collation: CollationSetting;

  /** Node labels, in --data-dir order (failed nodes excluded). */
  nodeLabels(): string[] {
    return this.nodes.map((n) => n.spec.label);
  }

  /** A fresh merged source (its cursors can be closed as a group); dropped nodes contribute nothing. */
  source(): MultiSource {
    const ns: MultiNode[] = this.nodes.map((n, i) => ({ source: n.db as CfSource, ranges: this.authority.byNode[i]!, dropped: this.dropped.has(i) }));
    return new MultiSource(ns, this.includeOrphans);
  }

  /**
   * A node's reader met a FormatError (e.g. a data block failing its checksum) while reading
   * `during` (data keys): the node is not read again in this run (one verified-bad block says
   * the image is damaged; reading on would mix its surviving blocks with the others' data and
   * could differ from table to table), it is recorded in `failures` with the file, offset and
   * the ranges it was authoritative for (coverage lost), and authority is recomputed without it
   * so the next best replicas take over those ranges. The last node is never dropped: the error
   * is thrown (the table is INCOMPLETE, exit 2).
   */
  dropNode(e: NodeReadError, during: DataRange): void {
    if (this.dropped.has(e.node)) return;
    if (this.dropped.size + 1 >= this.nodes.length) throw e.original;
    const n = this.nodes[e.node]!;
    const lost = this.authority.byNode[e.node]!.map(hexRange);
    this.dropped.add(e.node);
    this.authority = computeAuthority(
      this.nodes.map((x) => ({ storeId: x.ident?.storeId, regions: x.regions })),
      this.dropped,
    );
    this.failures.push({
      label: n.spec.label,
      dir: n.spec.dbDir,
      message: `dropped after a read error in the ${e.cf} CF: ${e.message}`,
      dropped: { file: e.file ?? null, offset: e.offset ?? null, cf: e.cf, during: hexRange(during), coverageLost: lost },
    });
    this.warn({ code: 'node-dropped', message: `[${n.spec.label}] dropped for the rest of the run: ${e.message}` });
  }

  /** Nodes dropped during the run, as their failures. */
  droppedFailures(): NodeFailure[] {
    return this.failures.filter((f) => f.dropped !== undefined);
  }

  /** f over a fresh source; a node's read error drops the node and f runs again on the rest. */
  private retrying<T>(during: DataRange, f: (src: MultiSource) => T): T {
    for (;;) {
      const src = this.source();
      try {
        return f(src);
      } catch (e) {
        if (!(e instanceof NodeReadError)) throw e;
        this.dropNode(e, during);
      } finally {
        src.closeCursors();
      }
    }
  }

  storeIdent(): { clusterId: string; storeId: string } | undefined {
    const known = this.nodes.filter((n) => n.ident !== undefined);
    if (known.length === 0) return undefined;
    return { clusterId: known[0]!.ident!.clusterId.toString(), storeId: known.map((n) => n.ident!.storeId.toString()).join(',') };
  }

  databases(): DbInfo[] {
    return this.catalog.databases().map((d) => d.info);
  }

  tables(dbId: number): TableInfo[] {
    return this.catalog.tables(dbId).map((t) => t.info);
  }

  hasData(physicalId: number): boolean {
    const enc = encodeRawRange(recordRange(physicalId));
    return this.retrying(enc, (src) => {
      const c = src.cursor(CF_WRITE, enc);
      c.seek(enc.start);
      return c.valid() && compareBytes(c.userKey(), enc.end) < 0;
    });
  }

  /** Key ranges of a physical table no node covers with a Normal region. */
  holes(physicalId: number): HexRange[] {
    return intersectDataRanges(encodeRawRange(recordRange(physicalId)), this.authority.holes).map(hexRange);
  }

  /** Per-node row counts, orphan-only rows and holes of a table (after its scan). */
  tableReport(db: string, table: string, physicalIds: number[]): TableNodeReport {
    const byNode = this.nodes.map(() => 0);
    let orphanOnly = 0;
    for (const pid of physicalIds) {
      const c = this.counts.get(pid);
      if (c === undefined) continue;
      c.byNode.forEach((v, i) => (byNode[i]! += v));
      orphanOnly += c.orphanOnly;
    }
    const rowsByNode: Record<string, number> = {};
    this.nodes.forEach((n, i) => (rowsByNode[n.spec.label] = byNode[i]!));
    return { db, table, physicalIds, rowsByNode, orphanOnlyRows: orphanOnly, holes: physicalIds.flatMap((p) => this.holes(p)) };
  }

  /** Write/default-CF files of the nodes read for this table (authoritative ones unless includeOrphans), by largest key. */
  private filesFor(physicalId: number): LiveFile[] {
    const enc = encodeRawRange(recordRange(physicalId));
    const out: LiveFile[] = [];
    this.nodes.forEach((n, i) => {
      if (!this.includeOrphans && intersectDataRanges(enc, this.authority.byNode[i]!).length === 0) return;
      for (const cf of [CF_WRITE, CF_DEFAULT]) {
        for (const f of n.db.liveFiles(cf)) if (compareBytes(f.largestKey, enc.start) >= 0 && compareBytes(f.smallestKey, enc.end) < 0) out.push(f);
      }
    });
    return out.sort((a, b) => compareBytes(a.largestKey, b.largestKey));
  }

  dumpSource(timeZone: string): DumpSource {
    let finishedBytes = 0;
    let current: MultiScan | undefined;
    return {
      bytesRead: () => finishedBytes + (current?.bytesPassed ?? 0),
      estimateBytes: (pid) => this.filesFor(pid).reduce((a, f) => a + f.size, 0),
      scanRows: (pid, within) => {
        if (current !== undefined) finishedBytes += current.bytesPassed;
        const c = this.counts.get(pid) ?? { byNode: this.nodes.map(() => 0), orphanOnly: 0 };
        this.counts.set(pid, c);
        const full = recordRange(pid);
        const ranges = within === undefined ? [full] : clipRaw(full, within);
        current = new MultiScan(
          () => this.source(),
          ranges,
          this.readTs,
          (node, orphanOnly) => {
            if (node >= 0) c.byNode[node]!++;
            if (orphanOnly) c.orphanOnly++;
          },
          within === undefined ? this.filesFor(pid) : [],
          (e, r) => this.dropNode(e, encodeRawRange(r)),
        );
        return current;
      },
      pendingLocks: (pid) => this.retrying(encodeRawRange(recordRange(pid)), (src) => scanLocks(src, recordRange(pid)).count),
      decoder: (table: TableInfo): TableDecoder => new RowDecoder(table, decoderOptions(timeZone, this.collation)),
      tableSchemaFile: (table: TableInfo, db: DbInfo) => {
        const entry = this.tableById.get(table.id);
        const next = entry === undefined ? undefined : this.catalog.nextAutoIncrement(entry);
        return tableSchemaFileSql(table, { dbName: db.db_name.L, ...(next === undefined ? {} : { autoIncrement: next }) });
      },
      databaseSchemaFile: (db: DbInfo) => createDatabaseSql(db),
      sourceFiles: () =>
        this.nodes.flatMap((n) => [
          ...n.db.columnFamilies().flatMap((cf) => n.db.liveFiles(cf.name).map((f) => ({ name: `${n.spec.label}/${cf.name}/${f.path.slice(f.path.lastIndexOf('/') + 1)}`, size: f.size }))),
          ...n.db.walFiles().map((w) => ({ name: `${n.spec.label}/wal/${w.path.slice(w.path.lastIndexOf('/') + 1)}`, size: w.size })),
        ]),
    };
  }

  /** Single-report view (Session contract): the first node's report. The CLI uses inspectNodes(). */
  inspect(titanDir: string | undefined, dataDir: string | undefined): InspectReport {
    return this.inspectNodes([{ titanDir, dataDir }]).nodes[0]!.report;
  }

  /**
   * Per node: the single-node inspect report (opened separately through `openOne`, read-only)
   * and its regions with epoch and applied index; the authority map and each table's holes.
   */
  inspectNodes(
    dirs: { titanDir: string | undefined; dataDir: string | undefined }[],
    openOne?: (dbDir: string) => Session,
  ): MultiInspectReport {
    const nodes = this.nodes.map((n, i) => {
      let report: InspectReport;
      if (openOne !== undefined) {
        const s = openOne(n.spec.dbDir);
        try {
          report = s.inspect(dirs[i]?.titanDir ?? n.spec.titanDir, dirs[i]?.dataDir ?? n.spec.dataDir);
        } finally {
          s.close();
        }
      } else {
        report = this.basicReport(n);
      }
      const regions: NodeRegionDetail[] = n.regions.map((r) => ({
        id: r.regionId.toString(),
        state: r.state,
        start: dataKeyToRawHex(r.dataRange.start),
        end: dataKeyToRawHex(r.dataRange.end),
        version: r.epoch.version.toString(),
        confVer: r.epoch.confVer.toString(),
        appliedIndex: r.appliedIndex === undefined ? null : r.appliedIndex.toString(),
        holdsData: holdsData(r, n.ident?.storeId),
        peers: r.peers.length,
      }));
      return { label: n.spec.label, report, regions };
    });
    const tableHoles: MultiInspectReport['tableHoles'] = [];
    for (const d of this.catalog.databases()) {
      for (const t of this.catalog.tables(d.id)) {
        if ((t.info.view ?? null) !== null || (t.info.sequence ?? null) !== null) continue;
        const pids = t.info.partition?.definitions.map((p) => p.id) ?? [t.id];
        tableHoles.push({ table: `${d.info.db_name.O}.${t.info.name.O}`, physicalIds: pids, holes: pids.flatMap((p) => this.holes(p)) });
      }
    }
    return {
      includeOrphans: this.includeOrphans,
      nodes,
      failedNodes: this.failures,
      authority: this.authority.pieces.map((p) => ({ ...hexRange(p), node: this.nodes[p.node]!.spec.label, regionId: p.regionId === undefined ? null : p.regionId.toString() })),
      tableHoles,
    };
  }

  private basicReport(n: OpenNode): InspectReport {
    const mi = n.db.manifestInfo();
    const wal = n.db.walFiles();
    return {
      dbDir: n.spec.dbDir,
      dataDir: n.spec.dataDir,
      clusterId: n.ident?.clusterId.toString(),
      storeId: n.ident?.storeId.toString(),
      apiVersion: n.ident?.apiVersion,
      manifest: mi.manifest,
      manifestFallback: mi.fallback,
      lastSequence: mi.lastSequence,
      columnFamilies: n.db.columnFamilies().map((cf) => {
        const files = n.db.liveFiles(cf.name);
        return { name: cf.name, files: files.length, bytes: files.reduce((a, f) => a + f.size, 0), levels: [] };
      }),
      formatVersions: [],
      compressions: [],
      walFiles: wal.length,
      walBytes: wal.reduce((a, w) => a + w.size, 0),
      titanDir: n.spec.titanDir !== undefined,
      regions: [],
      pendingLocks: 0,
      schemaVersion: this.schemaVersion,
      warnings: this.warnings.filter((w) => w.message.startsWith(`[${n.spec.label}]`)),
      unusual: [],
    };
  }

  rawScan(cf: string, start: Uint8Array | undefined, end: Uint8Array | undefined, limit: number): Iterable<RawEntry> {
    void cf;
    void start;
    void end;
    void limit;
    throw new UserError('raw-scan reads one node: give a single --data-dir');
  }

  close(): void {
    for (const n of this.nodes) n.db.close();
  }
}

/** [full) ∩ [within) on raw keys (empty end = +inf). */
function clipRaw(full: { start: Uint8Array; end: Uint8Array }, within: { start: Uint8Array; end: Uint8Array }): { start: Uint8Array; end: Uint8Array }[] {
  const start = compareBytes(within.start, full.start) > 0 ? within.start : full.start;
  const end = within.end.length === 0 || compareBytes(within.end, full.end) > 0 ? full.end : within.end;
  return compareBytes(start, end) < 0 ? [{ start, end }] : [];
}
