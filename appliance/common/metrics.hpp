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

/// A number that goes up and down (sessions open, calls up), shared by
/// every actor that changes it; thread-safe.
class level {
public:
  void add(std::int64_t n = 1) noexcept {
    value_.fetch_add(n, std::memory_order_relaxed);
  }
  void sub(std::int64_t n = 1) noexcept {
    value_.fetch_sub(n, std::memory_order_relaxed);
  }
  std::int64_t value() const noexcept {
    return value_.load(std::memory_order_relaxed);
  }

private:
  std::atomic<std::int64_t> value_{0};
};

/// Holds one unit of a level while it lives (a session open).
class level_hold {
public:
  level_hold() = default;
  explicit level_hold(level& l) noexcept : l_(&l) {
    l.add();
  }
  level_hold(level_hold&& other) noexcept
    : l_(std::exchange(other.l_, nullptr)) {
    // nop
  }
  level_hold& operator=(level_hold&& other) noexcept {
    if (this != &other) {
      reset();
      l_ = std::exchange(other.l_, nullptr);
    }
    return *this;
  }
  level_hold(const level_hold&) = delete;
  level_hold& operator=(const level_hold&) = delete;
  ~level_hold() {
    reset();
  }
  void reset() noexcept {
    if (l_ != nullptr)
      l_->sub();
    l_ = nullptr;
  }

private:
  level* l_ = nullptr;
};

/// Named counters and gauges, rendered as Prometheus text exposition
/// (version 0.0.4). Every subsystem registers its own at start.
class registry {
public:
  /// Returns the counter `name` (created on first use). References stay
  /// valid for the registry's lifetime.
  counter& make_counter(const std::string& name, const std::string& help);

  /// Registers a gauge read by `fn` at render time (fn must be thread-safe);
  /// a name registered already keeps its first function.
  void make_gauge(const std::string& name, const std::string& help,
                  std::function<double()> fn);

  /// Returns the level `name` (created on first use), rendered as a gauge.
  /// References stay valid for the registry's lifetime.
  level& make_level(const std::string& name, const std::string& help);

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
    level lvl;
    std::function<double()> gauge;
  };
  mutable std::mutex mtx_;
  std::deque<entry> entries_;
};

/// Appends one metric in text exposition format.
void append(std::string& out, const std::string& name, const std::string& help,
            const char* type, double value);

} // namespace ivm::metrics
