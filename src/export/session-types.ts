/**
 * The read-only view of one TiKV data dir that the CLI works with (implemented in session.ts
 * over RocksDb + Catalog + LatestScanner + RowDecoder). Kept apart so the CLI can load the
 * heavy implementation lazily and tests can substitute it.
 */
import type { CollationSetting } from '../tidb/collation-setting.js';
import type { Warning } from '../rocksdb/types.js';
import type { DbInfo, TableInfo } from '../tidb/table-info.js';
import type { DumpSource } from './source.js';
import type { ApproxRows } from './approx-rows.js';

export interface SessionOptions {
  /** --as-of; undefined = latest committed. */
  readTs?: bigint;
  /** --salvage (issue #8): read around damage and account for it (salvage-report.ts). */
  salvage?: { olderVersions: boolean };
  onWarning?: (w: Warning) => void;
  /**
   * --new-collation on|off: whether TiDB's new collation framework was enabled. undefined =
   * detect from mysql.tidb (src/tidb/collation-setting.ts).
   */
  newCollation?: boolean;
  /**
   * false: read no schema. databases() and tables() are empty, the collation setting is not
   * detected (unknown, or newCollation when given) and nothing about the schema is warned. For
   * chunk worker threads, whose jobs carry each table's schema and the run's collation setting:
   * a worker then does not load the whole catalog again (worker-thread.ts).
   */
  catalog?: boolean;
}

export interface RegionSummary {
  id: string;
  state: string;
  /** Raw (TiDB) start/end keys in hex; '' = unbounded. */
  start: string;
  end: string;
  /** Whether this store holds data for it (Normal/Merging and a non-witness peer on this store). */
  live: boolean;
  peers: number;
}

export interface LevelSummary {
  level: number;
  files: number;
  bytes: number;
}

export interface InspectReport {
  dbDir: string;
  dataDir: string | undefined;
  clusterId: string | undefined;
  storeId: string | undefined;
  apiVersion: number | undefined;
  manifest: string | null;
  manifestFallback: boolean;
  lastSequence: number;
  columnFamilies: { name: string; levels: LevelSummary[]; files: number; bytes: number }[];
  formatVersions: number[];
  compressions: string[];
  walFiles: number;
  walBytes: number;
  titanDir: boolean;
  regions: RegionSummary[];
  pendingLocks: number;
  schemaVersion: string | undefined;
  warnings: Warning[];
  unusual: string[];
}

export interface RawEntry {
  key: Uint8Array;
  value: Uint8Array;
}

export interface Session {
  readonly dbDir: string;
  readonly readTs: bigint | undefined;
  readonly schemaVersion: string | undefined;
  /** New collation framework on/off and its source (absent on test fakes). */
  readonly collation?: CollationSetting;
  /** apiVersion: StoreIdent.api_version (0 V1, 1 V1TTL, 2 V2), when the session knows it. */
  storeIdent(): { clusterId: string; storeId: string; apiVersion?: number } | undefined;
  databases(): DbInfo[];
  tables(dbId: number): TableInfo[];
  /** One seek: does the write CF hold any version in this physical table's record range? */
  hasData(physicalId: number): boolean;
  /** Optional: a row-count estimate from SST properties only (approx-rows.ts); undefined when there is none. */
  approxRows?(physicalId: number): ApproxRows | undefined;
  dumpSource(timeZone: string): DumpSource;
  inspect(titanDir: string | undefined, dataDir: string | undefined): InspectReport;
  /** The merged visible view of one CF, like `ldb scan` (end exclusive). */
  rawScan(cf: string, start: Uint8Array | undefined, end: Uint8Array | undefined, limit: number): Iterable<RawEntry>;
  close(): void;
}

export type OpenSession = (dbDir: string, opts: SessionOptions) => Session;
