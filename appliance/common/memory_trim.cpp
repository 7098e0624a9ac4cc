#include "appliance/common/memory_trim.hpp"

#include <atomic>
#include <thread>

#include <malloc.h>

namespace ivm::memory {

namespace {

std::atomic<bool> pending{false};
std::atomic<unsigned long> done{0};

} // namespace

bool trim_soon(std::chrono::milliseconds after) {
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
