#include "storage/memory_store.hpp"

#include <algorithm>

namespace ivm::storage {

namespace {

bool valid(family f) {
  return static_cast<std::size_t>(f) < family_count;
}

error bad_family(family f) {
  return error{errc::invalid_argument,
               "unknown column family " +
                   std::to_string(static_cast<unsigned>(f))};
}

} // namespace

expected<std::optional<std::string>, error>
memory_store::get(family f, std::string_view key) {
  if (!valid(f))
    return unexpected(bad_family(f));
  const auto& t = tables_[static_cast<std::size_t>(f)];
  if (auto i = t.find(key); i != t.end())
    return std::optional<std::string>{i->second};
  return std::optional<std::string>{};
}

status memory_store::write(const write_batch& batch, bool) {
  // Validate everything first so that a bad batch changes nothing.
  for (const auto& op : batch.ops())
    if (!valid(op.fam))
      return bad_family(op.fam);
  for (const auto& op : batch.ops()) {
    auto& t = tables_[static_cast<std::size_t>(op.fam)];
    if (op.kind == write_op::put)
      t.insert_or_assign(op.key, op.value);
    else if (auto i = t.find(op.key); i != t.end())
      t.erase(i);
  }
  return std::nullopt;
}

expected<std::vector<key_value>, error>
memory_store::scan(family f, std::string_view prefix, std::string_view start,
                   std::size_t limit) {
  if (!valid(f))
    return unexpected(bad_family(f));
  std::vector<key_value> result;
  const auto& t = tables_[static_cast<std::size_t>(f)];
  auto first = std::max(prefix, start);
  for (auto i = t.lower_bound(first); i != t.end() && result.size() < limit;
       ++i) {
    if (std::string_view{i->first}.substr(0, prefix.size()) != prefix)
      break;
    result.emplace_back(i->first, i->second);
  }
  return result;
}

status memory_store::sync() {
  return std::nullopt;
}

std::string memory_store::describe() const {
  return "memory";
}

std::unique_ptr<store> make_memory_store() {
  return std::make_unique<memory_store>();
}

} // namespace ivm::storage
