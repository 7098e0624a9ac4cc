#pragma once

#include <array>
#include <functional>
#include <map>
#include <string>

#include "storage/store.hpp"

namespace ivm::storage {

/// The store port in memory: one ordered map per family. Same semantics as
/// the RocksDB store, minus durability (`durable` and `sync` are accepted
/// and do nothing).
class memory_store : public store {
public:
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
  using table = std::map<std::string, std::string, std::less<>>;

  std::array<table, family_count> tables_;
};

} // namespace ivm::storage
