#pragma once

// Local time in a time zone of the IANA database, read from its TZif file
// (RFC 8536: versions 1 to 4, the 64-bit data and the POSIX TZ string that
// rules the times after the last transition). Pure: the bytes come in, no
// global TZ or localtime_r. Used by the call-routing rules (issue 18).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/common/expected.hpp"

namespace ivm::routing {

/// A civil date and time of day, and the offset from UTC in force.
struct local_time {
  int year = 1970;
  int month = 1; ///< 1..12
  int day = 1;   ///< 1..31
  int hour = 0;
  int minute = 0;
  int second = 0;
  int weekday = 4;  ///< 0 Sunday .. 6 Saturday
  int offset_s = 0; ///< local = UTC + offset
  bool dst = false;
};

/// Days since 1970-01-01 of a proleptic Gregorian date, and back.
std::int64_t days_from_civil(int year, int month, int day);
void civil_from_days(std::int64_t days, int& year, int& month, int& day);

/// A POSIX TZ rule ("CET-1CEST,M3.5.0,M10.5.0/3"), as in TZif footers.
struct posix_tz {
  struct transition {
    char kind = 'M'; ///< 'M' month.week.day, 'J' Julian 1..365, 'D' 0..365
    int month = 0, week = 0, weekday = 0, day = 0;
    int time_s = 7200; ///< local time of day of the change (may be <0, >24h)
  };
  int std_offset_s = 0; ///< local = UTC + offset (the TZ string's sign flipped)
  bool has_dst = false;
  int dst_offset_s = 0;
  transition start, end;

  static std::optional<posix_tz> parse(std::string_view text);
  /// The offset at `unix` and whether it is daylight time.
  std::pair<int, bool> offset_at(std::int64_t unix) const;
};

class time_zone {
public:
  /// UTC.
  time_zone() = default;
  /// Reads TZif bytes; the error says what is wrong.
  static expected<time_zone, std::string> from_tzif(std::string_view bytes);
  /// Reads `dir`/`name` ("Europe/Berlin"); names with "..", a leading '/'
  /// or characters outside A-Z a-z 0-9 / _ - + are refused.
  static expected<time_zone, std::string>
  load(std::string_view name, const std::string& dir = "/usr/share/zoneinfo");
  /// Whether `name` is acceptable to `load` (the file may still be missing).
  static bool valid_name(std::string_view name);

  local_time to_local(std::int64_t unix) const;

private:
  std::vector<std::int64_t> at_;   ///< transition instants, ascending
  std::vector<std::uint8_t> type_; ///< the type in force from at_[i]
  struct type {
    int offset_s;
    bool dst;
  };
  std::vector<type> types_{type{0, false}};
  std::optional<posix_tz> footer_;
};

/// "2026-12-24T10:00[:SS]" in `tz`'s local time, or with a final "Z" in
/// UTC, as seconds since the epoch; nullopt for anything else (a date that
/// does not exist included). A local time skipped or repeated by a change
/// takes the offset in force just after it.
std::optional<std::int64_t> parse_instant(std::string_view text,
                                          const time_zone& tz);

/// "2026-12-24T10:00:00" (no zone).
std::string iso_text(const local_time& t);

} // namespace ivm::routing
