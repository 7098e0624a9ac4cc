#include "appliance/common/log.hpp"

#include <mutex>

#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace ivm::log {

namespace {

std::mutex mtx;
spdlog::level::level_enum current = spdlog::level::info;

spdlog::sink_ptr shared_sink() {
  static auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  return sink;
}

std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> ring() {
  static auto sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(500);
  return sink;
}

} // namespace

bool valid_level(std::string_view level) {
  if (level == "off")
    return true;
  return spdlog::level::from_str(std::string{level}) != spdlog::level::off;
}

void set_level(std::string_view level) {
  if (!valid_level(level))
    return;
  std::lock_guard<std::mutex> guard{mtx};
  current = spdlog::level::from_str(std::string{level});
  spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& lg) {
    lg->set_level(current);
  });
}

std::shared_ptr<spdlog::logger> get(const std::string& subsystem) {
  std::lock_guard<std::mutex> guard{mtx};
  if (auto lg = spdlog::get(subsystem))
    return lg;
  auto lg = std::make_shared<spdlog::logger>(
      subsystem, spdlog::sinks_init_list{shared_sink(), ring()});
  lg->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ [%n] %v");
  lg->set_level(current);
  lg->flush_on(spdlog::level::warn);
  spdlog::register_logger(lg);
  return lg;
}

std::vector<std::string> recent(std::size_t n) {
  auto lines = ring()->last_formatted(n);
  for (auto& l : lines)
    while (!l.empty() && (l.back() == '\n' || l.back() == '\r'))
      l.pop_back();
  return lines;
}

} // namespace ivm::log
