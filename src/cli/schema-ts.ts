/**
 * Which schema version `dbs` read, and when it was committed: the newest committed (Put) version
 * of TiDB's SchemaVersionKey ('m' + mc("SchemaVersionKey") + 's') at the read ts, found from its
 * write-CF versions (newest first: the ts suffix is stored inverted). Lock and Rollback records
 * are skipped; a Delete means no version (undefined).
 */
import { FormatError } from '../errors.js';
import { MetaName, encodeStringKey } from '../tidb/meta-key.js';
import { encodeDataKey, splitTs, TS_LEN } from '../tikv/mvcc-key.js';
import { parseWrite } from '../tikv/write-record.js';
import type { RawScanner } from './keyspace.js';

export function schemaVersionCommitTs(s: RawScanner, readTs: bigint | undefined): bigint | undefined {
  const user = encodeDataKey(encodeStringKey(MetaName.SchemaVersionKey));
  const end = new Uint8Array(user.length + TS_LEN + 1).fill(0xff);
  end.set(user, 0);
  end[end.length - 1] = 0; // just past user + 0xff*8 (ts 0)
  for (const e of s.rawScan('write', user, end, 0)) {
    if (e.key.length !== user.length + TS_LEN || !Buffer.from(e.key.buffer, e.key.byteOffset, user.length).equals(Buffer.from(user))) continue;
    const { ts } = splitTs(e.key);
    if (readTs !== undefined && ts > readTs) continue;
    let type: string;
    try {
      type = parseWrite(e.value).type;
    } catch (err) {
      if (err instanceof FormatError) continue;
      throw err;
    }
    if (type === 'put') return ts;
    if (type === 'delete') return undefined;
  }
  return undefined;
}
