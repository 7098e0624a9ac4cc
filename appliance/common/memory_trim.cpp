#include "appliance/common/memory_trim.hpp"

#include <atomic>
#include <cstddef>
#include <thread>

#include <malloc.h>

// Present when jemalloc is the allocator (the daemon's Release build).
extern "C" int mallctl(const char*, void*, std::size_t*, void*, std::size_t)
    __attribute__((weak));

namespace ivm::memory {

namespace {

std::atomic<bool> pending{false};
std::atomic<unsigned long> done{0};

} // namespace

bool trim_soon(std::chrono::milliseconds after) {
  // jemalloc's background thread hands aged memory back by itself.
  if (&mallctl != nullptr)
    return false;
  if (pending.exchange(true))
    return false;
  std::thread{[after] {
    std::this_thread::sleep_for(after);
    // Cleared first: a call during the walk asks for another trim.
    pending = false;
    ::malloc_trim(0);
    ++done;
  }}.detach();
  return true;
}

unsigned long trims_done() {
  return done.load();
}

} // namespace ivm::memory
