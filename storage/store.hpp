#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "appliance/common/expected.hpp"

namespace ivm::storage {

/// One column family per record kind (ARCHITECTURE §4). Later issues add
/// families at the end; the numbering is part of the on-disk format.
enum class family : std::uint8_t {
  meta,          ///< schema version and box-wide records
  accounts,      ///< users
  devices,       ///< phones and gateways
  bindings,      ///< SIP registrations
  contacts,      ///< contact lists
  subscriptions, ///< SUBSCRIBE dialogs
  messages,      ///< durable IM queues (recipient + sequence)
  voice,         ///< encrypted voice messages
  sessions,      ///< thin-client sessions
  routing,       ///< call routing tables
  leases,        ///< DHCP leases
  cluster,       ///< sites, directory, outboxes
  events,        ///< audit and event log
};

inline constexpr std::size_t family_count = 13;

/// Name of the family as stored in RocksDB ("meta" is RocksDB's "default").
std::string_view to_string(family f);

/// All families in numbering order.
const std::vector<family>& all_families();

/// The schema this build writes. Opening a database with a newer schema
/// fails with `errc::schema_too_new`.
inline constexpr std::uint32_t schema_version = 1;

/// Key of the schema record in `family::meta`.
inline constexpr std::string_view schema_key = "schema_version";

enum class errc : std::uint8_t {
  io_error,
  corruption,
  schema_too_new,
  invalid_argument,
  busy,
};

/// A storage failure, as a value (RocksDB's `Status` style).
struct error {
  errc code;
  std::string message;
};

/// Empty on success.
using status = std::optional<error>;

struct write_op {
  enum kind_t : std::uint8_t { put, del };
  kind_t kind;
  family fam;
  std::string key;
  std::string value;
};

/// A set of puts and deletes applied atomically: all or nothing.
class write_batch {
public:
  void put(family f, std::string key, std::string value);
  void del(family f, std::string key);
  /// Appends every op of `other` (used by group commit).
  void append(const write_batch& other);
  const std::vector<write_op>& ops() const noexcept {
    return ops_;
  }
  std::size_t size() const noexcept {
    return ops_.size();
  }
  bool empty() const noexcept {
    return ops_.empty();
  }

private:
  std::vector<write_op> ops_;
};

using key_value = std::pair<std::string, std::string>;

/// The store port. Implementations: RocksDB (on disk) and memory. Not
/// thread-safe by contract: the `storage` actor is its only user.
class store {
public:
  virtual ~store();

  /// Reads one record; an empty optional when the key is absent.
  virtual expected<std::optional<std::string>, error>
  get(family f, std::string_view key) = 0;

  /// Applies `batch` atomically. With `durable`, returns only after the
  /// write is on disk (WAL fsync).
  virtual status write(const write_batch& batch, bool durable) = 0;

  /// Returns up to `limit` records whose key starts with `prefix`, in key
  /// order, starting at the first key >= `start` (empty: from the prefix).
  virtual expected<std::vector<key_value>, error> scan(family f,
                                                       std::string_view prefix,
                                                       std::string_view start,
                                                       std::size_t limit) = 0;

  /// Makes every earlier write durable (WAL fsync).
  virtual status sync() = 0;

  /// Short description for logs and /health ("rocksdb:/path", "memory").
  virtual std::string describe() const = 0;
};

struct rocksdb_options {
  /// Creates the database (and its directory) when missing.
  bool create_if_missing = true;
};

/// Opens (or creates) the RocksDB store in `dir`, creating every family and
/// checking the schema version record.
expected<std::unique_ptr<store>, error>
open_rocksdb(const std::filesystem::path& dir, rocksdb_options opts = {});

/// Calls `fn(key, value)` for every record of `f` whose key starts with
/// `prefix`, in key order, reading `page` records at a time (loading at
/// start). Stops at the first read error and returns it.
status scan_all(store& db, family f, std::string_view prefix,
                const std::function<void(const std::string& key,
                                         const std::string& value)>& fn,
                std::size_t page = 1000);

/// A store in memory, for tests and benchmarks of the layers above.
std::unique_ptr<store> make_memory_store();

} // namespace ivm::storage
