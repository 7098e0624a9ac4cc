#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "storage/store.hpp"

namespace ivm::storage {

/// The store port on RocksDB: one database per box, one column family per
/// `family` (`meta` is RocksDB's "default"). RocksDB's headers stay in the
/// .cpp; create instances with `open_rocksdb`.
class rocksdb_store : public store {
public:
  struct impl;

  explicit rocksdb_store(std::unique_ptr<impl> ptr);

  ~rocksdb_store() override;

  rocksdb_store(const rocksdb_store&) = delete;
  rocksdb_store& operator=(const rocksdb_store&) = delete;

  expected<std::optional<std::string>, error>
  get(family f, std::string_view key) override;

  status write(const write_batch& batch, bool durable) override;

  expected<std::vector<key_value>, error> scan(family f,
                                               std::string_view prefix,
                                               std::string_view start,
                                               std::size_t limit) override;

  status sync() override;

  std::string describe() const override;

private:
  std::unique_ptr<impl> impl_;
};

} // namespace ivm::storage
