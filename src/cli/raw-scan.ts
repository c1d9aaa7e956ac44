/**
 * `raw-scan`: one column family's visible entries straight from the storage layer, in the exact
 * text of `ldb --column_family=CF scan --hex` (`0xKEY : 0xVALUE`, upper-case hex), so the two can
 * be diffed. It needs nothing of TiKV or TiDB: any RocksDB directory works, and damage in another
 * column family does not stop it.
 */
import { UserError } from '../errors.js';
import { RocksDb } from '../rocksdb/db.js';
import type { Warning } from '../rocksdb/types.js';

export interface RawEntryOut {
  key: Uint8Array;
  value: Uint8Array;
}

function compare(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

/** Entries of `cf` in [start, end), at most `limit` (0 = no limit). Keys/values are copies. */
export function* rawEntries(
  db: RocksDb,
  cf: string,
  start: Uint8Array | undefined,
  end: Uint8Array | undefined,
  limit: number,
): Generator<RawEntryOut> {
  if (!db.hasColumnFamily(cf)) {
    throw new UserError(`unknown column family "${cf}"; this db has: ${db.columnFamilies().map((c) => c.name).join(', ')}`);
  }
  if (start !== undefined && end !== undefined && compare(start, end) >= 0) {
    throw new UserError('--end must be greater than --start (the range is [start, end))');
  }
  const range = { ...(start === undefined ? {} : { start }), ...(end === undefined ? {} : { end }) };
  const c = db.cursor(cf, range);
  try {
    if (start === undefined) c.seekToFirst();
    else c.seek(start);
    let n = 0;
    for (; c.valid(); c.next()) {
      if (end !== undefined && compare(c.userKey(), end) >= 0) break;
      if (limit > 0 && n >= limit) break;
      n++;
      yield { key: c.userKey().slice(), value: c.value().slice() };
    }
  } finally {
    c.close();
  }
}

/** Opens only the RocksDB reader (read-only) for raw-scan. */
export function openRaw(dbDir: string, onWarning: (w: Warning) => void): RocksDb {
  return RocksDb.open(dbDir, { onWarning });
}
