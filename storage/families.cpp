#include "storage/store.hpp"

#include <array>

namespace ivm::storage {

namespace {

constexpr std::array<std::string_view, family_count> family_names = {
    "meta",          "accounts", "devices", "bindings", "contacts",
    "subscriptions", "messages", "voice",   "sessions", "routing",
    "leases",        "cluster",  "events",
};

// A family added to the enum must be named here and counted in store.hpp.
static_assert(static_cast<std::size_t>(family::events) + 1 == family_count);

} // namespace

std::string_view to_string(family f) {
  auto index = static_cast<std::size_t>(f);
  if (index >= family_names.size())
    return "unknown";
  return family_names[index];
}

const std::vector<family>& all_families() {
  static const std::vector<family> result = [] {
    std::vector<family> xs;
    xs.reserve(family_count);
    for (std::size_t i = 0; i < family_count; ++i)
      xs.push_back(static_cast<family>(i));
    return xs;
  }();
  return result;
}

store::~store() = default;

status scan_all(store& db, family f, std::string_view prefix,
                const std::function<void(const std::string& key,
                                         const std::string& value)>& fn,
                std::size_t page) {
  // Not {}: RocksDB slices must not hold a null pointer.
  std::string_view from = prefix.data() ? prefix : std::string_view{"", 0};
  std::string start;
  for (;;) {
    auto rows = db.scan(f, from, start, page);
    if (!rows)
      return rows.error();
    for (auto& [key, value] : *rows)
      fn(key, value);
    if (rows->size() < page)
      return std::nullopt;
    start = rows->back().first + '\0';
  }
}

} // namespace ivm::storage
