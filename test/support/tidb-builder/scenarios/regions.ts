/**
 * fixtures/tidb/regions: region-aware reading (tikv-tidb-encoding.md §10). The raft CF holds four
 * RegionLocalStates; only Normal/Merging regions with this store (id 1) as a non-witness peer hold
 * valid data. Rows of tables whose key range lies in a Tombstone region (peer removed, data not yet
 * cleaned up) or an Applying region (snapshot half-applied) are leftovers: not exported.
 */
import { tablePrefix } from '../tidb-keys.js';
import { Table, type DbDef, type RowOp, type Scenario } from '../scenario.js';
import { T, int, same } from './common.js';

const db: DbDef = { id: 2, name: 'rg' };
const mk = (id: number, name: string): Table =>
  new Table({ id, name, pk: 'int', columns: [{ name: 'id', type: 'int' }, { name: 'v', type: 'varchar(20)' }] });
const liveA = mk(100, 'live_a');
const goneB = mk(200, 'gone_b');
const applyingC = mk(300, 'applying_c');
const mergingD = mk(400, 'merging_d');
const put = (t: Table, id: number, v: string, label = `${t.name}-${id}`): RowOp => ({ op: 'put', label, ref: { table: t }, values: { id: int(id), v: same(v) } });

export const regionsScenario: Scenario = {
  name: 'regions',
  description: 'region states in the raft CF: Normal, Tombstone (peer removed), Applying (snapshot), Merging; leftovers outside live regions must be ignored',
  clusterId: 7301234567890000004n,
  storeId: 1,
  regions: [
    { id: 11, startRaw: null, endRaw: tablePrefix(200), state: 0, peers: [{ id: 12, storeId: 1 }, { id: 13, storeId: 2 }, { id: 14, storeId: 3 }], note: 'Normal, this store is a peer: meta + live_a' },
    { id: 21, startRaw: tablePrefix(200), endRaw: tablePrefix(300), state: 2, peers: [{ id: 23, storeId: 2 }, { id: 24, storeId: 3 }], note: 'Tombstone: peer removed from this store, gone_b rows are leftovers' },
    { id: 31, startRaw: tablePrefix(300), endRaw: tablePrefix(400), state: 1, peers: [{ id: 32, storeId: 1 }, { id: 33, storeId: 2 }], note: 'Applying: snapshot being applied, applying_c rows incomplete' },
    { id: 41, startRaw: tablePrefix(400), endRaw: null, state: 3, peers: [{ id: 42, storeId: 1 }, { id: 43, storeId: 3 }], note: 'Merging, this store is a peer: merging_d is valid' },
  ],
  catalog: [{ db, tables: [liveA, goneB, applyingC, mergingD] }],
  expect: {
    'rg.live_a': { rows: ['live_a-1', 'live_a-2v2'], deletedRows: 1, outsideRegionRows: 0 },
    'rg.gone_b': { rows: [], deletedRows: 0, outsideRegionRows: 2 },
    'rg.applying_c': { rows: [], deletedRows: 0, outsideRegionRows: 1 },
    'rg.merging_d': { rows: ['merging_d-7'], deletedRows: 0, outsideRegionRows: 0 },
  },
  timeline: [
    { start: T(1), commit: T(1, 1), note: 'DDL', ops: [{ op: 'createDb', db }, ...[liveA, goneB, applyingC, mergingD].map((table): RowOp => ({ op: 'createTable', db, table }))] },
    {
      start: T(10),
      commit: T(10, 1),
      ops: [put(liveA, 1, 'live one'), put(liveA, 2, 'live two'), put(goneB, 1, 'leftover'), put(goneB, 2, 'leftover 2'), put(applyingC, 5, 'half applied'), put(mergingD, 7, 'merging ok')],
    },
    { flush: '*' },
    { compactFiles: 'write', from: 0, to: 6 },
    { start: T(20), commit: T(20, 1), ops: [put(liveA, 3, 'x')] },
    { start: T(21), commit: T(21, 1), ops: [{ op: 'delete', ref: { table: liveA, pk: { id: 3 } } }] },
    { flush: '*' },
    { compactFiles: 'write', from: 0, to: 3 },
    { start: T(30), commit: T(30, 1), note: 'in L0', ops: [put(goneB, 3, 'deleted leftover')] },
    { start: T(31), commit: T(31, 1), ops: [{ op: 'delete', ref: { table: goneB, pk: { id: 3 } } }] },
    { flush: '*' },
    { start: T(40), commit: T(40, 1), note: 'WAL only', ops: [put(liveA, 2, 'live two v2', 'live_a-2v2')] },
  ],
  notes: [
    'Live ranges of store 1: region 11 (Normal) [-inf, t200) and region 41 (Merging) [t400, +inf). Regions 21 (Tombstone) and 31 (Applying) are not live.',
    'Region start/end keys in the raft CF are mc-encoded raw keys (no z prefix); store.regions lists them as hex.',
    'Table catalog entries exist for all four tables (meta lives in region 11); gone_b and applying_c export 0 rows and their leftovers should be reported.',
  ],
};
