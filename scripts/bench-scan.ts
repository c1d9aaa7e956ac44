// Full scan of one column family with tikv-export's own RocksDB reader; prints the entry count.
// Used by scripts/bench.mjs as the "engine" contender against `ldb scan`.
//   node --import tsx scripts/bench-scan.ts <db-dir> [cf]
// TIKV_EXPORT_PREFETCH=0 scans without the prefetch worker (single thread).
import { RocksDb } from '../src/rocksdb/db.js';
import { blockPrefetchStats } from '../src/rocksdb/block-prefetch.js';

const [dir, cf = 'write'] = process.argv.slice(2);
if (dir === undefined) {
  console.error('usage: bench-scan <db-dir> [cf]');
  process.exit(2);
}
const db = RocksDb.open(dir);
const c = db.cursor(cf);
let n = 0;
let bytes = 0;
for (c.seekToFirst(); c.valid(); c.next()) {
  n++;
  bytes += c.userKey().length + c.value().length;
}
db.close();
console.log(`${n} entries, ${bytes} bytes of keys and values; prefetch ${JSON.stringify(blockPrefetchStats())}`);
