#pragma once

#include <cstdint>

namespace ivm {

/// Facts about this process, read from /proc and getrusage.
struct process_info {
  std::uint64_t resident_bytes = 0;
  double cpu_seconds = 0;
  std::uint64_t open_fds = 0;
  std::uint64_t threads = 0;
};

process_info read_process_info();

} // namespace ivm
