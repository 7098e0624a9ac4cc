#include "appliance/routing/rules.hpp"

#include <algorithm>
#include <cctype>

#include "appliance/routing/fields.hpp"

namespace ivm::routing {

using namespace fields;

namespace {

constexpr const char* presence_words[] = {
    "available", "away", "busy", "dnd", "on-the-phone", "offline"};

bool valid_pattern(std::string_view s) {
  if (s.empty() || s.size() > 64)
    return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '*' && i + 1 != s.size())
      return false;
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '*' &&
        c != '.' && c != '_' && c != '-')
      return false;
  }
  return true;
}

std::vector<std::string> strings_of(const json& j, const std::string& field,
                                    std::size_t max,
                                    bool (*ok)(std::string_view)) {
  if (!j.is_array() || j.size() > max)
    fail(field, "a list of at most " + std::to_string(max));
  std::vector<std::string> out;
  for (std::size_t i = 0; i < j.size(); ++i) {
    auto f = field + "[" + std::to_string(i) + "]";
    if (!j[i].is_string() || !ok(j[i].get<std::string>()))
      fail(f, "not allowed here");
    out.push_back(j[i].get<std::string>());
  }
  return out;
}

conditions conditions_of(const json& j, const std::string& f) {
  only(j, f,
       {"days", "time", "dates", "callers", "caller_is_contact", "presence",
        "schedule"});
  conditions c;
  if (j.contains("days")) {
    auto& d = j["days"];
    if (!d.is_array() || d.empty() || d.size() > 7)
      fail(f + ".days", "a list of days: [\"mon\", \"tue\", ...]");
    c.days = 0;
    for (std::size_t i = 0; i < d.size(); ++i)
      c.days |= static_cast<std::uint8_t>(
          1u << weekday_of(d[i], f + ".days[" + std::to_string(i) + "]"));
  }
  if (j.contains("time"))
    c.time = range_of(j["time"], f + ".time");
  if (j.contains("dates")) {
    auto& d = j["dates"];
    if (!d.is_array() || d.size() > 64)
      fail(f + ".dates", "a list of at most 64 dates or date ranges");
    for (std::size_t i = 0; i < d.size(); ++i)
      c.dates.push_back(
          dates_of(d[i], f + ".dates[" + std::to_string(i) + "]"));
  }
  if (j.contains("callers"))
    c.callers = strings_of(j["callers"], f + ".callers", 64, valid_pattern);
  if (j.contains("caller_is_contact")) {
    if (!j["caller_is_contact"].is_boolean())
      fail(f + ".caller_is_contact", "true or false");
    c.caller_is_contact = j["caller_is_contact"].get<bool>();
  }
  if (j.contains("presence"))
    c.presence =
        strings_of(j["presence"], f + ".presence", 6, [](std::string_view s) {
          return std::find(std::begin(presence_words), std::end(presence_words),
                           s) != std::end(presence_words);
        });
  if (j.contains("schedule")) {
    auto& s = j["schedule"];
    if (!s.is_string() || (s != "in" && s != "out"))
      fail(f + ".schedule", "\"in\" (working hours) or \"out\"");
    c.schedule = s.get<std::string>();
  }
  return c;
}

rule rule_of(const json& j, const std::string& f) {
  only(j, f,
       {"name", "enabled", "when", "action", "to", "fallback", "fallback_to",
        "timeout"});
  rule r;
  if (j.contains("name")) {
    if (!j["name"].is_string() || j["name"].get<std::string>().size() > 64)
      fail(f + ".name", "a text of up to 64 bytes");
    r.name = j["name"].get<std::string>();
  }
  if (j.contains("enabled")) {
    if (!j["enabled"].is_boolean())
      fail(f + ".enabled", "true or false");
    r.enabled = j["enabled"].get<bool>();
  }
  if (j.contains("when"))
    r.when = conditions_of(j["when"], f + ".when");
  auto act = j.contains("action") && j["action"].is_string()
                 ? action_of(j["action"].get<std::string>())
                 : std::nullopt;
  if (!act)
    fail(f + ".action",
         "ring, offer, forward, deflect, voicemail, ask, notify or decline");
  r.act = *act;
  auto to_of = [&](const char* key) {
    if (!j.contains(key))
      return std::string{};
    if (!j[key].is_string() || !valid_to(j[key].get<std::string>()))
      fail(f + "." + key,
           "a number or extension, or a destination of the profile "
           "(\"mobile\")");
    return j[key].get<std::string>();
  };
  r.to = to_of("to");
  bool needs_to = r.act == action::forward || r.act == action::deflect;
  if (needs_to && r.to.empty())
    fail(f + ".to", "where the call goes");
  if (!needs_to && !r.to.empty())
    fail(f + ".to", "only for forward and deflect");
  if (j.contains("fallback")) {
    auto fb = j["fallback"].is_string()
                  ? action_of(j["fallback"].get<std::string>())
                  : std::nullopt;
    if (!fb || *fb == action::offer || *fb == action::ask)
      fail(f + ".fallback",
           "ring, forward, deflect, voicemail, notify or decline");
    if (r.act != action::offer)
      fail(f + ".fallback", "only for offer (when the offer is not answered)");
    r.fallback = fb;
  }
  r.fallback_to = to_of("fallback_to");
  bool fb_needs_to = r.fallback && (*r.fallback == action::forward ||
                                    *r.fallback == action::deflect);
  if (fb_needs_to != !r.fallback_to.empty())
    fail(f + ".fallback_to",
         fb_needs_to ? "where the call goes" : "only with a forward fallback");
  if (j.contains("timeout")) {
    auto& t = j["timeout"];
    if (!t.is_number_unsigned() || t.get<std::uint64_t>() < 5 ||
        t.get<std::uint64_t>() > 300)
      fail(f + ".timeout", "seconds, 5 to 300");
    r.timeout_s = t.get<std::uint32_t>();
  }
  return r;
}

json conditions_json(const conditions& c) {
  json j = json::object();
  if (c.days != 0x7f) {
    auto d = json::array();
    for (int i = 0; i < 7; ++i)
      if (c.days & (1u << i))
        d.push_back(day_names[i]);
    j["days"] = d;
  }
  if (c.time)
    j["time"] = hhmm(c.time->from_min) + "-" + hhmm(c.time->to_min);
  if (!c.dates.empty()) {
    auto d = json::array();
    for (auto& r : c.dates)
      d.push_back(dates_text(r));
    j["dates"] = d;
  }
  if (!c.callers.empty())
    j["callers"] = c.callers;
  if (c.caller_is_contact)
    j["caller_is_contact"] = *c.caller_is_contact;
  if (!c.presence.empty())
    j["presence"] = c.presence;
  if (!c.schedule.empty())
    j["schedule"] = c.schedule;
  return j;
}

bool in_hours(const profile& p, const local_time& lt, std::int64_t day) {
  for (auto& e : p.exceptions)
    if (e.contains(day))
      return false;
  int minute = lt.hour * 60 + lt.minute;
  for (auto& r : p.hours[static_cast<std::size_t>(lt.weekday)])
    if (minute >= r.from_min && minute < r.to_min)
      return true;
  return false;
}

std::string resolve(const profile& p, const std::string& to) {
  if (to.empty() || !std::isalpha(static_cast<unsigned char>(to[0])))
    return to;
  auto it = p.destinations.find(to);
  return it == p.destinations.end() ? std::string{} : it->second;
}
} // namespace

std::string rules_key(std::string_view ext) {
  return "routing/rules/" + std::string{ext};
}

std::string profile_key(std::string_view ext) {
  return "routing/profile/" + std::string{ext};
}

bool time_range::contains(int minute) const {
  return from_min < to_min ? minute >= from_min && minute < to_min
                           : minute >= from_min || minute < to_min;
}

std::string_view to_string(action a) {
  switch (a) {
    case action::ring:
      return "ring";
    case action::offer:
      return "offer";
    case action::forward:
      return "forward";
    case action::deflect:
      return "deflect";
    case action::voicemail:
      return "voicemail";
    case action::ask:
      return "ask";
    case action::notify:
      return "notify";
    case action::decline:
      return "decline";
  }
  return "ring";
}

std::optional<action> action_of(std::string_view name) {
  for (auto a :
       {action::ring, action::offer, action::forward, action::deflect,
        action::voicemail, action::ask, action::notify, action::decline})
    if (to_string(a) == name)
      return a;
  return std::nullopt;
}

bool caller_matches(std::string_view pattern, std::string_view caller) {
  std::size_t i = 0;
  for (; i < pattern.size(); ++i) {
    if (pattern[i] == '*')
      return true;
    if (i >= caller.size())
      return false;
    char p = pattern[i], c = caller[i];
    if ((p == 'X' || p == 'x') && std::isdigit(static_cast<unsigned char>(c)))
      continue;
    if (std::tolower(static_cast<unsigned char>(p)) !=
        std::tolower(static_cast<unsigned char>(c)))
      return false;
  }
  return i == caller.size();
}

decision decide(const std::vector<rule>& rules, const profile& p,
                const call_facts& call, std::int64_t unix,
                const time_zone& tz) {
  auto lt = tz.to_local(unix);
  auto day = days_from_civil(lt.year, lt.month, lt.day);
  int minute = lt.hour * 60 + lt.minute;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    auto& r = rules[i];
    auto& c = r.when;
    if (!r.enabled || !(c.days & (1u << lt.weekday)))
      continue;
    if (c.time && !c.time->contains(minute))
      continue;
    if (!c.dates.empty() &&
        std::none_of(c.dates.begin(), c.dates.end(),
                     [day](auto& d) { return d.contains(day); }))
      continue;
    if (!c.callers.empty() &&
        std::none_of(c.callers.begin(), c.callers.end(), [&](auto& pat) {
          return caller_matches(pat, call.caller);
        }))
      continue;
    if (c.caller_is_contact && *c.caller_is_contact != call.caller_is_contact)
      continue;
    if (!c.presence.empty() && std::find(c.presence.begin(), c.presence.end(),
                                         call.presence) == c.presence.end())
      continue;
    if (!c.schedule.empty() && (c.schedule == "in") != in_hours(p, lt, day))
      continue;
    decision d;
    d.rule = static_cast<int>(i);
    d.rule_name = r.name;
    d.act = r.act;
    d.to = resolve(p, r.to);
    d.fallback = r.fallback;
    d.fallback_to = resolve(p, r.fallback_to);
    d.timeout_s = r.timeout_s;
    if (!r.to.empty() && d.to.empty())
      continue; // a destination the profile no longer has
    if (!r.fallback_to.empty() && d.fallback_to.empty())
      d.fallback.reset();
    return d;
  }
  return decision{};
}

expected<std::vector<rule>, field_error> parse_rules(std::string_view text) {
  auto j = json::parse(text, nullptr, false);
  try {
    if (j.is_discarded())
      fail("", "the body must be JSON");
    only(j, "", {"rules"});
    if (!j.contains("rules") || !j["rules"].is_array())
      fail("rules", "a list of rules");
    auto& list = j["rules"];
    if (list.size() > max_rules)
      fail("rules", "at most 32 rules");
    std::vector<rule> out;
    for (std::size_t i = 0; i < list.size(); ++i)
      out.push_back(rule_of(list[i], "rules[" + std::to_string(i) + "]"));
    return out;
  } catch (const bad& b) {
    return unexpected(b.e);
  }
}

std::string rules_json(const std::vector<rule>& rules) {
  auto list = json::array();
  for (auto& r : rules) {
    json j{{"name", r.name},
           {"enabled", r.enabled},
           {"when", conditions_json(r.when)},
           {"action", std::string{to_string(r.act)}},
           {"timeout", r.timeout_s}};
    if (!r.to.empty())
      j["to"] = r.to;
    if (r.fallback)
      j["fallback"] = std::string{to_string(*r.fallback)};
    if (!r.fallback_to.empty())
      j["fallback_to"] = r.fallback_to;
    list.push_back(j);
  }
  return json{{"rules", list}}.dump();
}

} // namespace ivm::routing
