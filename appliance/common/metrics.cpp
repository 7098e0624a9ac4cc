#include "appliance/common/metrics.hpp"

#include <cmath>
#include <cstdio>

namespace ivm::metrics {

counter& registry::make_counter(const std::string& name,
                                const std::string& help) {
  std::lock_guard<std::mutex> guard{mtx_};
  for (auto& e : entries_)
    if (e.name == name)
      return e.value;
  auto& e = entries_.emplace_back();
  e.name = name;
  e.help = help;
  e.is_counter = true;
  return e.value;
}

void registry::make_gauge(const std::string& name, const std::string& help,
                          std::function<double()> fn) {
  std::lock_guard<std::mutex> guard{mtx_};
  for (auto& e : entries_)
    if (e.name == name)
      return;
  auto& e = entries_.emplace_back();
  e.name = name;
  e.help = help;
  e.is_counter = false;
  e.gauge = std::move(fn);
}

level& registry::make_level(const std::string& name, const std::string& help) {
  std::lock_guard<std::mutex> guard{mtx_};
  for (auto& e : entries_)
    if (e.name == name)
      return e.lvl;
  auto& e = entries_.emplace_back();
  e.name = name;
  e.help = help;
  e.is_counter = false;
  e.gauge = [l = &e.lvl] { return static_cast<double>(l->value()); };
  return e.lvl;
}

void registry::render(std::string& out) const {
  std::lock_guard<std::mutex> guard{mtx_};
  for (auto& e : entries_) {
    if (e.is_counter)
      append(out, e.name, e.help, "counter",
             static_cast<double>(e.value.value()));
    else
      append(out, e.name, e.help, "gauge", e.gauge());
  }
}

std::vector<std::pair<std::string, double>> registry::snapshot() const {
  std::lock_guard<std::mutex> guard{mtx_};
  std::vector<std::pair<std::string, double>> out;
  out.reserve(entries_.size());
  for (auto& e : entries_)
    out.emplace_back(e.name, e.is_counter ? static_cast<double>(e.value.value())
                                          : e.gauge());
  return out;
}

void append(std::string& out, const std::string& name, const std::string& help,
            const char* type, double value) {
  out += "# HELP " + name + " " + help + "\n";
  out += "# TYPE " + name + " " + type + "\n";
  char buf[64];
  if (std::floor(value) == value && std::fabs(value) < 1e15)
    std::snprintf(buf, sizeof(buf), "%.0f", value);
  else
    std::snprintf(buf, sizeof(buf), "%.6g", value);
  out += name + " " + buf + "\n";
}

} // namespace ivm::metrics
