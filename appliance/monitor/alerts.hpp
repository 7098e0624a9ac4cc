#pragma once

// The alerts an admin sees on the console, raised by comparing successive
// samples of the box's figures: another DHCP server answering, a storm of
// failed sign-ins, the disk filling, storage failing, phones
// de-registering in bulk. A condition that holds raises one alert, not one
// per sample; once it clears it may raise again. At most 100 are kept.

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ivm::monitor {

struct sample {
  /// Seconds on a steady clock.
  double t_s = 0;
  /// Metric name -> value (the registry's snapshot).
  std::map<std::string, double> metrics;
  /// Free share of the data dir's file system, 0..1.
  double disk_free = 1.0;
  bool storage_ok = true;
  /// Registered bindings (phones), negative when not known.
  std::int64_t registered = -1;
};

struct alert {
  std::uint64_t id = 0;
  /// "rogue_dhcp", "sign_in_storm", "disk", "storage", "deregistration".
  std::string kind;
  std::string text;
  /// RFC 3339, as given to `observe`.
  std::string raised;
  bool acknowledged = false;
};

class alert_book {
public:
  /// Refused sign-ins within `storm_window_s` that make a storm.
  static constexpr double storm = 20;
  static constexpr double storm_window_s = 60;

  /// Looks at `now` against the previous sample; returns the alerts it
  /// raised (also kept in `all()`).
  std::vector<alert> observe(const sample& now, const std::string& when);

  /// Marks alert `id` seen; false if there is none.
  bool acknowledge(std::uint64_t id);

  const std::deque<alert>& all() const noexcept {
    return alerts_;
  }

  std::size_t unacknowledged() const noexcept;

private:
  void raise(std::vector<alert>& out, const std::string& kind, std::string text,
             const std::string& when);
  /// A condition alert: raised when `holds` starts, re-armed when it ends.
  void condition(std::vector<alert>& out, const std::string& kind, bool holds,
                 std::string text, const std::string& when);

  std::optional<sample> prev_;
  /// (time, refused sign-ins so far) of the last minute's samples.
  std::deque<std::pair<double, double>> failures_;
  std::set<std::string> holding_;
  std::deque<alert> alerts_;
  std::uint64_t next_id_ = 1;
};

} // namespace ivm::monitor
