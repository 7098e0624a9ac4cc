// appliance/common/memory_trim: a trim follows every call, waves share one.

#include <thread>

#include <gtest/gtest.h>

#include "appliance/common/memory_trim.hpp"

using namespace std::chrono_literals;

namespace {

void await_trims(unsigned long n) {
  while (ivm::memory::trims_done() < n)
    std::this_thread::yield();
}

TEST(memory_trim, a_call_is_followed_by_a_trim) {
  auto before = ivm::memory::trims_done();
  ivm::memory::trim_soon(0ms);
  await_trims(before + 1);
  EXPECT_GE(ivm::memory::trims_done(), before + 1);
}

TEST(memory_trim, a_call_while_one_is_pending_shares_it) {
  auto before = ivm::memory::trims_done();
  // A wave of clients leaving costs one trim, not one each.
  EXPECT_TRUE(ivm::memory::trim_soon(1s));
  EXPECT_FALSE(ivm::memory::trim_soon(0ms));
  await_trims(before + 1);
  // After it, a call asks for a trim of its own.
  EXPECT_TRUE(ivm::memory::trim_soon(0ms));
  await_trims(before + 2);
}

} // namespace
