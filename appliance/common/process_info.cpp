#include "appliance/common/process_info.hpp"

#include <cstdio>
#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

namespace ivm {

process_info read_process_info() {
  process_info info;
  if (auto f = std::fopen("/proc/self/statm", "r")) {
    unsigned long size = 0;
    unsigned long resident = 0;
    if (std::fscanf(f, "%lu %lu", &size, &resident) == 2)
      info.resident_bytes = static_cast<std::uint64_t>(resident) *
                            static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
    std::fclose(f);
  }
  rusage ru{};
  if (getrusage(RUSAGE_SELF, &ru) == 0)
    info.cpu_seconds =
        static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
        static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  if (auto d = opendir("/proc/self/fd")) {
    while (auto e = readdir(d))
      if (e->d_name[0] != '.')
        ++info.open_fds;
    closedir(d);
    if (info.open_fds > 0)
      --info.open_fds; // the directory stream itself
  }
  if (auto d = opendir("/proc/self/task")) {
    while (auto e = readdir(d))
      if (e->d_name[0] != '.')
        ++info.threads;
    closedir(d);
  }
  return info;
}

} // namespace ivm
