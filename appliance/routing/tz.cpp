#include "appliance/routing/tz.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <tuple>

namespace ivm::routing {

std::int64_t days_from_civil(int year, int month, int day) {
  // Years from March (the leap day last), in 400-year eras of 146097 days.
  std::int64_t y = static_cast<std::int64_t>(year) - (month <= 2 ? 1 : 0);
  std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  std::int64_t yoe = y - era * 400;
  std::int64_t mp = (month + 9) % 12; // March = 0
  std::int64_t doy = (153 * mp + 2) / 5 + day - 1;
  std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void civil_from_days(std::int64_t days, int& year, int& month, int& day) {
  days += 719468;
  std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  std::int64_t doe = days - era * 146097;
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  std::int64_t mp = (5 * doy + 2) / 153;
  day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
}

namespace {

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

bool leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

struct reader {
  std::string_view s;
  std::size_t pos = 0;
  bool eof() const {
    return pos >= s.size();
  }
  char peek() const {
    return eof() ? '\0' : s[pos];
  }
  bool digit() const {
    return !eof() && std::isdigit(static_cast<unsigned char>(s[pos]));
  }
  std::optional<int> number(int max_digits) {
    if (!digit())
      return std::nullopt;
    int v = 0, n = 0;
    while (digit() && n < max_digits) {
      v = v * 10 + (s[pos++] - '0');
      ++n;
    }
    return v;
  }
  // A zone abbreviation: 3+ letters, or <...> with letters, digits, + -.
  bool name() {
    std::size_t start = pos;
    if (peek() == '<') {
      ++pos;
      while (!eof() && peek() != '>')
        ++pos;
      if (eof())
        return false;
      ++pos;
      return pos - start >= 5;
    }
    while (!eof() && std::isalpha(static_cast<unsigned char>(peek())))
      ++pos;
    return pos - start >= 3;
  }
  // [+-]hh[:mm[:ss]], hours up to 167 (RFC 8536 §3.3.1 extension).
  std::optional<int> seconds() {
    int sign = 1;
    if (peek() == '+' || peek() == '-')
      sign = s[pos++] == '-' ? -1 : 1;
    auto h = number(3);
    if (!h || *h > 167)
      return std::nullopt;
    int v = *h * 3600;
    for (int mul : {60, 1}) {
      if (peek() != ':')
        break;
      ++pos;
      auto x = number(2);
      if (!x || *x > 59)
        return std::nullopt;
      v += *x * mul;
    }
    return sign * v;
  }
  std::optional<posix_tz::transition> rule() {
    posix_tz::transition t;
    if (peek() == 'M') {
      ++pos;
      auto m = number(2);
      if (!m || *m < 1 || *m > 12 || peek() != '.')
        return std::nullopt;
      ++pos;
      auto w = number(1);
      if (!w || *w < 1 || *w > 5 || peek() != '.')
        return std::nullopt;
      ++pos;
      auto d = number(1);
      if (!d || *d > 6)
        return std::nullopt;
      t.kind = 'M';
      t.month = *m;
      t.week = *w;
      t.weekday = *d;
    } else {
      bool julian = peek() == 'J';
      if (julian)
        ++pos;
      auto n = number(3);
      if (!n || (julian ? (*n < 1 || *n > 365) : *n > 365))
        return std::nullopt;
      t.kind = julian ? 'J' : 'D';
      t.day = *n;
    }
    if (peek() == '/') {
      ++pos;
      auto s = seconds();
      if (!s)
        return std::nullopt;
      t.time_s = *s;
    }
    return t;
  }
};

// The day (days since the epoch) of a rule's change in `year`.
std::int64_t rule_day(const posix_tz::transition& t, int year) {
  auto jan1 = days_from_civil(year, 1, 1);
  if (t.kind == 'J') // 1..365, February 29 never counted
    return jan1 + t.day - 1 + (leap(year) && t.day >= 60 ? 1 : 0);
  if (t.kind == 'D')
    return jan1 + t.day;
  auto first = days_from_civil(year, t.month, 1);
  int first_wd = static_cast<int>(((first % 7) + 11) % 7); // 1970-01-01: Thu
  auto day = first + (t.weekday - first_wd + 7) % 7 + 7 * (t.week - 1);
  int y = 0, m = 0, d = 0;
  civil_from_days(day, y, m, d);
  while (m != t.month) { // week 5: the last such weekday of the month
    day -= 7;
    civil_from_days(day, y, m, d);
  }
  return day;
}

} // namespace

std::optional<posix_tz> posix_tz::parse(std::string_view text) {
  reader r{text};
  posix_tz z;
  if (!r.name())
    return std::nullopt;
  auto std_off = r.seconds();
  if (!std_off)
    return std::nullopt;
  z.std_offset_s = -*std_off;
  if (r.eof())
    return z;
  if (!r.name())
    return std::nullopt;
  z.has_dst = true;
  z.dst_offset_s = z.std_offset_s + 3600;
  if (r.peek() != ',') {
    auto d = r.seconds();
    if (!d)
      return std::nullopt;
    z.dst_offset_s = -*d;
  }
  // Without rules POSIX leaves the dates to the implementation: the US
  // rules, as glibc and tzcode assume.
  z.start = transition{'M', 3, 2, 0, 0, 7200};
  z.end = transition{'M', 11, 1, 0, 0, 7200};
  if (r.eof())
    return z;
  if (r.peek() != ',')
    return std::nullopt;
  ++r.pos;
  auto a = r.rule();
  if (!a || r.peek() != ',')
    return std::nullopt;
  ++r.pos;
  auto b = r.rule();
  if (!b || !r.eof())
    return std::nullopt;
  z.start = *a;
  z.end = *b;
  return z;
}

std::pair<int, bool> posix_tz::offset_at(std::int64_t unix) const {
  if (!has_dst)
    return {std_offset_s, false};
  int year = 0, m = 0, d = 0;
  civil_from_days(floor_div(unix + std_offset_s, 86400), year, m, d);
  // The changes of the year `unix` falls in (standard local time): north
  // of the equator daylight time lies between them, south around them. A
  // zone on daylight time all year ("EST5EDT,0/0,J365/25") starts at New
  // Year and ends after the year's last day.
  auto s = rule_day(start, year) * 86400 + start.time_s - std_offset_s;
  auto e = rule_day(end, year) * 86400 + end.time_s - dst_offset_s;
  bool in_dst = s < e ? (unix >= s && unix < e) : (unix < e || unix >= s);
  return {in_dst ? dst_offset_s : std_offset_s, in_dst};
}

namespace {

struct bytes_in {
  std::string_view s;
  std::size_t pos = 0;
  bool ok = true;
  std::uint64_t be(int n) {
    if (pos + n > s.size()) {
      ok = false;
      return 0;
    }
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i)
      v = (v << 8) | static_cast<unsigned char>(s[pos++]);
    return v;
  }
  void skip(std::size_t n) {
    if (pos + n > s.size())
      ok = false;
    else
      pos += n;
  }
};

struct header {
  int version = 0;
  std::uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

bool read_header(bytes_in& in, header& h) {
  if (in.s.size() - in.pos < 44 || in.s.substr(in.pos, 4) != "TZif")
    return false;
  in.pos += 4;
  char v = in.s[in.pos++];
  h.version = v == '\0' ? 1 : v - '0';
  if (h.version < 1 || h.version > 9)
    return false;
  in.skip(15);
  h.isutcnt = static_cast<std::uint32_t>(in.be(4));
  h.isstdcnt = static_cast<std::uint32_t>(in.be(4));
  h.leapcnt = static_cast<std::uint32_t>(in.be(4));
  h.timecnt = static_cast<std::uint32_t>(in.be(4));
  h.typecnt = static_cast<std::uint32_t>(in.be(4));
  h.charcnt = static_cast<std::uint32_t>(in.be(4));
  return in.ok && h.typecnt >= 1 && h.typecnt <= 256 &&
         (h.isutcnt == 0 || h.isutcnt == h.typecnt) &&
         (h.isstdcnt == 0 || h.isstdcnt == h.typecnt) && h.timecnt <= 100000 &&
         h.leapcnt <= 100000 && h.charcnt <= 100000;
}

std::size_t block_size(const header& h, int time_size) {
  return static_cast<std::size_t>(h.timecnt) * (time_size + 1) + h.typecnt * 6 +
         h.charcnt + h.leapcnt * (time_size + 4) + h.isstdcnt + h.isutcnt;
}

} // namespace

expected<time_zone, std::string> time_zone::from_tzif(std::string_view bytes) {
  bytes_in in{bytes};
  header h;
  if (!read_header(in, h))
    return unexpected(std::string{"not a TZif file"});
  int time_size = 4;
  if (h.version >= 2) { // skip the 32-bit block: the 64-bit one follows
    in.skip(block_size(h, 4));
    if (!in.ok || !read_header(in, h))
      return unexpected(std::string{"TZif: truncated"});
    time_size = 8;
  }
  time_zone z;
  z.at_.reserve(h.timecnt);
  for (std::uint32_t i = 0; i < h.timecnt; ++i) {
    auto v = in.be(time_size);
    auto t = time_size == 8
                 ? static_cast<std::int64_t>(v)
                 : static_cast<std::int64_t>(static_cast<std::int32_t>(v));
    if (!z.at_.empty() && t <= z.at_.back())
      return unexpected(std::string{"TZif: transitions out of order"});
    z.at_.push_back(t);
  }
  for (std::uint32_t i = 0; i < h.timecnt; ++i) {
    auto idx = in.be(1);
    if (idx >= h.typecnt)
      return unexpected(std::string{"TZif: a transition names no type"});
    z.type_.push_back(static_cast<std::uint8_t>(idx));
  }
  z.types_.clear();
  for (std::uint32_t i = 0; i < h.typecnt; ++i) {
    auto off = static_cast<std::int32_t>(in.be(4));
    auto dst = in.be(1);
    in.be(1); // abbreviation index
    if (off < -89999 || off > 93599 || dst > 1)
      return unexpected(std::string{"TZif: a bad local time type"});
    z.types_.push_back(type{off, dst == 1});
  }
  in.skip(h.charcnt + h.leapcnt * (time_size + 4) + h.isstdcnt + h.isutcnt);
  if (!in.ok)
    return unexpected(std::string{"TZif: truncated"});
  if (h.version >= 2) {
    if (in.be(1) != '\n' || !in.ok)
      return unexpected(std::string{"TZif: no footer"});
    auto end = bytes.find('\n', in.pos);
    if (end == std::string_view::npos)
      return unexpected(std::string{"TZif: unterminated footer"});
    auto footer = bytes.substr(in.pos, end - in.pos);
    if (!footer.empty()) {
      z.footer_ = posix_tz::parse(footer);
      if (!z.footer_)
        return unexpected("TZif: a footer not understood: " +
                          std::string{footer});
    }
  }
  return z;
}

bool time_zone::valid_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '/' ||
      name.find("..") != std::string_view::npos)
    return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '/' && c != '_' &&
        c != '-' && c != '+')
      return false;
  return true;
}

expected<time_zone, std::string> time_zone::load(std::string_view name,
                                                 const std::string& dir) {
  if (!valid_name(name))
    return unexpected("not a time zone name: " + std::string{name});
  std::ifstream f(dir + "/" + std::string{name}, std::ios::binary);
  if (!f)
    return unexpected("no such time zone: " + std::string{name});
  std::ostringstream all;
  all << f.rdbuf();
  auto text = all.str();
  if (text.size() > 1 << 20)
    return unexpected("no such time zone: " + std::string{name});
  return from_tzif(text);
}

local_time time_zone::to_local(std::int64_t unix) const {
  int offset = 0;
  bool dst = false;
  if (!at_.empty() && unix >= at_.back() && footer_) {
    std::tie(offset, dst) = footer_->offset_at(unix);
  } else if (at_.empty() || unix < at_.front()) {
    // Before the first transition: the first standard-time type (RFC 8536
    // §3.2 says type 0).
    offset = types_.front().offset_s;
    dst = types_.front().dst;
    if (at_.empty() && footer_)
      std::tie(offset, dst) = footer_->offset_at(unix);
  } else {
    auto it = std::upper_bound(at_.begin(), at_.end(), unix);
    auto& t = types_[type_[static_cast<std::size_t>(it - at_.begin()) - 1]];
    offset = t.offset_s;
    dst = t.dst;
  }
  local_time lt;
  lt.offset_s = offset;
  lt.dst = dst;
  auto local = unix + offset;
  auto days = floor_div(local, 86400);
  auto secs = local - days * 86400;
  civil_from_days(days, lt.year, lt.month, lt.day);
  lt.hour = static_cast<int>(secs / 3600);
  lt.minute = static_cast<int>(secs / 60 % 60);
  lt.second = static_cast<int>(secs % 60);
  lt.weekday = static_cast<int>(((days % 7) + 11) % 7);
  return lt;
}

std::optional<std::int64_t> parse_instant(std::string_view s,
                                          const time_zone& tz) {
  bool utc = !s.empty() && s.back() == 'Z';
  if (utc)
    s.remove_suffix(1);
  if ((s.size() != 16 && s.size() != 19) || s[4] != '-' || s[7] != '-' ||
      s[10] != 'T' || s[13] != ':' || (s.size() == 19 && s[16] != ':'))
    return std::nullopt;
  auto num = [&](std::size_t at, std::size_t n) {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(s[i])))
        return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  int y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2),
      mi = num(14, 2), sec = s.size() == 19 ? num(17, 2) : 0;
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 ||
      mi > 59 || sec < 0 || sec > 59)
    return std::nullopt;
  auto days = days_from_civil(y, mo, d);
  int yy = 0, mm = 0, dd = 0;
  civil_from_days(days, yy, mm, dd);
  if (yy != y || mm != mo || dd != d) // February 30th
    return std::nullopt;
  std::int64_t wall = days * 86400 + h * 3600 + mi * 60 + sec;
  if (utc)
    return wall;
  auto t = wall - tz.to_local(wall).offset_s;
  return wall - tz.to_local(t).offset_s;
}

std::string iso_text(const local_time& t) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d",
                t.year % 10000, t.month % 100, t.day % 100, t.hour % 100,
                t.minute % 100, t.second % 100);
  return buf;
}

} // namespace ivm::routing
