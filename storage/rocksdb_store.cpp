#include "storage/rocksdb_store.hpp"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>
#include <rocksdb/write_buffer_manager.h>

#include <algorithm>
#include <system_error>

#include "storage/schema.hpp"

namespace ivm::storage {

namespace {

constexpr std::size_t mib = 1024 * 1024;

// -- options for a small box --------------------------------------------------

/// Memory budget: one block cache shared by every family, and memtables
/// capped as a whole (charged to the same cache) rather than per family.
constexpr std::size_t block_cache_size = 32 * mib;
constexpr std::size_t memtable_budget = 32 * mib;

/// Voice messages are large, written once and read rarely: keep values from
/// this size up in blob files, out of the LSM tree (ARCHITECTURE §4).
constexpr std::uint64_t min_blob_size = 4 * 1024;

std::string family_name(family f) {
  if (f == family::meta)
    return rocksdb::kDefaultColumnFamilyName;
  return std::string{to_string(f)};
}

rocksdb::DBOptions make_db_options(const rocksdb_options& opts,
                                   const std::shared_ptr<rocksdb::Cache>& c) {
  rocksdb::DBOptions o;
  o.create_if_missing = opts.create_if_missing;
  o.create_missing_column_families = true;
  o.max_background_jobs = 2;
  o.max_open_files = 256;
  o.keep_log_file_num = 3;
  o.max_total_wal_size = 64 * mib;
  o.write_buffer_manager =
      std::make_shared<rocksdb::WriteBufferManager>(memtable_budget, c);
  return o;
}

rocksdb::ColumnFamilyOptions
make_family_options(std::string_view name,
                    const std::shared_ptr<rocksdb::Cache>& c) {
  rocksdb::ColumnFamilyOptions o;
  o.write_buffer_size = 4 * mib;
  o.max_write_buffer_number = 2;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = c;
  table.cache_index_and_filter_blocks = true;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  if (name == to_string(family::voice)) {
    o.enable_blob_files = true;
    o.min_blob_size = min_blob_size;
    o.blob_file_size = 64 * mib;
    o.enable_blob_garbage_collection = true;
  }
  return o;
}

// -- errors -------------------------------------------------------------------

error to_error(const rocksdb::Status& s, std::string_view context) {
  auto code = errc::io_error;
  if (s.IsCorruption())
    code = errc::corruption;
  else if (s.IsInvalidArgument() || s.IsNotSupported())
    code = errc::invalid_argument;
  else if (s.IsBusy() || s.IsTryAgain())
    code = errc::busy;
  std::string msg{context};
  msg += ": ";
  msg += s.ToString();
  return error{code, std::move(msg)};
}

error bad_family(family f) {
  return error{errc::invalid_argument,
               "unknown column family " +
                   std::to_string(static_cast<unsigned>(f))};
}

/// The smallest key greater than every key starting with `prefix`; empty
/// when there is none (prefix empty or all 0xff).
std::string prefix_successor(std::string_view prefix) {
  std::string result{prefix};
  while (!result.empty()) {
    auto last = static_cast<unsigned char>(result.back());
    if (last != 0xff) {
      result.back() = static_cast<char>(last + 1);
      return result;
    }
    result.pop_back();
  }
  return result;
}

} // namespace

// -- impl
// -----------------------------------------------------------------------

struct rocksdb_store::impl {
  std::filesystem::path dir;
  std::shared_ptr<rocksdb::Cache> cache;
  std::unique_ptr<rocksdb::DB> db;
  /// Indexed by `family`.
  std::vector<rocksdb::ColumnFamilyHandle*> families;
  /// Families on disk this build does not know (written by a newer build).
  std::vector<rocksdb::ColumnFamilyHandle*> unknown;

  ~impl() {
    if (!db)
      return;
    for (auto* h : families)
      db->DestroyColumnFamilyHandle(h);
    for (auto* h : unknown)
      db->DestroyColumnFamilyHandle(h);
    db->Close().PermitUncheckedError();
  }

  rocksdb::ColumnFamilyHandle* handle(family f) const {
    auto index = static_cast<std::size_t>(f);
    return index < families.size() ? families[index] : nullptr;
  }

  status open(const rocksdb_options& opts);
  status check_schema();
};

status rocksdb_store::impl::open(const rocksdb_options& opts) {
  cache = rocksdb::NewLRUCache(block_cache_size);
  auto db_opts = make_db_options(opts, cache);
  // Open every family on disk, including ones a newer build added: RocksDB
  // refuses to open a database without all of its families.
  std::vector<std::string> on_disk;
  rocksdb::DB::ListColumnFamilies(db_opts, dir.string(), &on_disk)
      .PermitUncheckedError(); // A new database has none; Open reports the
                               // rest.
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (auto f : all_families()) {
    auto name = family_name(f);
    descriptors.emplace_back(name, make_family_options(to_string(f), cache));
  }
  for (const auto& name : on_disk) {
    auto known = std::any_of(descriptors.begin(), descriptors.end(),
                             [&](const auto& d) { return d.name == name; });
    if (!known)
      descriptors.emplace_back(name, make_family_options(name, cache));
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  auto s =
      rocksdb::DB::Open(db_opts, dir.string(), descriptors, &handles, &raw);
  if (!s.ok()) {
    if (s.IsIOError() && s.ToString().find("/LOCK") != std::string::npos)
      return error{errc::busy,
                   "database " + dir.string() +
                       " is already open (by another process or handle): " +
                       s.ToString()};
    return to_error(s, "cannot open database " + dir.string());
  }
  db.reset(raw);
  families.assign(handles.begin(), handles.begin() + family_count);
  unknown.assign(handles.begin() + family_count, handles.end());
  return check_schema();
}

status rocksdb_store::impl::check_schema() {
  std::string value;
  auto s = db->Get(rocksdb::ReadOptions{}, handle(family::meta),
                   std::string{schema_key}, &value);
  if (s.IsNotFound()) {
    // A new database (or one that crashed before its first record).
    rocksdb::WriteOptions wo;
    wo.sync = true;
    s = db->Put(wo, handle(family::meta), std::string{schema_key},
                encode_schema_record(schema_version));
    if (!s.ok())
      return to_error(s, "cannot write schema record in " + dir.string());
    return std::nullopt;
  }
  if (!s.ok())
    return to_error(s, "cannot read schema record in " + dir.string());
  auto stored = decode_schema_record(value);
  if (!stored)
    return error{stored.error().code,
                 stored.error().message + " (" + dir.string() + ")"};
  if (auto err = check_schema_version(*stored)) {
    err->message += " (" + dir.string() + ")";
    return err;
  }
  return std::nullopt;
}

// -- rocksdb_store
// --------------------------------------------------------------

rocksdb_store::rocksdb_store(std::unique_ptr<impl> ptr)
  : impl_(std::move(ptr)) {
  // nop
}

rocksdb_store::~rocksdb_store() = default;

expected<std::optional<std::string>, error>
rocksdb_store::get(family f, std::string_view key) {
  auto* h = impl_->handle(f);
  if (h == nullptr)
    return unexpected(bad_family(f));
  std::string value;
  auto s = impl_->db->Get(rocksdb::ReadOptions{}, h,
                          rocksdb::Slice{key.data(), key.size()}, &value);
  if (s.IsNotFound())
    return std::optional<std::string>{};
  if (!s.ok())
    return unexpected(to_error(s, "get"));
  return std::optional<std::string>{std::move(value)};
}

status rocksdb_store::write(const write_batch& batch, bool durable) {
  rocksdb::WriteBatch wb;
  for (const auto& op : batch.ops()) {
    auto* h = impl_->handle(op.fam);
    if (h == nullptr)
      return bad_family(op.fam);
    auto s = op.kind == write_op::put ? wb.Put(h, op.key, op.value)
                                      : wb.Delete(h, op.key);
    if (!s.ok())
      return to_error(s, "write batch");
  }
  rocksdb::WriteOptions wo;
  wo.sync = durable;
  if (auto s = impl_->db->Write(wo, &wb); !s.ok())
    return to_error(s, "write");
  return std::nullopt;
}

expected<std::vector<key_value>, error>
rocksdb_store::scan(family f, std::string_view prefix, std::string_view start,
                    std::size_t limit) {
  auto* h = impl_->handle(f);
  if (h == nullptr)
    return unexpected(bad_family(f));
  std::vector<key_value> result;
  if (limit == 0)
    return result;
  auto upper = prefix_successor(prefix);
  rocksdb::Slice upper_slice{upper};
  rocksdb::ReadOptions ro;
  if (!upper.empty())
    ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it{impl_->db->NewIterator(ro, h)};
  auto first = std::max(prefix, start);
  for (it->Seek(rocksdb::Slice{first.data(), first.size()});
       it->Valid() && result.size() < limit; it->Next()) {
    auto key = it->key();
    if (!key.starts_with(rocksdb::Slice{prefix.data(), prefix.size()}))
      break;
    result.emplace_back(key.ToString(), it->value().ToString());
  }
  if (auto s = it->status(); !s.ok())
    return unexpected(to_error(s, "scan"));
  return result;
}

status rocksdb_store::sync() {
  if (auto s = impl_->db->FlushWAL(true); !s.ok())
    return to_error(s, "sync");
  return std::nullopt;
}

std::string rocksdb_store::describe() const {
  return "rocksdb:" + impl_->dir.string();
}

// -- factory
// --------------------------------------------------------------------

expected<std::unique_ptr<store>, error>
open_rocksdb(const std::filesystem::path& dir, rocksdb_options opts) {
  if (opts.create_if_missing) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
      return unexpected(
          error{errc::io_error, "cannot create database directory " +
                                    dir.string() + ": " + ec.message()});
  }
  auto state = std::make_unique<rocksdb_store::impl>();
  state->dir = dir;
  if (auto err = state->open(opts))
    return unexpected(std::move(*err));
  return std::unique_ptr<store>{
      std::make_unique<rocksdb_store>(std::move(state))};
}

} // namespace ivm::storage
