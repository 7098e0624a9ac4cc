#include "console/model/groups_view.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace ivm::console {

namespace {

using json = nlohmann::json;

bool all_digits(std::string_view x) {
  return !x.empty() && std::all_of(x.begin(), x.end(), [](unsigned char c) {
    return c >= '0' && c <= '9';
  });
}

std::string_view trim(std::string_view x) {
  while (!x.empty() && (x.front() == ' ' || x.front() == '\t'))
    x.remove_prefix(1);
  while (!x.empty() && (x.back() == ' ' || x.back() == '\t'))
    x.remove_suffix(1);
  return x;
}

} // namespace

expected<std::vector<group_row>, std::string>
parse_groups(std::string_view body) {
  auto doc = json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return unexpected(std::string{"the answer is not a JSON object"});
  auto it = doc.find("groups");
  if (it == doc.end() || !it->is_array())
    return unexpected(std::string{"the answer has no \"groups\" list"});
  std::vector<group_row> out;
  for (auto& x : *it) {
    if (!x.is_object())
      continue;
    group_row g;
    if (auto n = x.find("name"); n != x.end() && n->is_string())
      g.name = n->get<std::string>();
    if (auto e = x.find("extension"); e != x.end() && e->is_string())
      g.extension = e->get<std::string>();
    if (auto ms = x.find("members"); ms != x.end() && ms->is_array())
      for (auto& m : *ms)
        if (m.is_string())
          g.members.push_back(m.get<std::string>());
    out.push_back(std::move(g));
  }
  return out;
}

expected<std::vector<std::string>, std::string>
parse_member_list(std::string_view text) {
  std::vector<std::string> out;
  while (true) {
    auto comma = text.find(',');
    auto item = trim(text.substr(0, comma));
    if (!item.empty()) {
      if (!all_digits(item))
        return unexpected("members: '" + std::string{item} +
                          "' is not an extension (digits, e.g. 201)");
      if (std::find(out.begin(), out.end(), item) == out.end())
        out.emplace_back(item);
    }
    if (comma == std::string_view::npos)
      break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

std::string describe_members(const std::vector<std::string>& members,
                             const std::vector<user_row>& users) {
  if (members.empty())
    return "-";
  std::string out;
  for (auto& m : members) {
    if (!out.empty())
      out += ", ";
    out += m;
    for (auto& u : users)
      if (u.extension == m && !u.name.empty())
        out += " " + u.name;
  }
  return out;
}

} // namespace ivm::console
