#include "appliance/mgcp/events.hpp"

#include <cctype>

#include "appliance/mgcp/text.hpp"

namespace ivm::mgcp {

namespace {

value_error bad(int code, std::string reason) {
  return value_error{code, std::move(reason)};
}

bool name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ||
         c == '.' || c == '*' || c == '#' || c == '$';
}

// A name and the contents of the parenthesised groups after it:
// "L/hd(N)(p=1)" -> "L/hd", {"N", "p=1"}.
expected<std::pair<std::string_view, std::vector<std::string_view>>,
         value_error>
split_groups(std::string_view item) {
  std::size_t i = 0;
  int bracket = 0;
  while (i < item.size() && (item[i] != '(' || bracket > 0)) {
    if (item[i] == '[')
      ++bracket;
    else if (item[i] == ']')
      --bracket;
    ++i;
  }
  auto name = text::trim(item.substr(0, i));
  std::vector<std::string_view> groups;
  while (i < item.size()) {
    if (item[i] != '(')
      return unexpected(bad(510, "text after a parameter group"));
    int depth = 0;
    bool quoted = false;
    std::size_t start = i + 1, j = i;
    for (; j < item.size(); ++j) {
      char c = item[j];
      if (quoted) {
        quoted = c != '"';
        continue;
      }
      if (c == '"')
        quoted = true;
      else if (c == '(')
        ++depth;
      else if (c == ')' && --depth == 0)
        break;
    }
    if (j == item.size())
      return unexpected(bad(510, "unbalanced parentheses"));
    groups.push_back(item.substr(start, j - start));
    i = j + 1;
    while (i < item.size() && (item[i] == ' ' || item[i] == '\t'))
      ++i;
  }
  return std::make_pair(name, std::move(groups));
}

expected<std::vector<std::string>, value_error>
params_of(std::string_view group) {
  std::vector<std::string> out;
  if (text::trim(group).empty())
    return out;
  bool ok = true;
  for (auto p : text::split_list(group, ok))
    out.emplace_back(p);
  if (!ok)
    return unexpected(bad(538, "bad event parameters"));
  return out;
}

// The parts of an embedded request: R(...), S(...), D(...).
expected<embedded_request, value_error> parse_embedded(std::string_view s) {
  embedded_request e;
  bool ok = true;
  for (auto part : text::split_list(s, ok)) {
    auto g = split_groups(part);
    if (!g || g->second.size() != 1)
      return unexpected(bad(510, "bad embedded request"));
    auto key = g->first;
    auto value = std::string{text::trim(g->second[0])};
    if (text::iequals(key, "R") && !e.has_r) {
      e.requested_events = std::move(value);
      e.has_r = true;
    } else if (text::iequals(key, "S") && !e.has_s) {
      e.signals = std::move(value);
      e.has_s = true;
    } else if (text::iequals(key, "D") && !e.has_d) {
      e.digit_map = std::move(value);
      e.has_d = true;
    } else {
      return unexpected(bad(510, "bad embedded request"));
    }
  }
  if (!ok)
    return unexpected(bad(510, "bad embedded request"));
  // The embedded events must parse too (their signals are checked when
  // the embedded request is applied).
  if (e.has_r) {
    auto inner = parse_requested_events(e.requested_events);
    if (!inner)
      return unexpected(inner.error());
  }
  return e;
}

expected<std::vector<action>, value_error>
parse_actions(std::string_view group, embedded_request& embedded) {
  std::vector<action> out;
  bool ok = true;
  for (auto a : text::split_list(group, ok)) {
    action act;
    if (a.size() == 1) {
      switch (std::toupper(static_cast<unsigned char>(a[0]))) {
        case 'N':
          act = action::notify;
          break;
        case 'A':
          act = action::accumulate;
          break;
        case 'D':
          act = action::digit_map;
          break;
        case 'S':
          act = action::swap;
          break;
        case 'I':
          act = action::ignore;
          break;
        case 'K':
          act = action::keep;
          break;
        default:
          return unexpected(bad(523, "unknown action"));
      }
    } else if (a.size() > 2 && (a[0] == 'E' || a[0] == 'e') && a[1] == '(' &&
               a.back() == ')') {
      auto e = parse_embedded(a.substr(2, a.size() - 3));
      if (!e)
        return unexpected(e.error());
      embedded = std::move(*e);
      act = action::embedded;
    } else {
      return unexpected(bad(523, "unknown action"));
    }
    for (auto seen : out)
      if (seen == act)
        return unexpected(bad(523, "repeated action"));
    out.push_back(act);
  }
  if (!ok || out.empty())
    return unexpected(bad(523, "bad action list"));
  // Notify, accumulate, digit map and ignore exclude each other (§2.3.3).
  int primary = 0;
  for (auto a : out)
    primary += a == action::notify || a == action::accumulate ||
               a == action::digit_map || a == action::ignore;
  if (primary > 1)
    return unexpected(bad(523, "illegal combination of actions"));
  return out;
}

struct list_item {
  event_name name;
  std::vector<std::string_view> groups;
};

// The items of an R:, S: or O: value: each an event name and at most
// `max_groups` parenthesised groups after it.
expected<std::vector<list_item>, value_error>
parse_items(std::string_view value, std::size_t max_groups) {
  std::vector<list_item> out;
  if (text::trim(value).empty())
    return out;
  bool ok = true;
  auto items = text::split_list(value, ok);
  if (!ok)
    return unexpected(bad(510, "bad event list"));
  for (auto item : items) {
    auto g = split_groups(item);
    if (!g)
      return unexpected(g.error());
    if (g->second.size() > max_groups)
      return unexpected(bad(510, "too many groups after an event"));
    auto name = parse_event_name(g->first);
    if (!name)
      return unexpected(name.error());
    out.push_back({std::move(*name), std::move(g->second)});
  }
  return out;
}

void write_params(std::string& out, const std::vector<std::string>& ps) {
  if (ps.empty())
    return;
  out += '(';
  for (std::size_t i = 0; i < ps.size(); ++i) {
    if (i > 0)
      out += ',';
    out += ps[i];
  }
  out += ')';
}

} // namespace

bool event_name::is(std::string_view pkg, std::string_view event,
                    std::string_view default_package) const {
  auto p = package.empty() ? default_package : std::string_view{package};
  return text::iequals(p, pkg) && text::iequals(name, event);
}

expected<event_name, value_error> parse_event_name(std::string_view s) {
  s = text::trim(s);
  event_name e;
  // The package ends at the first "/" outside a digit range.
  auto bracket = s.find('[');
  auto slash = s.find('/');
  if (slash != std::string_view::npos &&
      (bracket == std::string_view::npos || slash < bracket)) {
    e.package = std::string{s.substr(0, slash)};
    s.remove_prefix(slash + 1);
    if (e.package.empty())
      return unexpected(bad(510, "empty package name"));
    for (char c : e.package)
      if (!name_char(c))
        return unexpected(bad(510, "bad package name"));
  }
  auto at = s.rfind('@');
  if (at != std::string_view::npos &&
      (bracket == std::string_view::npos || at > s.find(']'))) {
    e.connection = std::string{s.substr(at + 1)};
    s = s.substr(0, at);
    if (e.connection.empty())
      return unexpected(bad(510, "empty connection in event name"));
    for (char c : e.connection)
      if (!name_char(c))
        return unexpected(bad(510, "bad connection in event name"));
  }
  if (s.empty())
    return unexpected(bad(510, "empty event name"));
  if (s.front() == '[') {
    if (s.back() != ']' || s.size() < 3)
      return unexpected(bad(510, "bad digit range"));
    for (char c : s.substr(1, s.size() - 2))
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '#' &&
          c != '*' && c != '-')
        return unexpected(bad(510, "bad digit range"));
  } else {
    for (char c : s)
      if (!name_char(c))
        return unexpected(bad(510, "bad event name"));
  }
  e.name = std::string{s};
  return e;
}

std::string to_string(const event_name& e) {
  std::string out;
  if (!e.package.empty()) {
    out += e.package;
    out += '/';
  }
  out += e.name;
  if (!e.connection.empty()) {
    out += '@';
    out += e.connection;
  }
  return out;
}

expected<std::vector<requested_event>, value_error>
parse_requested_events(std::string_view value) {
  auto items = parse_items(value, 2);
  if (!items)
    return unexpected(items.error());
  std::vector<requested_event> out;
  for (auto& item : *items) {
    requested_event r;
    r.event = std::move(item.name);
    if (!item.groups.empty()) {
      auto acts = parse_actions(item.groups[0], r.embedded);
      if (!acts)
        return unexpected(acts.error());
      r.actions = std::move(*acts);
    } else {
      r.actions = {action::notify};
    }
    if (item.groups.size() == 2) {
      auto ps = params_of(item.groups[1]);
      if (!ps)
        return unexpected(ps.error());
      r.params = std::move(*ps);
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::string to_string(const std::vector<requested_event>& events) {
  std::string out;
  for (auto& r : events) {
    if (!out.empty())
      out += ", ";
    out += to_string(r.event);
    out += '(';
    bool first = true;
    for (auto a : r.actions) {
      if (!first)
        out += ',';
      first = false;
      switch (a) {
        case action::notify:
          out += 'N';
          break;
        case action::accumulate:
          out += 'A';
          break;
        case action::digit_map:
          out += 'D';
          break;
        case action::swap:
          out += 'S';
          break;
        case action::ignore:
          out += 'I';
          break;
        case action::keep:
          out += 'K';
          break;
        case action::embedded: {
          out += "E(";
          std::string parts;
          auto add = [&parts](const char* k, const std::string& v) {
            if (!parts.empty())
              parts += ',';
            parts += k;
            parts += '(';
            parts += v;
            parts += ')';
          };
          if (r.embedded.has_r)
            add("R", r.embedded.requested_events);
          if (r.embedded.has_s)
            add("S", r.embedded.signals);
          if (r.embedded.has_d)
            add("D", r.embedded.digit_map);
          out += parts;
          out += ')';
          break;
        }
      }
    }
    out += ')';
    write_params(out, r.params);
  }
  return out;
}

expected<std::vector<event_with_params>, value_error>
parse_event_list(std::string_view value) {
  auto items = parse_items(value, 1);
  if (!items)
    return unexpected(items.error());
  std::vector<event_with_params> out;
  for (auto& item : *items) {
    event_with_params e;
    e.event = std::move(item.name);
    if (!item.groups.empty()) {
      auto ps = params_of(item.groups[0]);
      if (!ps)
        return unexpected(ps.error());
      e.params = std::move(*ps);
    }
    out.push_back(std::move(e));
  }
  return out;
}

std::string to_string(const std::vector<event_with_params>& events) {
  std::string out;
  for (auto& e : events) {
    if (!out.empty())
      out += ", ";
    out += to_string(e.event);
    write_params(out, e.params);
  }
  return out;
}

} // namespace ivm::mgcp
