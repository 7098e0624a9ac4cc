#include "appliance/ctl/format.hpp"

#include <algorithm>

#include "console/client/group.hpp"
#include "console/client/user.hpp"

namespace ivm::ctl {

namespace {

/// Columns a UTF-8 string takes on a terminal, counting code points (good
/// enough for names; no wide-character tables).
std::size_t display_width(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80)
      ++n;
  return n;
}

std::string
format_fields(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::size_t width = 0;
  for (auto& [key, value] : fields)
    width = std::max(width, key.size());
  std::string out;
  for (auto& [key, value] : fields) {
    out += key + ':';
    out.append(width - key.size() + 1, ' ');
    out += value;
    out += '\n';
  }
  return out;
}

} // namespace

std::string format_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (auto& row : rows) {
    if (widths.size() < row.size())
      widths.resize(row.size(), 0);
    for (std::size_t i = 0; i < row.size(); ++i)
      widths[i] = std::max(widths[i], display_width(row[i]));
  }
  std::string out;
  for (auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size())
        line.append(widths[i] - display_width(row[i]) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    out += line;
    out += '\n';
  }
  return out;
}

std::string format_users(const std::vector<admin::user>& users) {
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"EXT", "USERNAME", "NAME", "ENABLED"});
  for (auto& u : users)
    rows.push_back({u.extension, u.username, u.name, u.enabled ? "yes" : "no"});
  return format_table(rows);
}

std::string format_user(const admin::user& u) {
  std::vector<std::pair<std::string, std::string>> fields{
      {"extension", u.extension},
      {"username", u.username},
      {"name", u.name},
      {"enabled", u.enabled ? "yes" : "no"}};
  if (!u.created.empty())
    fields.emplace_back("created", u.created);
  return format_fields(fields);
}

std::string format_groups(const std::vector<admin::group>& groups) {
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"NAME", "EXT", "MEMBERS"});
  for (auto& g : groups)
    rows.push_back({g.name, g.extension.empty() ? "-" : g.extension,
                    join_list(g.members)});
  return format_table(rows);
}

std::string format_group(const admin::group& g) {
  return format_fields({{"name", g.name},
                        {"extension", g.extension.empty() ? "-" : g.extension},
                        {"members", join_list(g.members)}});
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> items;
  while (!text.empty()) {
    auto comma = text.find(',');
    auto item = text.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
      item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t'))
      item.remove_suffix(1);
    if (!item.empty())
      items.emplace_back(item);
    if (comma == std::string_view::npos)
      break;
    text.remove_prefix(comma + 1);
  }
  return items;
}

std::string join_list(const std::vector<std::string>& items) {
  std::string out;
  for (auto& item : items) {
    if (!out.empty())
      out += ',';
    out += item;
  }
  return out;
}

} // namespace ivm::ctl
