// The shedding rule shared by the router shards and the directory
// (actors/api/overload.hpp): only new out-of-dialog work that waited too
// long is refused.

#include <gtest/gtest.h>

#include "actors/api/overload.hpp"
#include "appliance/sip/parser.hpp"

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

ivm::actors::sip_inbound inbound(const char* method, const char* to,
                                 clock_type::time_point received) {
  std::string text = std::string{method} + " sip:202@127.0.0.1 SIP/2.0\r\n" +
                     "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\r\n" +
                     "From: <sip:201@127.0.0.1>;tag=a\r\n" + "To: " + to +
                     "\r\nCall-ID: c1\r\nCSeq: 1 " + method +
                     "\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
  auto msg = ivm::sip::parse(text);
  EXPECT_TRUE(msg);
  return {*msg, {}, received};
}

} // namespace

TEST(overload, only_late_new_work_is_refused) {
  auto now = clock_type::now();
  auto late = now - 400ms, fresh = now - 100ms;
  using ivm::actors::too_late_to_start;
  EXPECT_TRUE(too_late_to_start(inbound("MESSAGE", "<sip:202@127.0.0.1>", late),
                                300ms, now));
  EXPECT_FALSE(too_late_to_start(
      inbound("MESSAGE", "<sip:202@127.0.0.1>", fresh), 300ms, now));
  // Within a dialog (To tag) or a CANCEL: always passes.
  EXPECT_FALSE(too_late_to_start(
      inbound("BYE", "<sip:202@127.0.0.1>;tag=b", late), 300ms, now));
  EXPECT_FALSE(too_late_to_start(inbound("CANCEL", "<sip:202@127.0.0.1>", late),
                                 300ms, now));
  // No receive time (TCP/TLS) or no limit: never.
  EXPECT_FALSE(too_late_to_start(inbound("MESSAGE", "<sip:202@127.0.0.1>", {}),
                                 300ms, now));
  EXPECT_FALSE(too_late_to_start(
      inbound("MESSAGE", "<sip:202@127.0.0.1>", late), 0ms, now));
}
