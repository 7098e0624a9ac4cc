// Fuzzes what call routing reads (issue 18): TZif zone files, POSIX TZ
// strings, and the rules and profile documents users and admins send. What
// reads must give local times in range; rules that parse must write back to
// the same document and decide without failing.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "appliance/routing/rules.hpp"
#include "appliance/routing/tz.hpp"

namespace routing = ivm::routing;

namespace {

void check(bool condition) {
  if (!condition)
    std::abort();
}

void local_times(const routing::time_zone& z) {
  for (std::int64_t t :
       {std::int64_t{-2208988800}, std::int64_t{0}, std::int64_t{1796666400},
        std::int64_t{2374102800}, std::int64_t{4102444800}}) {
    auto lt = z.to_local(t);
    check(lt.month >= 1 && lt.month <= 12 && lt.day >= 1 && lt.day <= 31);
    check(lt.hour >= 0 && lt.hour < 24 && lt.minute >= 0 && lt.minute < 60);
    check(lt.weekday >= 0 && lt.weekday < 7);
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in{reinterpret_cast<const char*>(data), size};
  if (auto z = routing::time_zone::from_tzif(in))
    local_times(*z);
  if (auto p = routing::posix_tz::parse(in)) {
    routing::time_zone utc;
    (void)p->offset_at(1796666400);
    (void)p->offset_at(-1);
    local_times(utc);
  }
  if (auto rules = routing::parse_rules(in)) {
    auto text = routing::rules_json(*rules);
    auto again = routing::parse_rules(text);
    check(again && routing::rules_json(*again) == text);
    routing::profile none;
    (void)routing::decide(*rules, none, {"201", true, "dnd"}, 1796666400,
                          routing::time_zone{});
  }
  if (auto p = routing::parse_profile(in, routing::profile{}, "salt")) {
    auto back = routing::decode_profile(routing::encode_profile(*p));
    check(routing::profile_json(back) == routing::profile_json(*p));
  }
  return 0;
}
