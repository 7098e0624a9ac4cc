#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace ivm::metrics {

/// A monotonically increasing counter; thread-safe, cheap on hot paths.
class counter {
public:
  void inc(std::uint64_t n = 1) noexcept {
    value_.fetch_add(n, std::memory_order_relaxed);
  }
  std::uint64_t value() const noexcept {
    return value_.load(std::memory_order_relaxed);
  }

private:
  std::atomic<std::uint64_t> value_{0};
};

/// Named counters and gauges, rendered as Prometheus text exposition
/// (version 0.0.4). Every subsystem registers its own at start.
class registry {
public:
  /// Returns the counter `name` (created on first use). References stay
  /// valid for the registry's lifetime.
  counter& make_counter(const std::string& name, const std::string& help);

  /// Registers a gauge read by `fn` at render time (fn must be thread-safe).
  void make_gauge(const std::string& name, const std::string& help,
                  std::function<double()> fn);

  /// Appends every metric in registration order.
  void render(std::string& out) const;

  /// Every metric's name and current value, in registration order.
  std::vector<std::pair<std::string, double>> snapshot() const;

private:
  struct entry {
    std::string name;
    std::string help;
    bool is_counter;
    counter value;
    std::function<double()> gauge;
  };
  mutable std::mutex mtx_;
  std::deque<entry> entries_;
};

/// Appends one metric in text exposition format.
void append(std::string& out, const std::string& name, const std::string& help,
            const char* type, double value);

} // namespace ivm::metrics
