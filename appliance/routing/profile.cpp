#include "appliance/routing/fields.hpp"

#include <algorithm>
#include <cctype>

#include "appliance/sip/digest/algorithm.hpp"

namespace ivm::routing {

using namespace fields;

bool profile::has_hours() const {
  return std::any_of(hours.begin(), hours.end(),
                     [](auto& d) { return !d.empty(); });
}

std::string hash_pin(std::string_view pin, std::string_view salt) {
  return std::string{salt} + "$" +
         sip::digest::hash_hex(sip::digest::algorithm::sha256,
                               std::string{salt} + std::string{pin});
}

bool pin_matches(const profile& p, std::string_view pin) {
  auto dollar = p.pin_hash.find('$');
  if (dollar == std::string::npos)
    return false;
  auto want = hash_pin(pin, std::string_view{p.pin_hash}.substr(0, dollar));
  // Constant time over the stored hash's length.
  if (want.size() != p.pin_hash.size())
    return false;
  unsigned diff = 0;
  for (std::size_t i = 0; i < want.size(); ++i)
    diff |= static_cast<unsigned char>(want[i] ^ p.pin_hash[i]);
  return diff == 0;
}

namespace {

json profile_doc(const profile& p) {
  json hours = json::object();
  for (int d = 0; d < 7; ++d)
    if (!p.hours[d].empty()) {
      auto list = json::array();
      for (auto& r : p.hours[d])
        list.push_back(hhmm(r.from_min) + "-" + hhmm(r.to_min));
      hours[day_names[d]] = list;
    }
  auto exc = json::array();
  for (auto& e : p.exceptions)
    exc.push_back(dates_text(e));
  return json{{"email", p.email},
              {"destinations", p.destinations},
              {"hours", hours},
              {"exceptions", exc},
              {"delivery", p.delivery}};
}

void read_profile(const json& j, profile& p, std::string_view salt) {
  only(j, "",
       {"pin", "email", "destinations", "hours", "exceptions", "delivery"});
  if (j.contains("pin")) {
    auto& pin = j["pin"];
    auto s = pin.is_string() ? pin.get<std::string>() : std::string{"x"};
    if (!s.empty() && (s.size() < 4 || s.size() > 12 ||
                       !std::all_of(s.begin(), s.end(), [](char c) {
                         return std::isdigit(static_cast<unsigned char>(c));
                       })))
      fail("pin", "4 to 12 digits, or \"\" for none");
    p.pin_hash = s.empty() ? std::string{} : hash_pin(s, salt);
  }
  if (j.contains("email")) {
    auto& e = j["email"];
    auto s = e.is_string() ? e.get<std::string>() : std::string{"@"};
    auto at = s.find('@');
    if (!s.empty() &&
        (s.size() > 254 || at == 0 || at == std::string::npos ||
         at + 1 >= s.size() || s.find('@', at + 1) != std::string::npos ||
         std::any_of(s.begin(), s.end(), [](char c) {
           return static_cast<unsigned char>(c) <= ' ' || c == '<' ||
                  c == '>' || c == ',' || c == ';' || c == '"' || c == 0x7f;
         })))
      fail("email", "an address like bob@example.com, or \"\"");
    p.email = s;
  }
  if (j.contains("destinations")) {
    auto& d = j["destinations"];
    if (!d.is_object() || d.size() > 8)
      fail("destinations", "an object of at most 8: {\"mobile\": \"0171...\"}");
    p.destinations.clear();
    for (auto& [k, v] : d.items()) {
      bool name_ok = valid_to(k) && std::isalpha((unsigned char)k[0]);
      if (!name_ok)
        fail("destinations", "a name of lower-case letters: " + k);
      if (!v.is_string() || !valid_to(v.get<std::string>()) ||
          std::isalpha((unsigned char)v.get<std::string>()[0]))
        fail("destinations." + k, "a number");
      p.destinations[k] = v.get<std::string>();
    }
  }
  if (j.contains("hours")) {
    auto& h = j["hours"];
    if (!h.is_object())
      fail("hours", "an object: {\"mon\": [\"08:00-17:00\"], ...}");
    profile fresh;
    for (auto& [k, v] : h.items()) {
      int d = weekday_of(json(k), "hours." + k);
      if (!v.is_array() || v.size() > 8)
        fail("hours." + k, "a list of at most 8 time ranges");
      for (std::size_t i = 0; i < v.size(); ++i) {
        auto f = "hours." + k + "[" + std::to_string(i) + "]";
        auto r = range_of(v[i], f);
        if (r.to_min <= r.from_min)
          fail(f, "within one day (the end after the start)");
        fresh.hours[d].push_back(r);
      }
    }
    p.hours = fresh.hours;
  }
  if (j.contains("exceptions")) {
    auto& e = j["exceptions"];
    if (!e.is_array() || e.size() > 64)
      fail("exceptions", "a list of at most 64 dates or date ranges");
    p.exceptions.clear();
    for (std::size_t i = 0; i < e.size(); ++i)
      p.exceptions.push_back(
          dates_of(e[i], "exceptions[" + std::to_string(i) + "]"));
  }
  if (j.contains("delivery")) {
    auto& d = j["delivery"];
    if (!d.is_string() || (d != "im-then-email" && d != "im" && d != "email"))
      fail("delivery", "im-then-email, im or email");
    p.delivery = d.get<std::string>();
  }
}

} // namespace

expected<profile, field_error> parse_profile(std::string_view text,
                                             const profile& base,
                                             std::string_view salt) {
  auto j = json::parse(text, nullptr, false);
  try {
    if (j.is_discarded() || !j.is_object())
      fail("", "the body must be a JSON object");
    auto p = base;
    read_profile(j, p, salt);
    return p;
  } catch (const bad& b) {
    return unexpected(b.e);
  }
}

std::string profile_json(const profile& p) {
  auto j = profile_doc(p);
  j["pin_set"] = !p.pin_hash.empty();
  return j.dump();
}

std::string encode_profile(const profile& p) {
  auto j = profile_doc(p);
  j["pin_hash"] = p.pin_hash;
  return j.dump();
}

profile decode_profile(std::string_view stored) {
  profile p;
  auto j = json::parse(stored, nullptr, false);
  if (!j.is_object())
    return p;
  auto hash = j.value("pin_hash", std::string{});
  j.erase("pin_hash");
  try {
    read_profile(j, p, "");
  } catch (const bad&) {
    return profile{};
  }
  p.pin_hash = hash;
  return p;
}

} // namespace ivm::routing
