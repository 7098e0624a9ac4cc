#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/logger.h>

namespace ivm::log {

/// Returns true if `level` names a log level (trace, debug, info, warn,
/// error, critical, off).
bool valid_level(std::string_view level);

/// Sets the level of every logger, present and future. Unknown names are
/// ignored (validate with `valid_level` first).
void set_level(std::string_view level);

/// Returns the logger of a subsystem (e.g. "storage", "sip"). Every line it
/// writes goes to stderr as `time level [subsystem] text`.
std::shared_ptr<spdlog::logger> get(const std::string& subsystem);

/// The last `n` lines (at most 500) every logger wrote, oldest first, as on
/// stderr (for the admin API's log tail).
std::vector<std::string> recent(std::size_t n);

} // namespace ivm::log
