// sst-gen: writes small block-based SSTs with real RocksDB (Debian librocksdb 7.8.3) covering
// every checksum type, format_version 2..5, every compression we read, every index type, the
// data-block hash index, range deletions, BlobDB blob indexes (type 0x11) and ingested files.
//
// Build: g++ -O1 -std=c++17 tools/sst-gen/sst-gen.cc -o /tmp/sst-gen -lrocksdb
// Run:   /tmp/sst-gen <out-dir> [case ...]   (no case = all cases)
// For each case it writes <out-dir>/<case>.sst and <out-dir>/<case>.meta.txt (the file's
// smallest/largest seqno from the DB's metadata, and the generator settings).
// tools/sst-gen/regen.sh then prints the ground truth with sst_dump.
#include <rocksdb/comparator.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/metadata.h>
#include <rocksdb/options.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/sst_file_writer.h>
#include <rocksdb/table.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

using namespace ROCKSDB_NAMESPACE;
namespace fs = std::filesystem;

enum class Mode { Flush, SstWriter, Ingest, IngestNoWrite };

struct Case {
  const char* name;
  uint32_t format_version;
  ChecksumType checksum;
  CompressionType compression;
  BlockBasedTableOptions::IndexType index_type;
  bool data_block_hash;
  int index_restart_interval;
  bool range_dels;
  bool blob_files;
  Mode mode;
  uint32_t max_dict_bytes = 0;  // compression dictionary (meta block rocksdb.compression_dict)
  bool reverse_comparator = false;  // rocksdb.ReverseBytewiseComparator (must be refused)
};

static const Case kCases[] = {
    {"fv0-crc32c-zlib-binary", 0, kCRC32c, kZlibCompression, BlockBasedTableOptions::kBinarySearch, false, 1, false, false, Mode::Flush},
    {"fv1-xxhash-lz4hc-binary", 1, kxxHash, kLZ4HCCompression, BlockBasedTableOptions::kBinarySearch, false, 1, false, false, Mode::Flush},
    {"fv2-crc32c-none-binary", 2, kCRC32c, kNoCompression, BlockBasedTableOptions::kBinarySearch, false, 1, false, false, Mode::Flush},
    {"fv3-xxhash-snappy-binary", 3, kxxHash, kSnappyCompression, BlockBasedTableOptions::kBinarySearch, false, 1, false, false, Mode::Flush},
    {"fv4-xxhash64-zlib-binary", 4, kxxHash64, kZlibCompression, BlockBasedTableOptions::kBinarySearch, false, 1, false, false, Mode::Flush},
    {"fv5-xxh3-lz4-binary", 5, kXXH3, kLZ4Compression, BlockBasedTableOptions::kBinarySearch, false, 1, false, false, Mode::Flush},
    {"fv5-crc32c-lz4hc-hash", 5, kCRC32c, kLZ4HCCompression, BlockBasedTableOptions::kHashSearch, false, 1, false, false, Mode::Flush},
    {"fv5-crc32c-zstd-partitioned", 5, kCRC32c, kZSTD, BlockBasedTableOptions::kTwoLevelIndexSearch, false, 1, false, false, Mode::Flush},
    {"fv5-crc32c-zstd-firstkey", 5, kCRC32c, kZSTD, BlockBasedTableOptions::kBinarySearchWithFirstKey, false, 1, false, false, Mode::Flush},
    {"fv5-crc32c-none-datahash", 5, kCRC32c, kNoCompression, BlockBasedTableOptions::kBinarySearch, true, 1, false, false, Mode::Flush},
    {"fv5-crc32c-snappy-restart4", 5, kCRC32c, kSnappyCompression, BlockBasedTableOptions::kBinarySearch, false, 4, false, false, Mode::Flush},
    {"fv3-crc32c-zstd-restart4", 3, kCRC32c, kZSTD, BlockBasedTableOptions::kBinarySearch, false, 4, false, false, Mode::Flush},
    {"fv4-crc32c-lz4-rangedel", 4, kCRC32c, kLZ4Compression, BlockBasedTableOptions::kBinarySearch, false, 1, true, false, Mode::Flush},
    {"fv5-crc32c-none-blobindex", 5, kCRC32c, kNoCompression, BlockBasedTableOptions::kBinarySearch, false, 1, false, true, Mode::Flush},
    {"fv5-crc32c-zstd-sstwriter", 5, kCRC32c, kZSTD, BlockBasedTableOptions::kBinarySearch, false, 1, true, false, Mode::SstWriter},
    {"fv5-crc32c-zstd-sstwriter-partitioned", 5, kCRC32c, kZSTD, BlockBasedTableOptions::kTwoLevelIndexSearch, false, 1, false, false, Mode::SstWriter},
    {"fv5-xxh3-none-sstwriter-firstkey", 5, kXXH3, kNoCompression, BlockBasedTableOptions::kBinarySearchWithFirstKey, false, 4, false, false, Mode::SstWriter},
    {"fv5-crc32c-zstd-ingested", 5, kCRC32c, kZSTD, BlockBasedTableOptions::kBinarySearch, false, 1, false, false, Mode::Ingest},
    {"fv5-crc32c-zstd-dict", 5, kCRC32c, kZSTD, BlockBasedTableOptions::kBinarySearch, false, 1, false, false, Mode::Flush, 4096},
    {"fv5-crc32c-lz4-dict", 5, kCRC32c, kLZ4Compression, BlockBasedTableOptions::kBinarySearch, false, 1, false, false, Mode::Flush, 4096},
    {"fv4-crc32c-zlib-dict", 4, kCRC32c, kZlibCompression, BlockBasedTableOptions::kBinarySearch, false, 1, false, false, Mode::Flush, 4096},
    {"fv5-crc32c-none-reversecmp", 5, kCRC32c, kNoCompression, BlockBasedTableOptions::kBinarySearch, false, 1, false, false, Mode::Flush, 0, true},
    {"fv5-crc32c-lz4-ingested-noglobal", 5, kCRC32c, kLZ4Compression, BlockBasedTableOptions::kBinarySearch, false, 1, false, false, Mode::IngestNoWrite},
};

static void check(const Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "sst-gen: %s: %s\n", what, s.ToString().c_str());
    std::exit(1);
  }
}

static std::string key(int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "key%05d", i);
  return buf;
}

// Deterministic, somewhat compressible values; every 40th value is larger than a block.
static std::string value(int i, int version) {
  static const char* words[] = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"};
  size_t len = (i % 40 == 7) ? 2500 : 8 + (i * 37) % 90;
  std::string v = "v" + std::to_string(version) + ":";
  uint32_t x = 2654435761u * (i + 1) + version;
  while (v.size() < len) {
    x = x * 1103515245u + 12345u;
    v += words[(x >> 16) % 8];
    v += (char)('0' + (x >> 8) % 10);
  }
  v.resize(len);
  return v;
}

static Options makeOptions(const Case& c) {
  Options o;
  o.create_if_missing = true;
  o.compression = c.compression;
  o.bottommost_compression = c.compression;
  o.disable_auto_compactions = true;
  o.write_buffer_size = 64 << 20;
  o.enable_blob_files = c.blob_files;
  o.min_blob_size = 200;
  if (c.reverse_comparator) o.comparator = ReverseBytewiseComparator();
  if (c.max_dict_bytes > 0) {
    o.compression_opts.max_dict_bytes = c.max_dict_bytes;
    o.bottommost_compression_opts.max_dict_bytes = c.max_dict_bytes;
    o.bottommost_compression_opts.enabled = true;
  }
  BlockBasedTableOptions t;
  t.format_version = c.format_version;
  t.checksum = c.checksum;
  t.index_type = c.index_type;
  t.block_size = 512;
  t.block_restart_interval = 4;
  t.index_block_restart_interval = c.index_restart_interval;
  t.metadata_block_size = 128;  // several index partitions for kTwoLevelIndexSearch
  if (c.data_block_hash) t.data_block_index_type = BlockBasedTableOptions::kDataBlockBinaryAndHash;
  if (c.index_type == BlockBasedTableOptions::kHashSearch) o.prefix_extractor.reset(NewFixedPrefixTransform(6));
  t.filter_policy.reset(NewBloomFilterPolicy(10));
  o.table_factory.reset(NewBlockBasedTableFactory(t));
  return o;
}

static const int N = 200;

// Sequence numbers of the DeleteRange calls of the current case (ground truth for the test).
static std::vector<std::string> gRangeDelLog;

static void writeMeta(const std::string& path, const Case& c, uint64_t smallest, uint64_t largest) {
  std::ofstream m(path);
  for (auto& l : gRangeDelLog) m << l << "\n";
  m << "case " << c.name << "\nformat_version " << c.format_version << "\nchecksum " << (int)c.checksum
    << "\ncompression " << (int)c.compression << "\nindex_type " << (int)c.index_type
    << "\nsmallest_seqno " << smallest << "\nlargest_seqno " << largest << "\n";
}

static void copyOut(DB* db, const std::string& out, const Case& c, bool pickLargestSeq) {
  std::vector<LiveFileMetaData> files;
  db->GetLiveFilesMetaData(&files);
  const LiveFileMetaData* pick = nullptr;
  for (auto& f : files) {
    if (!pickLargestSeq) {
      if (pick != nullptr) { std::fprintf(stderr, "sst-gen: %s: more than one SST\n", c.name); std::exit(1); }
      pick = &f;
    } else if (pick == nullptr || f.largest_seqno > pick->largest_seqno) {
      pick = &f;
    }
  }
  if (pick == nullptr) { std::fprintf(stderr, "sst-gen: %s: no SST\n", c.name); std::exit(1); }
  fs::copy_file(pick->db_path + "/" + pick->name, out + "/" + c.name + ".sst", fs::copy_options::overwrite_existing);
  writeMeta(out + "/" + c.name + ".meta.txt", c, pick->smallest_seqno, pick->largest_seqno);
}

static void runFlush(const Case& c, const std::string& out, const std::string& tmp) {
  Options o = makeOptions(c);
  DB* db = nullptr;
  check(DB::Open(o, tmp, &db), "open");
  WriteOptions wo;
  std::vector<const Snapshot*> snaps;
  for (int i = 0; i < N; i++) check(db->Put(wo, key(i), value(i, 1)), "put");
  snaps.push_back(db->GetSnapshot());
  for (int i = 0; i < N; i += 10) check(db->Put(wo, key(i), value(i, 2)), "put v2");
  for (int i = 3; i < N; i += 13) check(db->Delete(wo, key(i)), "delete");
  for (int i = 5; i < N; i += 17)
    if (i % 10 != 0 && i % 13 != 3) check(db->SingleDelete(wo, key(i)), "single delete");
  check(db->Delete(wo, "key99999-never-written"), "delete absent");
  snaps.push_back(db->GetSnapshot());
  if (c.range_dels) {
    check(db->DeleteRange(wo, db->DefaultColumnFamily(), key(100), key(120)), "delete range");
    gRangeDelLog.push_back("delete_range " + key(100) + " " + key(120) + " seq " + std::to_string(db->GetLatestSequenceNumber()));
    check(db->DeleteRange(wo, db->DefaultColumnFamily(), key(110), key(130)), "delete range 2");
    gRangeDelLog.push_back("delete_range " + key(110) + " " + key(130) + " seq " + std::to_string(db->GetLatestSequenceNumber()));
    check(db->Put(wo, key(115), value(115, 3)), "put over range");
  }
  check(db->Flush(FlushOptions()), "flush");
  copyOut(db, out, c, false);
  for (auto* s : snaps) db->ReleaseSnapshot(s);
  check(db->Close(), "close");
  delete db;
}

static void writeSst(const Case& c, const std::string& path, int from, int to) {
  Options o = makeOptions(c);
  SstFileWriter w(EnvOptions(), o);
  check(w.Open(path), "sst writer open");
  for (int i = from; i < to; i++) {
    if (c.range_dels && i == from + 50) check(w.DeleteRange(key(from + 50), key(from + 60)), "sst writer delete range");
    if (i % 11 == 4) check(w.Delete(key(i)), "sst writer delete");
    else check(w.Put(key(i), value(i, 4)), "sst writer put");
  }
  check(w.Finish(), "sst writer finish");
}

static void runSstWriter(const Case& c, const std::string& out) {
  writeSst(c, out + "/" + c.name + ".sst", 0, N);
  writeMeta(out + "/" + c.name + ".meta.txt", c, 0, 0);
}

static void runIngest(const Case& c, const std::string& out, const std::string& tmp, bool writeGlobal) {
  Options o = makeOptions(c);
  DB* db = nullptr;
  check(DB::Open(o, tmp + "/db", &db), "open");
  WriteOptions wo;
  // Overlapping keys already in the DB force a non-zero global seqno for the ingested file.
  for (int i = 0; i < N; i += 7) check(db->Put(wo, key(i), "pre-ingest"), "put");
  check(db->Flush(FlushOptions()), "flush");
  for (int i = 1; i < N; i += 9) check(db->Put(wo, key(i), "memtable"), "put");
  std::string ext = tmp + "/ext.sst";
  writeSst(c, ext, 0, N);
  IngestExternalFileOptions io;
  io.move_files = false;
  io.write_global_seqno = writeGlobal;
  check(db->IngestExternalFile({ext}, io), "ingest");
  copyOut(db, out, c, true);
  check(db->Close(), "close");
  delete db;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: sst-gen <out-dir> [case ...]\n");
    return 2;
  }
  std::string out = argv[1];
  fs::create_directories(out);
  for (const Case& c : kCases) {
    if (argc > 2) {
      bool want = false;
      for (int a = 2; a < argc; a++) want = want || std::strcmp(argv[a], c.name) == 0;
      if (!want) continue;
    }
    std::string tmp = fs::temp_directory_path() / ("sst-gen-" + std::to_string(::getpid()) + "-" + c.name);
    fs::remove_all(tmp);
    fs::create_directories(tmp);
    gRangeDelLog.clear();
    switch (c.mode) {
      case Mode::Flush: runFlush(c, out, tmp + "/db"); break;
      case Mode::SstWriter: runSstWriter(c, out); break;
      case Mode::Ingest: runIngest(c, out, tmp, true); break;
      case Mode::IngestNoWrite: runIngest(c, out, tmp, false); break;
    }
    fs::remove_all(tmp);
    std::printf("%s\n", c.name);
  }
  return 0;
}
