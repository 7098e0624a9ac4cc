#include "appliance/directory/trunks.hpp"

#include <algorithm>

namespace ivm::directory {

namespace {

bool digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](char c) { return c >= '0' && c <= '9'; });
}

} // namespace

bool dialable(std::string_view number) {
  if (number.size() > 32)
    return false;
  if (!number.empty() && number.front() == '+')
    number.remove_prefix(1);
  return digits(number);
}

const sip_trunk* route_number(const std::vector<sip_trunk>& trunks,
                              std::string_view number) {
  if (!dialable(number))
    return nullptr;
  for (auto& t : trunks)
    if (t.devices.count(std::string{number}) != 0)
      return &t;
  const sip_trunk* best = nullptr;
  std::size_t best_len = 0;
  for (auto& t : trunks)
    for (auto& p : t.prefixes)
      if (p.size() > best_len && number.substr(0, p.size()) == p) {
        best = &t;
        best_len = p.size();
      }
  return best;
}

const sip_trunk* trunk_at(const std::vector<sip_trunk>& trunks,
                          std::string_view host) {
  for (auto& t : trunks)
    if (t.sip.host == host)
      return &t;
  return nullptr;
}

std::string encode_prefixes(const std::vector<std::string>& prefixes) {
  std::string out;
  for (auto& p : prefixes)
    out += (out.empty() ? "" : ",") + p;
  return out;
}

expected<std::vector<std::string>, std::string>
parse_prefixes(std::string_view stored) {
  std::vector<std::string> out;
  while (!stored.empty()) {
    auto comma = stored.find(',');
    auto item = stored.substr(0, comma);
    if (!digits(item) || item.size() > 15)
      return unexpected(std::string{"a prefix is 1 to 15 digits: \""} +
                        std::string{item} + "\"");
    if (std::find(out.begin(), out.end(), item) == out.end())
      out.emplace_back(item);
    if (out.size() > max_trunk_prefixes)
      return unexpected(std::string{"at most 32 prefixes"});
    stored = comma == std::string_view::npos ? std::string_view{}
                                             : stored.substr(comma + 1);
    if (comma != std::string_view::npos && stored.empty())
      return unexpected(std::string{"a prefix is 1 to 15 digits: \"\""});
  }
  return out;
}

} // namespace ivm::directory
