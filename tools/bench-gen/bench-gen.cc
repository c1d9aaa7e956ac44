// bench-gen: writes a TiKV-shaped RocksDB directory with real RocksDB (Debian's librocksdb),
// for `npm run bench`. Nothing here is used by tikv-export itself.
//
//   bench-gen <db-dir> <rows> [sysbench|long]
//
// Layout, following TiKV (tikv/tikv:src/config/mod.rs) and TiDB (tikv-tidb-encoding.md):
//   - CFs default, write, lock, raft; write/default: compression_per_level
//     no,no,lz4,lz4,lz4,zstd,zstd, bottommost zstd, 32 KiB blocks, crc32c, format_version 5,
//     dynamic level bytes; lock/raft: no compression, 16 KiB blocks.
//   - keys 'z' + memcomparable(raw) + u64BE(~ts); write values 'P' + uvarint(start_ts)
//     ['v' + len + short value]; values > 255 bytes in the default CF at start_ts.
//   - meta: database `bench` (id 100), table `sbtest1` (id 110: id INT PK, k INT, c CHAR(120),
//     pad CHAR(60), rows like sysbench's) or `sbtest_long` (id 112: c VARCHAR(1024) with ~1 KiB
//     rows, so every value lives in the default CF).
//   - most data compacted into L6 (zstd); ~3% newer versions in L4 (lz4); ~1% in L0 (none);
//     a few writes left only in the WAL.
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace rocksdb;

static void check(const Status& s, const char* what) {
  if (!s.ok()) {
    fprintf(stderr, "bench-gen: %s: %s\n", what, s.ToString().c_str());
    exit(1);
  }
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t next_rand() {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

static void put_u64be(std::string& s, uint64_t v) {
  for (int i = 7; i >= 0; i--) s.push_back(static_cast<char>((v >> (i * 8)) & 0xff));
}
static void put_uvarint(std::string& s, uint64_t v) {
  while (v >= 0x80) {
    s.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  s.push_back(static_cast<char>(v));
}
// Memcomparable bytes: 8-byte groups + marker 0xFF - pad (tikv_util codec/bytes.rs).
static std::string mc(const std::string& raw) {
  std::string out;
  for (size_t i = 0; i <= raw.size(); i += 8) {
    size_t remain = raw.size() - i;
    size_t pad = 0;
    if (remain >= 8) {
      out.append(raw, i, 8);
    } else {
      pad = 8 - remain;
      out.append(raw, i, remain);
      out.append(pad, '\0');
    }
    out.push_back(static_cast<char>(0xff - pad));
  }
  return out;
}
static std::string encode_int(int64_t v) {
  std::string s;
  put_u64be(s, static_cast<uint64_t>(v) ^ 0x8000000000000000ULL);
  return s;
}
static std::string record_key(int64_t table_id, int64_t handle) {
  return "t" + encode_int(table_id) + "_r" + encode_int(handle);
}
static std::string data_key(const std::string& raw, uint64_t ts) {
  std::string k = "z" + mc(raw);
  put_u64be(k, ~ts);
  return k;
}
static std::string meta_hash_key(const std::string& key, const std::string& field) {
  std::string k = "m" + mc(key);
  put_u64be(k, 'h');
  return k + mc(field);
}
static std::string meta_string_key(const std::string& key) {
  std::string k = "m" + mc(key);
  put_u64be(k, 's');
  return k;
}

// Puts one committed version of raw key: write CF record, and the default CF value if long.
static void put_mvcc(WriteBatch& b, ColumnFamilyHandle* write, ColumnFamilyHandle* dflt,
                     const std::string& raw, uint64_t start_ts, const std::string& value) {
  std::string w = "P";
  put_uvarint(w, start_ts);
  if (value.size() <= 255) {
    w.push_back('v');
    w.push_back(static_cast<char>(value.size()));
    w += value;
  } else {
    check(b.Put(dflt, data_key(raw, start_ts), value), "put default");
  }
  check(b.Put(write, data_key(raw, start_ts + 1), w), "put write");
}

static std::string digits_template(int groups) {
  std::string s;
  for (int g = 0; g < groups; g++) {
    if (g > 0) s.push_back('-');
    for (int i = 0; i < 11; i++) s.push_back(static_cast<char>('0' + next_rand() % 10));
  }
  return s;
}

// Row format v2, small layout (pkg/util/rowcodec): cols 2 (k INT), 3 (c), 4 (pad).
static std::string row_v2(int32_t k, const std::string& c, const std::string& pad) {
  std::string kb;
  if (k >= -128 && k <= 127) {
    kb.push_back(static_cast<char>(k));
  } else if (k >= -32768 && k <= 32767) {
    kb.push_back(static_cast<char>(k & 0xff));
    kb.push_back(static_cast<char>((k >> 8) & 0xff));
  } else {
    for (int i = 0; i < 4; i++) kb.push_back(static_cast<char>((k >> (8 * i)) & 0xff));
  }
  std::string r;
  r.push_back(static_cast<char>(0x80));
  r.push_back(0);
  r.push_back(3);
  r.push_back(0);
  r.push_back(0);
  r.push_back(0);
  r.push_back(2);
  r.push_back(3);
  r.push_back(4);
  uint32_t offs[3] = {static_cast<uint32_t>(kb.size()), static_cast<uint32_t>(kb.size() + c.size()),
                      static_cast<uint32_t>(kb.size() + c.size() + pad.size())};
  for (uint32_t o : offs) {
    r.push_back(static_cast<char>(o & 0xff));
    r.push_back(static_cast<char>((o >> 8) & 0xff));
  }
  return r + kb + c + pad;
}

static std::string column_json(int id, const char* name, int offset, int tp, int flag, int flen,
                               const char* charset, const char* collate, const char* dflt) {
  char buf[1024];
  snprintf(buf, sizeof buf,
           "{\"id\":%d,\"name\":{\"O\":\"%s\",\"L\":\"%s\"},\"offset\":%d,\"origin_default\":%s,"
           "\"origin_default_bit\":null,\"default\":%s,\"default_bit\":null,\"default_is_expr\":false,"
           "\"generated_expr_string\":\"\",\"generated_stored\":false,\"dependences\":null,"
           "\"type\":{\"Tp\":%d,\"Flag\":%d,\"Flen\":%d,\"Decimal\":0,\"Charset\":\"%s\",\"Collate\":\"%s\","
           "\"Elems\":null,\"ElemsIsBinaryLit\":null,\"Array\":false},\"state\":5,\"comment\":\"\","
           "\"hidden\":false,\"change_state_info\":null,\"version\":2}",
           id, name, name, offset, dflt, dflt, tp, flag, flen, charset, collate);
  return buf;
}

static std::string table_json(int64_t id, const char* name, bool long_rows) {
  std::string cols = "[" + column_json(1, "id", 0, 3, 4099, 11, "binary", "binary", "null") + "," +
                     column_json(2, "k", 1, 3, 1, 11, "binary", "binary", "\"0\"") + "," +
                     (long_rows ? column_json(3, "c", 2, 15, 1, 1024, "utf8mb4", "utf8mb4_bin", "\"\"")
                                : column_json(3, "c", 2, 254, 1, 120, "utf8mb4", "utf8mb4_bin", "\"\"")) +
                     "," + column_json(4, "pad", 3, 254, 1, 60, "utf8mb4", "utf8mb4_bin", "\"\"") + "]";
  char head[256];
  snprintf(head, sizeof head, "{\"id\":%lld,\"name\":{\"O\":\"%s\",\"L\":\"%s\"},", static_cast<long long>(id),
           name, name);
  return std::string(head) + "\"charset\":\"utf8mb4\",\"collate\":\"utf8mb4_bin\",\"cols\":" + cols +
         ",\"index_info\":[],\"constraint_info\":null,\"fk_info\":[],\"state\":5,\"pk_is_handle\":true,"
         "\"is_common_handle\":false,\"common_handle_version\":0,\"comment\":\"\",\"auto_inc_id\":0,"
         "\"auto_id_cache\":0,\"auto_rand_id\":0,\"max_col_id\":4,\"max_idx_id\":0,\"max_fk_id\":0,"
         "\"max_cst_id\":0,\"update_timestamp\":445000000000000000,\"ShardRowIDBits\":0,"
         "\"max_shard_row_id_bits\":0,\"auto_random_bits\":0,\"auto_random_range_bits\":0,"
         "\"pre_split_regions\":0,\"partition\":null,\"compression\":\"\",\"view\":null,\"sequence\":null,"
         "\"Lock\":null,\"version\":5,\"tiflash_replica\":null,\"is_columnar\":false,\"temp_table_type\":0,"
         "\"cache_table_status\":0,\"policy_ref_info\":null,\"stats_options\":null,"
         "\"exchange_partition_info\":null,\"ttl_info\":null}";
}

static void flush_batch(DB* db, WriteBatch& b, bool wal) {
  WriteOptions wo;
  wo.disableWAL = !wal;
  check(db->Write(wo, &b), "write");
  b.Clear();
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: bench-gen <db-dir> <rows> [sysbench|long]\n");
    return 2;
  }
  const std::string dir = argv[1];
  const int64_t rows = atoll(argv[2]);
  const bool long_rows = argc > 3 && strcmp(argv[3], "long") == 0;
  const int64_t table_id = long_rows ? 112 : 110;
  const char* table_name = long_rows ? "sbtest_long" : "sbtest1";

  DBOptions dbo;
  dbo.create_if_missing = true;
  dbo.create_missing_column_families = true;
  dbo.avoid_flush_during_shutdown = true;
  dbo.max_background_jobs = 2;
  dbo.max_subcompactions = 2;

  auto kv_cf = [](bool compressed) {
    ColumnFamilyOptions o;
    BlockBasedTableOptions t;
    t.checksum = kCRC32c;
    t.format_version = 5;
    t.block_size = compressed ? 32 * 1024 : 16 * 1024;
    o.table_factory.reset(NewBlockBasedTableFactory(t));
    o.num_levels = 7;
    o.level_compaction_dynamic_level_bytes = true;
    o.disable_auto_compactions = true;
    o.write_buffer_size = 128 << 20;
    o.target_file_size_base = 64 << 20;
    o.max_bytes_for_level_base = 512 << 20;
    if (compressed) {
      o.compression_per_level = {kNoCompression,  kNoCompression,  kLZ4Compression, kLZ4Compression,
                                 kLZ4Compression, kZSTD, kZSTD};
      o.bottommost_compression = kZSTD;
    } else {
      o.compression = kNoCompression;
    }
    return o;
  };
  std::vector<ColumnFamilyDescriptor> cfs = {
      {kDefaultColumnFamilyName, kv_cf(true)}, {"write", kv_cf(true)}, {"lock", kv_cf(false)}, {"raft", kv_cf(false)}};
  std::vector<ColumnFamilyHandle*> h;
  DB* db = nullptr;
  check(DB::Open(Options(dbo, ColumnFamilyOptions()), dir, cfs, &h, &db), "open");
  ColumnFamilyHandle *dflt = h[0], *write = h[1], *raft = h[3];

  uint64_t ts = (1700000000000ULL << 18);
  WriteBatch b;
  // Store identity and one region covering everything (raft CF), as TiKV keeps them.
  {
    std::string ident;
    ident.push_back(0x08);
    put_uvarint(ident, 7000000000000000001ULL);
    ident += std::string("\x10\x01", 2);
    check(b.Put(dflt, std::string("\x01\x01", 2), ident), "store ident");
    std::string region_key = std::string("\x01\x03", 2);
    put_u64be(region_key, 1);
    region_key.push_back(0x01);
    std::string region("\x08\x01\x22\x04\x08\x01\x10\x01\x2a\x04\x08\x02\x10\x01", 14);
    std::string state = std::string("\x12", 1) + static_cast<char>(region.size()) + region;
    check(b.Put(raft, region_key, state), "region state");
    std::string apply_key = std::string("\x01\x02", 2);
    put_u64be(apply_key, 1);
    apply_key.push_back(0x03);
    check(b.Put(raft, apply_key, std::string("\x08\x64", 2)), "apply state");
  }
  // Catalog: database `bench` (100) and the table, then the schema version.
  put_mvcc(b, write, dflt, meta_hash_key("DBs", "DB:100"), ts,
           "{\"id\":100,\"db_name\":{\"O\":\"bench\",\"L\":\"bench\"},\"charset\":\"utf8mb4\","
           "\"collate\":\"utf8mb4_bin\",\"state\":5,\"policy_ref_info\":null}");
  ts += 10;
  put_mvcc(b, write, dflt, meta_hash_key("DB:100", "Table:" + std::to_string(table_id)), ts,
           table_json(table_id, table_name, long_rows));
  ts += 10;
  put_mvcc(b, write, dflt, meta_string_key("SchemaVersionKey"), ts, "3");
  flush_batch(db, b, false);

  auto row_for = [&](int64_t id) {
    int32_t k = static_cast<int32_t>(next_rand() % static_cast<uint64_t>(rows > 0 ? rows : 1)) + 1;
    std::string c = digits_template(10);
    if (long_rows) {
      while (c.size() < 960) c += "-" + digits_template(1);
      c.resize(960);
    }
    (void)id;
    return row_v2(k, c, digits_template(5));
  };

  // Bulk: every row once.
  ts += 100;
  for (int64_t id = 1; id <= rows; id++) {
    put_mvcc(b, write, dflt, record_key(table_id, id), ts + 2 * static_cast<uint64_t>(id), row_for(id));
    if (id % 1000 == 0) flush_batch(db, b, false);
  }
  flush_batch(db, b, false);
  ts += 2 * static_cast<uint64_t>(rows) + 100;
  FlushOptions fo;
  check(db->Flush(fo, {dflt, write, raft}), "flush");
  CompactRangeOptions cro;
  cro.change_level = true;
  cro.target_level = 6;
  cro.bottommost_level_compaction = BottommostLevelCompaction::kForce;
  check(db->CompactRange(cro, write, nullptr, nullptr), "compact write");
  check(db->CompactRange(cro, dflt, nullptr, nullptr), "compact default");

  // ~3% newer versions, compacted into L4 (lz4).
  for (int64_t i = 0; i < rows / 33; i++) {
    int64_t id = static_cast<int64_t>(next_rand() % static_cast<uint64_t>(rows)) + 1;
    put_mvcc(b, write, dflt, record_key(table_id, id), ts, row_for(id));
    ts += 2;
    if (i % 1000 == 999) flush_batch(db, b, false);
  }
  flush_batch(db, b, false);
  check(db->Flush(fo, {dflt, write}), "flush 2");
  for (ColumnFamilyHandle* cf : {write, dflt}) {
    ColumnFamilyMetaData meta;
    db->GetColumnFamilyMetaData(cf, &meta);
    std::vector<std::string> l0;
    for (const auto& f : meta.levels[0].files) l0.push_back(f.name);
    // CompactionOptions defaults to snappy: say lz4, what compression_per_level gives L4 (and
    // TiKV writes there). (kDisableCompressionOption, "take it from the level", trips an assertion
    // in Debian's librocksdb: L4 is above the dynamic base level here.)
    CompactionOptions co;
    co.compression = kLZ4Compression;
    if (!l0.empty()) check(db->CompactFiles(co, cf, l0, 4), "compact files to L4");
  }

  // ~1% newer still, left in L0 (no compression).
  for (int64_t i = 0; i < rows / 100; i++) {
    int64_t id = static_cast<int64_t>(next_rand() % static_cast<uint64_t>(rows)) + 1;
    put_mvcc(b, write, dflt, record_key(table_id, id), ts, row_for(id));
    ts += 2;
    if (i % 1000 == 999) flush_batch(db, b, false);
  }
  flush_batch(db, b, false);
  check(db->Flush(fo, {dflt, write}), "flush 3");

  // A few writes only in the WAL.
  for (int64_t i = 0; i < 100 && i < rows; i++) {
    put_mvcc(b, write, dflt, record_key(table_id, i + 1), ts, row_for(i + 1));
    ts += 2;
  }
  flush_batch(db, b, true);

  for (auto* cf : h) check(db->DestroyColumnFamilyHandle(cf), "destroy cf handle");
  check(db->Close(), "close");
  delete db;
  printf("bench-gen: wrote %lld rows of %s into %s\n", static_cast<long long>(rows), table_name, dir.c_str());
  return 0;
}
