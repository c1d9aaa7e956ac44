// fixture-writer: executes a fixture op script against a real RocksDB (Debian's librocksdb 7.8.3)
// so that tikv-export's own reader can be tested against files RocksDB itself wrote.
//
// Usage: fixture-writer [--append] <db-dir> [ops.txt]     (ops from stdin when no file given)
// The op-script format is documented in README.md next to this file (shared contract with the
// TiDB fixture builder). Any RocksDB error or malformed line: message on stderr, exit code 1.
//
// Test tooling only: never used on real TiKV data.

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/metadata.h>
#include <rocksdb/options.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/sst_file_writer.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace ROCKSDB_NAMESPACE;

namespace {

int g_line = 0;
std::string g_text;

[[noreturn]] void die(const std::string& msg) {
  std::fprintf(stderr, "fixture-writer: line %d: %s\n  > %s\n", g_line, msg.c_str(), g_text.c_str());
  std::exit(1);
}

void check(const Status& s, const std::string& what) {
  if (!s.ok()) die(what + ": " + s.ToString());
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  out.push_back(cur);
  return out;
}

std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// "-" = empty; otherwise lowercase hex with an even number of digits.
std::string unhex(const std::string& h) {
  if (h == "-") return std::string();
  if (h.size() % 2 != 0) die("odd number of hex digits: " + h);
  std::string out;
  out.reserve(h.size() / 2);
  for (size_t i = 0; i < h.size(); i += 2) {
    int a = hexval(h[i]), b = hexval(h[i + 1]);
    if (a < 0 || b < 0) die("not lowercase hex: " + h);
    out.push_back(static_cast<char>(a * 16 + b));
  }
  return out;
}

uint64_t to_u64(const std::string& v, const std::string& key) {
  if (v.empty()) die("empty value for " + key);
  char* end = nullptr;
  errno = 0;
  unsigned long long n = std::strtoull(v.c_str(), &end, 10);
  if (errno != 0 || *end != '\0') die("not a number for " + key + ": " + v);
  return n;
}

bool to_bool(const std::string& v, const std::string& key) {
  if (v == "0" || v == "false") return false;
  if (v == "1" || v == "true") return true;
  die("expected 0|1 for " + key + ": " + v);
}

CompressionType compression(const std::string& v) {
  if (v == "no" || v == "none") return kNoCompression;
  if (v == "snappy") return kSnappyCompression;
  if (v == "zlib") return kZlibCompression;
  if (v == "lz4") return kLZ4Compression;
  if (v == "lz4hc") return kLZ4HCCompression;
  if (v == "zstd") return kZSTD;
  if (v == "bzip2") return kBZip2Compression;
  if (v == "disable") return kDisableCompressionOption;
  die("unknown compression: " + v);
}

ChecksumType checksum(const std::string& v) {
  if (v == "crc32c") return kCRC32c;
  if (v == "xxhash") return kxxHash;
  if (v == "xxhash64") return kxxHash64;
  if (v == "xxh3") return kXXH3;
  if (v == "none") return kNoChecksum;
  die("unknown checksum: " + v);
}

BlockBasedTableOptions::IndexType index_type(const std::string& v) {
  if (v == "binary") return BlockBasedTableOptions::kBinarySearch;
  if (v == "hash") return BlockBasedTableOptions::kHashSearch;
  if (v == "partitioned") return BlockBasedTableOptions::kTwoLevelIndexSearch;
  if (v == "first_key") return BlockBasedTableOptions::kBinarySearchWithFirstKey;
  die("unknown index_type: " + v);
}

using OptMap = std::map<std::string, std::string>;

// Builds the options of one column family from the DB-wide defaults plus its overrides.
ColumnFamilyOptions cf_options(const OptMap& merged) {
  ColumnFamilyOptions o;
  BlockBasedTableOptions t;
  // Defaults of the fixture writer (documented in README.md).
  t.format_version = 5;
  t.checksum = kCRC32c;
  o.disable_auto_compactions = true;
  o.num_levels = 7;
  o.level_compaction_dynamic_level_bytes = false;
  o.compression = kNoCompression;
  int bloom_bits = 0;
  bool whole_key = true;
  for (const auto& [k, v] : merged) {
    if (k == "format_version") {
      uint64_t n = to_u64(v, k);
      if (n > 5) die("format_version must be 0..5");
      t.format_version = static_cast<uint32_t>(n);
    } else if (k == "checksum") {
      t.checksum = checksum(v);
    } else if (k == "block_size") {
      t.block_size = to_u64(v, k);
    } else if (k == "block_restart_interval") {
      t.block_restart_interval = static_cast<int>(to_u64(v, k));
    } else if (k == "index_block_restart_interval") {
      t.index_block_restart_interval = static_cast<int>(to_u64(v, k));
    } else if (k == "metadata_block_size") {
      t.metadata_block_size = to_u64(v, k);
    } else if (k == "index_type") {
      t.index_type = index_type(v);
    } else if (k == "data_block_hash_index") {
      t.data_block_index_type = to_bool(v, k) ? BlockBasedTableOptions::kDataBlockBinaryAndHash
                                              : BlockBasedTableOptions::kDataBlockBinarySearch;
    } else if (k == "bloom_bits") {
      bloom_bits = static_cast<int>(to_u64(v, k));
    } else if (k == "whole_key_filtering") {
      whole_key = to_bool(v, k);
    } else if (k == "partition_filters") {
      t.partition_filters = to_bool(v, k);
    } else if (k == "compression") {
      o.compression = compression(v);
    } else if (k == "compression_per_level") {
      o.compression_per_level.clear();
      for (const auto& c : split(v, ',')) o.compression_per_level.push_back(compression(c));
    } else if (k == "bottommost_compression") {
      o.bottommost_compression = compression(v);
    } else if (k == "num_levels") {
      o.num_levels = static_cast<int>(to_u64(v, k));
    } else if (k == "level_compaction_dynamic_level_bytes") {
      o.level_compaction_dynamic_level_bytes = to_bool(v, k);
    } else if (k == "disable_auto_compactions") {
      o.disable_auto_compactions = to_bool(v, k);
    } else if (k == "write_buffer_size") {
      o.write_buffer_size = to_u64(v, k);
    } else if (k == "max_write_buffer_number") {
      o.max_write_buffer_number = static_cast<int>(to_u64(v, k));
    } else if (k == "target_file_size_base") {
      o.target_file_size_base = to_u64(v, k);
    } else if (k == "max_bytes_for_level_base") {
      o.max_bytes_for_level_base = to_u64(v, k);
    } else if (k == "prefix_extractor") {
      // fixed:<n> | capped:<n> | none
      if (v == "none") {
        o.prefix_extractor.reset();
      } else if (v.rfind("fixed:", 0) == 0) {
        o.prefix_extractor.reset(NewFixedPrefixTransform(to_u64(v.substr(6), k)));
      } else if (v.rfind("capped:", 0) == 0) {
        o.prefix_extractor.reset(NewCappedPrefixTransform(to_u64(v.substr(7), k)));
      } else {
        die("prefix_extractor must be fixed:<n>, capped:<n> or none: " + v);
      }
    } else {
      die("unknown option key: " + k);
    }
  }
  t.whole_key_filtering = whole_key;
  if (bloom_bits > 0) t.filter_policy.reset(NewBloomFilterPolicy(bloom_bits, false));
  o.table_factory.reset(NewBlockBasedTableFactory(t));
  return o;
}

struct Writer {
  std::string dir;
  std::string staging;  // external SSTs are written here, deleted at the end
  OptMap db_opts;
  std::map<std::string, OptMap> cf_opts;
  DB* db = nullptr;
  std::map<std::string, ColumnFamilyHandle*> handles;
  std::unique_ptr<WriteBatch> batch;
  std::unique_ptr<SstFileWriter> sst;
  std::string sst_name;
  std::map<std::string, std::string> sst_paths;  // name -> finished file

  OptMap merged(const std::string& cf) const {
    OptMap m = db_opts;
    auto it = cf_opts.find(cf);
    if (it != cf_opts.end())
      for (const auto& [k, v] : it->second) m[k] = v;
    return m;
  }

  ColumnFamilyHandle* handle(const std::string& cf) {
    if (db == nullptr) die("DB is not open");
    auto it = handles.find(cf);
    if (it == handles.end()) die("unknown column family: " + cf);
    return it->second;
  }

  void open(const std::string& list) {
    if (db != nullptr) die("DB is already open");
    std::vector<std::string> cfs = split(list, ',');
    bool has_default = false;
    for (const auto& c : cfs) {
      if (c.empty()) die("empty column family name");
      if (c == kDefaultColumnFamilyName) has_default = true;
    }
    if (!has_default) cfs.insert(cfs.begin(), kDefaultColumnFamilyName);
    for (const auto& [cf, _] : cf_opts) {
      bool found = false;
      for (const auto& c : cfs) found = found || c == cf;
      if (!found) die("cf_option for a column family not in open: " + cf);
    }
    DBOptions d;
    d.create_if_missing = true;
    d.create_missing_column_families = true;
    d.avoid_flush_during_shutdown = true;  // close leaves memtables only in the WAL
    d.max_total_wal_size = uint64_t{1} << 40;  // never force a flush because of WAL size
    d.max_background_jobs = 2;
    d.keep_log_file_num = 1;
    std::vector<ColumnFamilyDescriptor> descs;
    for (const auto& c : cfs) descs.emplace_back(c, cf_options(merged(c)));
    std::vector<ColumnFamilyHandle*> hs;
    check(DB::Open(d, dir, descs, &hs, &db), "open " + dir);
    for (size_t i = 0; i < cfs.size(); i++) handles[cfs[i]] = hs[i];
  }

  void close() {
    if (db == nullptr) die("DB is not open");
    if (batch) die("close inside batch_begin/batch_end");
    for (auto& [_, h] : handles) check(db->DestroyColumnFamilyHandle(h), "destroy handle");
    handles.clear();
    check(db->Close(), "close");
    delete db;
    db = nullptr;
  }

  // put/delete/single_delete/delete_range, routed to the open SST, the open batch or the DB.
  void write_op(const std::vector<std::string>& w) {
    const std::string& op = w[0];
    size_t want = op == "put" || op == "delete_range" ? 4 : 3;
    if (w.size() != want) die(op + " takes " + std::to_string(want - 1) + " arguments");
    const std::string& cf = w[1];
    std::string a = unhex(w[2]);
    std::string b = want == 4 ? unhex(w[3]) : std::string();
    if (sst) {
      if (op == "put") check(sst->Put(a, b), "sst put");
      else if (op == "delete") check(sst->Delete(a), "sst delete");
      else if (op == "delete_range") check(sst->DeleteRange(a, b), "sst delete_range");
      else die(op + " is not supported inside sst_begin/sst_end");
      return;
    }
    ColumnFamilyHandle* h = handle(cf);
    WriteBatch local;
    WriteBatch* wb = batch ? batch.get() : &local;
    if (op == "put") check(wb->Put(h, a, b), "put");
    else if (op == "delete") check(wb->Delete(h, a), "delete");
    else if (op == "single_delete") check(wb->SingleDelete(h, a), "single_delete");
    else check(wb->DeleteRange(h, a, b), "delete_range");
    if (!batch) check(db->Write(WriteOptions(), &local), op);
  }

  void flush(const std::string& cf) {
    FlushOptions fo;
    fo.wait = true;
    if (cf == "*") {
      if (db == nullptr) die("DB is not open");
      std::vector<ColumnFamilyHandle*> hs;
      for (auto& [_, h] : handles) hs.push_back(h);
      check(db->Flush(fo, hs), "flush *");
    } else {
      check(db->Flush(fo, handle(cf)), "flush " + cf);
    }
  }

  void compact_range(const std::string& cf, const std::string* begin, const std::string* end, int level) {
    CompactRangeOptions cro;
    cro.change_level = true;
    cro.target_level = level;
    Slice b, e;
    if (begin) b = Slice(*begin);
    if (end) e = Slice(*end);
    check(db == nullptr ? Status::InvalidArgument("DB is not open")
                        : db->CompactRange(cro, handle(cf), begin ? &b : nullptr, end ? &e : nullptr),
          "compact_range " + cf);
  }

  // Extension: compact every file currently in <from_level> of <cf> into <to_level> with
  // CompactFiles, so the output is written (and compressed) for <to_level>.
  void compact_files(const std::string& cf, int from, int to) {
    ColumnFamilyHandle* h = handle(cf);
    ColumnFamilyMetaData meta;
    db->GetColumnFamilyMetaData(h, &meta);
    if (from < 0 || from >= static_cast<int>(meta.levels.size())) die("no such level");
    std::vector<std::string> names;
    for (const auto& f : meta.levels[from].files) names.push_back(f.name);
    if (names.empty()) die("compact_files: level " + std::to_string(from) + " of " + cf + " is empty");
    CompactionOptions co;
    co.compression = kDisableCompressionOption;  // per-level compression of the output level
    OptMap m = merged(cf);
    if (m.count("target_file_size_base")) co.output_file_size_limit = to_u64(m["target_file_size_base"], "target_file_size_base");
    check(db->CompactFiles(co, h, names, to), "compact_files " + cf);
  }

  void sst_begin(const std::string& name, const std::string& cf) {
    if (sst) die("sst_begin inside sst_begin");
    if (sst_paths.count(name)) die("SST name used twice: " + name);
    std::error_code ec;
    fs::create_directories(staging, ec);
    if (ec) die("cannot create " + staging + ": " + ec.message());
    Options o(DBOptions(), cf_options(merged(cf)));
    ColumnFamilyHandle* h = nullptr;
    if (db != nullptr && handles.count(cf)) h = handles[cf];
    sst.reset(new SstFileWriter(EnvOptions(), o, h));
    sst_name = name;
    std::string path = staging + "/" + name + ".sst";
    check(sst->Open(path), "sst_begin " + path);
    sst_paths[name] = path;
  }

  void sst_end() {
    if (!sst) die("sst_end without sst_begin");
    check(sst->Finish(), "sst_end " + sst_name);
    sst.reset();
  }

  void ingest(const std::string& cf, const std::string& name, const std::vector<std::string>& flags) {
    auto it = sst_paths.find(name);
    if (it == sst_paths.end()) die("unknown SST: " + name);
    IngestExternalFileOptions io;
    for (const auto& f : flags) {
      if (f == "move") io.move_files = true;
      else if (f == "no_write_global_seqno") io.write_global_seqno = false;
      else die("unknown ingest flag: " + f);
    }
    check(db == nullptr ? Status::InvalidArgument("DB is not open")
                        : db->IngestExternalFile(handle(cf), {it->second}, io),
          "ingest " + name);
  }

  // Extension (after close): cut the last <n> bytes off the newest *.log file, as a crash in
  // the middle of a WAL write leaves it.
  void truncate_newest_wal(uint64_t n) {
    if (db != nullptr) die("truncate_newest_wal needs a closed DB");
    std::string newest;
    for (const auto& e : fs::directory_iterator(dir)) {
      std::string name = e.path().filename().string();
      if (name.size() > 4 && name.compare(name.size() - 4, 4, ".log") == 0 && name != "LOG" &&
          (newest.empty() || name > newest))
        newest = name;
    }
    if (newest.empty()) die("no WAL file to truncate");
    fs::path p = fs::path(dir) / newest;
    uint64_t size = fs::file_size(p);
    if (n > size) die("WAL " + newest + " has only " + std::to_string(size) + " bytes");
    std::error_code ec;
    fs::resize_file(p, size - n, ec);
    if (ec) die("cannot truncate " + p.string() + ": " + ec.message());
  }

  void run_line(const std::string& raw) {
    std::string line = raw;
    size_t hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    std::vector<std::string> w = words(line);
    if (w.empty()) return;
    const std::string& op = w[0];
    auto need = [&](size_t n) {
      if (w.size() != n + 1) die(op + " takes " + std::to_string(n) + " argument(s)");
    };
    auto kv = [&](const std::string& s, std::string& k, std::string& v) {
      size_t eq = s.find('=');
      if (eq == std::string::npos || eq == 0) die("expected key=value: " + s);
      k = s.substr(0, eq);
      v = s.substr(eq + 1);
    };
    auto level = [&](const std::string& s) { return static_cast<int>(to_u64(s, "level")); };
    if (op == "option") {
      need(1);
      if (db) die("option after open");
      std::string k, v;
      kv(w[1], k, v);
      db_opts[k] = v;
      cf_options(db_opts);  // validate now, so the error points at this line
    } else if (op == "cf_option") {
      need(2);
      if (db) die("cf_option after open");
      std::string k, v;
      kv(w[2], k, v);
      cf_opts[w[1]][k] = v;
      cf_options(merged(w[1]));
    } else if (op == "open") {
      need(1);
      open(w[1]);
    } else if (op == "put" || op == "delete" || op == "single_delete" || op == "delete_range") {
      write_op(w);
    } else if (op == "batch_begin") {
      need(0);
      if (batch) die("nested batch_begin");
      if (sst) die("batch_begin inside sst_begin/sst_end");
      batch.reset(new WriteBatch());
    } else if (op == "batch_end") {
      need(0);
      if (!batch) die("batch_end without batch_begin");
      if (db == nullptr) die("DB is not open");
      check(db->Write(WriteOptions(), batch.get()), "batch_end");
      batch.reset();
    } else if (op == "flush") {
      need(1);
      flush(w[1]);
    } else if (op == "compact") {
      need(2);
      compact_range(w[1], nullptr, nullptr, level(w[2]));
    } else if (op == "compact_range") {
      need(4);
      std::string b = unhex(w[2]), e = unhex(w[3]);
      compact_range(w[1], w[2] == "-" ? nullptr : &b, w[3] == "-" ? nullptr : &e, level(w[4]));
    } else if (op == "compact_files") {
      need(3);
      compact_files(w[1], level(w[2]), level(w[3]));
    } else if (op == "sst_begin") {
      if (w.size() != 2 && w.size() != 3) die("sst_begin takes <name> [cf]");
      sst_begin(w[1], w.size() == 3 ? w[2] : kDefaultColumnFamilyName);
    } else if (op == "sst_end") {
      need(0);
      sst_end();
    } else if (op == "ingest") {
      if (w.size() < 3) die("ingest takes <cf> <name> [move] [no_write_global_seqno]");
      ingest(w[1], w[2], std::vector<std::string>(w.begin() + 3, w.end()));
    } else if (op == "truncate_newest_wal") {
      need(1);
      truncate_newest_wal(to_u64(w[1], "bytes"));
    } else if (op == "close") {
      need(0);
      close();
    } else {
      die("unknown operation: " + op);
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  bool append = false;
  std::vector<std::string> args;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--append") append = true;
    else args.push_back(a);
  }
  if (args.empty() || args.size() > 2) {
    std::fprintf(stderr, "usage: fixture-writer [--append] <db-dir> [ops.txt]   (ops on stdin without a file)\n");
    return 2;
  }
  Writer w;
  w.dir = args[0];
  while (!w.dir.empty() && w.dir.back() == '/') w.dir.pop_back();
  w.staging = w.dir + ".sst-staging";
  if (!append && fs::exists(w.dir + "/CURRENT")) {
    std::fprintf(stderr, "fixture-writer: %s already holds a DB (use --append to add to it)\n", w.dir.c_str());
    return 1;
  }
  {
    std::error_code ec;  // RocksDB creates the DB directory itself, not its parents
    fs::create_directories(w.dir, ec);
    if (ec) {
      std::fprintf(stderr, "fixture-writer: cannot create %s: %s\n", w.dir.c_str(), ec.message().c_str());
      return 1;
    }
  }
  std::ifstream file;
  std::istream* in = &std::cin;
  if (args.size() == 2) {
    file.open(args[1]);
    if (!file) {
      std::fprintf(stderr, "fixture-writer: cannot read %s\n", args[1].c_str());
      return 1;
    }
    in = &file;
  }
  std::string line;
  while (std::getline(*in, line)) {
    g_line++;
    g_text = line;
    w.run_line(line);
  }
  g_text = "<end of script>";
  if (w.sst) die("script ended inside sst_begin/sst_end");
  if (w.batch) die("script ended inside batch_begin/batch_end");
  if (w.db != nullptr) w.close();
  std::error_code ec;
  fs::remove_all(w.staging, ec);
  return 0;
}
