#include "appliance/sip/transaction/non_invite_server_transaction.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/sip/transaction/harness.hpp"

namespace ivm::sip {
namespace {

using namespace std::chrono_literals;
using st = non_invite_server_state;
using test::describe;
using testing::ElementsAre;

using fixture_harness =
    test::harness<non_invite_server_transaction, server_event>;

fixture_harness udp() {
  return fixture_harness{non_invite_server_transaction{timer_config{}, false}};
}

fixture_harness tcp() {
  return fixture_harness{non_invite_server_transaction{timer_config{}, true}};
}

events::tu_response rsp(int code) {
  return events::tu_response{code, std::to_string(code)};
}

// §17.2.2: "The state machine is initialized in the 'Trying' state and is
// passed a request other than INVITE or ACK when initialized. This request
// is passed up to the TU. Once in the 'Trying' state, any further request
// retransmissions are discarded."
TEST(non_invite_server, request_reaches_tu_once_and_trying_discards) {
  auto h = udp();
  EXPECT_THAT(describe(h.feed(events::request_received{})),
              ElementsAre("pass_request_to_tu"));
  EXPECT_EQ(h.machine.state(), st::trying);
  EXPECT_TRUE(h.feed(events::request_received{}).empty());
  EXPECT_TRUE(h.feed(events::request_received{}).empty());
  EXPECT_EQ(h.count<effects::pass_request_to_tu>(), 1u);
  EXPECT_EQ(h.machine.stats().absorbed, 2u);
  h.advance(100s); // no timers run in "Trying"
  EXPECT_EQ(h.log.size(), 1u);
}

// §17.2.2: "While in the 'Trying' state, if the TU passes a provisional
// response to the server transaction, the server transaction MUST enter
// the 'Proceeding' state. The response MUST be passed to the transport
// layer for transmission. ... If a retransmission of the request is
// received while in the 'Proceeding' state, the most recently sent
// provisional response MUST be passed to the transport layer for
// retransmission."
TEST(non_invite_server, proceeding_resends_latest_provisional) {
  auto h = udp();
  h.feed(events::request_received{});
  EXPECT_THAT(describe(h.feed(rsp(100))), ElementsAre("send:100"));
  EXPECT_EQ(h.machine.state(), st::proceeding);
  EXPECT_THAT(describe(h.feed(rsp(180))), ElementsAre("send:180"));
  EXPECT_THAT(describe(h.feed(events::request_received{})),
              ElementsAre("send:180"));
  EXPECT_EQ(h.count<effects::pass_request_to_tu>(), 1u);
  EXPECT_EQ(h.machine.stats().retransmissions, 1u);
}

// §17.2.2: "If the TU passes a final response (status codes 200-699) to
// the server while in the 'Proceeding' state, the transaction MUST enter
// the 'Completed' state, and the response MUST be passed to the transport
// layer for transmission. When the server transaction enters the
// 'Completed' state, it MUST set Timer J to fire in 64*T1 seconds for
// unreliable transports ... The server transaction remains in this state
// until Timer J fires, at which point it MUST transition to the
// 'Terminated' state."
TEST(non_invite_server, final_completes_and_timer_j_terminates) {
  auto h = udp();
  h.feed(events::request_received{});
  h.feed(rsp(100));
  h.advance_to(1s);
  EXPECT_THAT(describe(h.feed(rsp(200))),
              ElementsAre("send:200", "start_timer(J, 32000ms)"));
  EXPECT_EQ(h.machine.state(), st::completed);
  h.advance_to(32999ms);
  EXPECT_EQ(h.machine.state(), st::completed);
  h.advance_to(33s);
  EXPECT_EQ(h.machine.state(), st::terminated);
  EXPECT_EQ(h.times_of<effects::terminated>(), (std::vector<long long>{33000}));
  EXPECT_EQ(h.send_times("200"), (std::vector<long long>{1000}));
}

// §17.2.2: a final response in "Trying" also moves to "Completed" (figure
// 8); the server sends it once: non-INVITE responses are not retransmitted
// by timers.
TEST(non_invite_server, final_in_trying_completes) {
  auto h = udp();
  h.feed(events::request_received{});
  h.feed(rsp(404));
  EXPECT_EQ(h.machine.state(), st::completed);
  h.advance_to(20s);
  EXPECT_EQ(h.send_times("404"), (std::vector<long long>{0}));
}

// §17.2.2: "While in the 'Completed' state, the server transaction MUST
// pass the final response to the transport layer for retransmission
// whenever a retransmission of the request is received. Any other final
// responses passed by the TU to the server transaction MUST be discarded
// while in the 'Completed' state."
TEST(non_invite_server, completed_resends_final_and_discards_tu) {
  auto h = udp();
  h.feed(events::request_received{});
  h.feed(rsp(200));
  h.advance_to(3s);
  EXPECT_THAT(describe(h.feed(events::request_received{})),
              ElementsAre("send:200"));
  EXPECT_TRUE(h.feed(rsp(500)).empty());
  EXPECT_TRUE(h.feed(rsp(180)).empty());
  EXPECT_EQ(h.send_times("200"), (std::vector<long long>{0, 3000}));
  EXPECT_EQ(h.machine.last_response(), "200");
  EXPECT_EQ(h.machine.stats().ignored_events, 2u);
  EXPECT_EQ(h.count<effects::pass_request_to_tu>(), 1u);
}

// §17.2.2: Timer J is "zero seconds for reliable transports".
TEST(non_invite_server, reliable_terminates_with_the_final_response) {
  auto h = tcp();
  h.feed(events::request_received{});
  h.feed(rsp(100));
  EXPECT_THAT(describe(h.feed(rsp(200))),
              ElementsAre("send:200", "terminated"));
  EXPECT_EQ(h.machine.state(), st::terminated);
}

// §17.2.4: "the server transaction SHOULD inform the TU that a failure has
// occurred, and SHOULD transition to the terminated state." In "Trying" nothing
// has been sent, so there is nothing that can fail.
TEST(non_invite_server, transport_error_terminates) {
  auto h = udp();
  h.feed(events::request_received{});
  EXPECT_TRUE(h.feed(events::transport_error{}).empty());
  EXPECT_EQ(h.machine.state(), st::trying);
  h.feed(rsp(180));
  EXPECT_THAT(describe(h.feed(events::transport_error{})),
              ElementsAre("transport_failure", "terminated"));
  EXPECT_EQ(h.machine.state(), st::terminated);
}

// §17.2.2: once the transaction has left "Completed", a late Timer J
// changes nothing.
TEST(non_invite_server, stale_timer_j_is_ignored) {
  auto h = udp();
  h.feed(events::request_received{});
  auto out = h.feed(rsp(200));
  auto j = std::get<effects::start_timer>(out[1]);
  EXPECT_THAT(
      describe(h.feed(events::transport_error{})),
      ElementsAre("transport_failure", "cancel_timer(J)", "terminated"));
  EXPECT_TRUE(h.feed(events::timer_fired{timer_id::j, j.generation}).empty());
  EXPECT_EQ(h.machine.stats().stale_timers, 1u);
  EXPECT_EQ(h.count<effects::terminated>(), 1u);
}

// §17.2.2: figure 8 has no ACK and no timers but J; such events are
// ignored and counted.
TEST(non_invite_server, unexpected_events_are_ignored_and_counted) {
  auto h = udp();
  EXPECT_TRUE(h.feed(rsp(200)).empty()); // idle
  h.feed(events::request_received{});
  EXPECT_TRUE(h.feed(events::ack_received{}).empty());
  EXPECT_TRUE(h.feed(rsp(1000)).empty());
  EXPECT_EQ(h.machine.stats().ignored_events, 3u);
  EXPECT_FALSE(h.machine.accepts(events::ack_received{}));
  EXPECT_TRUE(h.machine.accepts(events::request_received{}));
}

} // namespace
} // namespace ivm::sip
