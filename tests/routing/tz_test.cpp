// Local time from the IANA database as Debian ships it (tzdata), checked
// against Python's zoneinfo for the same instants (values in the comments).

#include "appliance/routing/tz.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace ivm::routing;

namespace {

time_zone zone(const char* name) {
  auto z = time_zone::load(name);
  EXPECT_TRUE(z) << name << ": " << (z ? "" : z.error());
  return z ? *z : time_zone{};
}

std::string text(const local_time& t) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d %+d w%d%s",
                t.year, t.month, t.day, t.hour, t.minute, t.second,
                t.offset_s / 60, t.weekday, t.dst ? " dst" : "");
  return buf;
}

} // namespace

TEST(tz, civil_days_round_trip_and_known_days) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
  EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
  for (std::int64_t d = -800000; d < 800000; d += 97) {
    int y = 0, m = 0, day = 0;
    civil_from_days(d, y, m, day);
    ASSERT_EQ(days_from_civil(y, m, day), d);
  }
}

TEST(tz, berlin_changes_in_march_and_october_2026) {
  auto z = zone("Europe/Berlin");
  // 2026-03-29 00:59:59 UTC and one second later.
  EXPECT_EQ(text(z.to_local(1774745999)), "2026-03-29 01:59:59 +60 w0");
  EXPECT_EQ(text(z.to_local(1774746000)), "2026-03-29 03:00:00 +120 w0 dst");
  EXPECT_EQ(text(z.to_local(1792889999)), "2026-10-25 02:59:59 +120 w0 dst");
  EXPECT_EQ(text(z.to_local(1792890000)), "2026-10-25 02:00:00 +60 w0");
}

TEST(tz, after_the_table_the_footer_rule_decides) {
  // 2045 lies beyond the transitions Debian's files list (2037): the POSIX
  // string "CET-1CEST,M3.5.0,M10.5.0/3" rules.
  auto z = zone("Europe/Berlin");
  EXPECT_EQ(text(z.to_local(2374102799)), "2045-03-26 01:59:59 +60 w0");
  EXPECT_EQ(text(z.to_local(2374102800)), "2045-03-26 03:00:00 +120 w0 dst");
  EXPECT_EQ(text(z.to_local(2392851599)), "2045-10-29 02:59:59 +120 w0 dst");
  EXPECT_EQ(text(z.to_local(2392851600)), "2045-10-29 02:00:00 +60 w0");
  // South of the equator daylight time spans New Year.
  auto syd = zone("Australia/Sydney");
  EXPECT_EQ(text(syd.to_local(2374675199)), "2045-04-02 02:59:59 +660 w0 dst");
  EXPECT_EQ(text(syd.to_local(2374675200)), "2045-04-02 02:00:00 +600 w0");
}

TEST(tz, other_zones) {
  EXPECT_EQ(text(zone("America/New_York").to_local(1772953199)),
            "2026-03-08 01:59:59 -300 w0");
  EXPECT_EQ(text(zone("America/New_York").to_local(1772953200)),
            "2026-03-08 03:00:00 -240 w0 dst");
  EXPECT_EQ(text(zone("Asia/Kolkata").to_local(1796666400)),
            "2026-12-07 23:30:00 +330 w1");
  EXPECT_EQ(text(zone("America/Sao_Paulo").to_local(1767268800)),
            "2026-01-01 09:00:00 -180 w4");
  EXPECT_EQ(text(time_zone{}.to_local(0)), "1970-01-01 00:00:00 +0 w4");
  EXPECT_EQ(text(time_zone{}.to_local(-1)), "1969-12-31 23:59:59 +0 w3");
}

TEST(tz, posix_strings) {
  auto cet = posix_tz::parse("CET-1CEST,M3.5.0,M10.5.0/3");
  ASSERT_TRUE(cet);
  EXPECT_EQ(cet->std_offset_s, 3600);
  EXPECT_EQ(cet->dst_offset_s, 7200);
  EXPECT_EQ(cet->end.time_s, 3 * 3600);
  auto iran = posix_tz::parse("<+0330>-3:30");
  ASSERT_TRUE(iran);
  EXPECT_EQ(iran->std_offset_s, 3 * 3600 + 1800);
  EXPECT_FALSE(iran->has_dst);
  // Daylight time all year (RFC 8536 §3.3.1's example).
  auto always = posix_tz::parse("EST5EDT,0/0,J365/25");
  ASSERT_TRUE(always);
  EXPECT_EQ(always->offset_at(1767268800).first, -4 * 3600);
  EXPECT_EQ(always->offset_at(1782000000).first, -4 * 3600);
  for (auto bad : {"", "C-1", "CET", "CET-1CEST,M13.5.0,M10.5.0",
                   "CET-1CEST,M3.6.0,M10.5.0", "CET-1CEST,M3.5.7,M10.5.0",
                   "CET-1CEST,M3.5.0", "CET-1CEST,M3.5.0,M10.5.0/x", "<+03-3",
                   "CET-200", "CET-1CEST,J0,J365"})
    EXPECT_FALSE(posix_tz::parse(bad)) << bad;
}

TEST(tz, bad_names_and_bad_files_are_refused) {
  for (auto name : {"../../etc/passwd", "/etc/passwd", "", "Europe/Ber lin",
                    "Europe\\Berlin"})
    EXPECT_FALSE(time_zone::load(name)) << name;
  EXPECT_FALSE(time_zone::load("Mars/Olympus_Mons"));
  EXPECT_TRUE(time_zone::valid_name("Etc/GMT+5"));
  EXPECT_FALSE(time_zone::from_tzif("not a zone file at all, really not"));
  // Every truncation of a real file is an error, never a crash.
  std::ifstream f("/usr/share/zoneinfo/Europe/Berlin", std::ios::binary);
  std::ostringstream all;
  all << f.rdbuf();
  auto bytes = all.str();
  ASSERT_GT(bytes.size(), 1000u);
  for (std::size_t n = 0; n + 1 < bytes.size(); ++n)
    EXPECT_FALSE(time_zone::from_tzif(bytes.substr(0, n))) << n;
  // Flipped bytes: read or refused, never a crash.
  for (std::size_t i = 0; i < bytes.size(); i += 7) {
    auto copy = bytes;
    copy[i] = static_cast<char>(copy[i] ^ 0x5a);
    (void)time_zone::from_tzif(copy);
  }
}

TEST(tz, instants_in_local_time_and_utc) {
  auto z = zone("Europe/Berlin");
  EXPECT_EQ(parse_instant("2026-12-07T23:30", z), 1796682600);    // +01:00
  EXPECT_EQ(parse_instant("2026-07-07T22:30:00", z), 1783456200); // +02:00
  EXPECT_EQ(parse_instant("2026-12-07T22:30:00Z", z), 1796682600);
  EXPECT_EQ(iso_text(z.to_local(1796682600)), "2026-12-07T23:30:00");
  for (auto bad : {"", "tomorrow", "2026-02-30T10:00", "2026-12-07 10:00",
                   "2026-12-07T24:00", "2026-12-07T10:60", "1969-12-31T10:00",
                   "2026-12-07T10:00+01:00", "2026-12-07T10:00:0Z"})
    EXPECT_FALSE(parse_instant(bad, z)) << bad;
}
