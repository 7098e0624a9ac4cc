#include "appliance/sip/transaction/invite_client_transaction.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/sip/transaction/harness.hpp"

namespace ivm::sip {
namespace {

using namespace std::chrono_literals;
using st = invite_client_state;
using test::describe;
using testing::ElementsAre;

using fixture_harness = test::harness<invite_client_transaction, client_event>;

fixture_harness udp() {
  fixture_harness h{invite_client_transaction{timer_config{}, false}};
  h.ack = "ACK";
  return h;
}

fixture_harness tcp() {
  fixture_harness h{invite_client_transaction{timer_config{}, true}};
  h.ack = "ACK";
  return h;
}

// §17.1.1.2: "For unreliable transports (such as UDP), the client
// transaction MUST start timer A with a value of T1. ... When timer A
// fires, the client transaction MUST retransmit the request by passing it
// to the transport layer, and MUST reset the timer with a value of 2*T1. ... If
// the client transaction is still in the 'Calling' state when timer B fires,
// the client transaction SHOULD inform the TU that a timeout has occurred."
TEST(invite_client, udp_retransmits_on_timer_a_doubling_until_b) {
  auto h = udp();
  auto out = h.feed(events::start{"INVITE"});
  EXPECT_THAT(describe(out), ElementsAre("send:INVITE", "start_timer(A, 500ms)",
                                         "start_timer(B, 32000ms)"));
  EXPECT_EQ(h.machine.state(), st::calling);
  h.advance(100s);
  EXPECT_EQ(h.send_times("INVITE"),
            (std::vector<long long>{0, 500, 1500, 3500, 7500, 15500, 31500}));
  EXPECT_EQ(h.times_of<effects::timeout>(), (std::vector<long long>{32000}));
  EXPECT_EQ(h.times_of<effects::terminated>(), (std::vector<long long>{32000}));
  EXPECT_EQ(h.machine.state(), st::terminated);
  EXPECT_FALSE(h.pending(timer_id::a));
}

// §17.1.1.2: "If the client transaction receives a provisional response
// while in the 'Calling' state, it transitions to the 'Proceeding' state.
// In the 'Proceeding' state, the client transaction SHOULD NOT retransmit
// the request any longer. Furthermore, the provisional response MUST be
// passed to the TU."
TEST(invite_client, provisional_stops_retransmissions) {
  auto h = udp();
  h.feed(events::start{"INVITE"});
  h.advance_to(700ms);
  auto out = h.feed(events::response_received{100});
  EXPECT_THAT(describe(out), ElementsAre("cancel_timer(A)", "cancel_timer(B)",
                                         "pass_to_tu(100)"));
  EXPECT_EQ(h.machine.state(), st::proceeding);
  h.advance(300s); // Timer B only applies to Calling; Timer C is the TU's.
  EXPECT_EQ(h.send_times("INVITE"), (std::vector<long long>{0, 500}));
  EXPECT_EQ(h.count<effects::timeout>(), 0u);
  EXPECT_EQ(h.machine.state(), st::proceeding);
}

// §17.1.1.2: "Any further provisional responses MUST be passed up to the
// TU while in the 'Proceeding' state."
TEST(invite_client, every_provisional_reaches_the_tu) {
  auto h = udp();
  h.feed(events::start{"INVITE"});
  h.feed(events::response_received{100});
  EXPECT_THAT(describe(h.feed(events::response_received{180})),
              ElementsAre("pass_to_tu(180)"));
  EXPECT_THAT(describe(h.feed(events::response_received{183})),
              ElementsAre("pass_to_tu(183)"));
}

// §17.1.1.2: "When in either the 'Calling' or 'Proceeding' states,
// reception of a response with status code from 300-699 MUST cause the
// client transaction to transition to 'Completed'. The client transaction
// MUST pass the received response up to the TU, and the client transaction
// MUST generate an ACK request ... The client transaction SHOULD start
// timer D when it enters the 'Completed' state, with a value of at least
// 32 seconds for unreliable transports".
TEST(invite_client, failure_completes_acks_and_starts_timer_d) {
  auto h = udp();
  h.feed(events::start{"INVITE"});
  h.advance_to(1s);
  auto out = h.feed(events::response_received{486});
  EXPECT_THAT(describe(out), ElementsAre("cancel_timer(A)", "cancel_timer(B)",
                                         "pass_to_tu(486)", "build_ack(486)",
                                         "start_timer(D, 32000ms)"));
  EXPECT_EQ(h.send_times("ACK"), (std::vector<long long>{1000}));
  EXPECT_EQ(h.machine.state(), st::completed);
  h.advance_to(32999ms);
  EXPECT_EQ(h.machine.state(), st::completed);
  h.advance_to(33s);
  EXPECT_EQ(h.machine.state(), st::terminated);
  EXPECT_EQ(h.times_of<effects::terminated>(), (std::vector<long long>{33000}));
  EXPECT_EQ(h.send_times("INVITE"), (std::vector<long long>{0, 500}));
}

// §17.1.1.2: failure in "Proceeding" also moves to "Completed".
TEST(invite_client, failure_in_proceeding_completes) {
  auto h = udp();
  h.feed(events::start{"INVITE"});
  h.feed(events::response_received{180});
  h.feed(events::response_received{603});
  EXPECT_EQ(h.machine.state(), st::completed);
  EXPECT_EQ(h.send_times("ACK"), (std::vector<long long>{0}));
}

// §17.1.1.2: "Any retransmissions of the final response that are received
// while in the 'Completed' state MUST cause the ACK to be re-passed to the
// transport layer for retransmission, but the newly received response MUST
// NOT be passed up to the TU."
TEST(invite_client, completed_resends_ack_for_retransmitted_final) {
  auto h = udp();
  h.feed(events::start{"INVITE"});
  h.feed(events::response_received{486});
  h.advance_to(2s);
  auto out = h.feed(events::response_received{486});
  EXPECT_THAT(describe(out), ElementsAre("send:ACK"));
  EXPECT_EQ(h.send_times("ACK"), (std::vector<long long>{0, 2000}));
  EXPECT_EQ(h.count<effects::pass_to_tu>(), 1u);
  EXPECT_EQ(h.count<effects::build_ack>(), 1u);
  EXPECT_EQ(h.machine.stats().absorbed, 1u);
}

// §17.1.1.3: the ACK is built from the response; until the caller has
// handed it over, a retransmitted final asks for it again.
TEST(invite_client, completed_asks_again_until_the_ack_is_known) {
  fixture_harness h{invite_client_transaction{}};
  h.feed(events::start{"INVITE"});
  h.feed(events::response_received{486});
  EXPECT_THAT(describe(h.feed(events::response_received{486})),
              ElementsAre("build_ack(486)"));
  EXPECT_THAT(describe(h.feed(events::ack_built{"ACK"})),
              ElementsAre("send:ACK"));
  EXPECT_THAT(describe(h.feed(events::response_received{486})),
              ElementsAre("send:ACK"));
}

// RFC 6026 §8.4: "If a 2xx response is received while the client INVITE
// state machine is in the 'Calling' or 'Proceeding' states, it MUST
// transition to the 'Accepted' state, pass the 2xx response to the TU, and
// set Timer M to 64*T1." No ACK is generated by the transaction.
TEST(invite_client, success_moves_to_accepted_with_timer_m) {
  auto h = udp();
  h.feed(events::start{"INVITE"});
  h.advance_to(2s);
  auto out = h.feed(events::response_received{200});
  EXPECT_THAT(describe(out),
              ElementsAre("cancel_timer(A)", "cancel_timer(B)",
                          "start_timer(M, 32000ms)", "pass_to_tu(200)"));
  EXPECT_EQ(h.machine.state(), st::accepted);
  EXPECT_EQ(h.count<effects::build_ack>(), 0u);
  h.advance_to(33999ms);
  EXPECT_EQ(h.machine.state(), st::accepted);
  h.advance_to(34s);
  EXPECT_EQ(h.machine.state(), st::terminated);
  EXPECT_EQ(h.send_times("INVITE"), (std::vector<long long>{0, 500, 1500}));
  EXPECT_EQ(h.count<effects::timeout>(), 0u);
}

// RFC 6026 §8.4: "Any 2xx responses that match this client transaction
// and that are received while in the 'Accepted' state MUST be passed up to
// the TU. The client transaction MUST NOT generate an ACK to the 2xx
// response."
TEST(invite_client, accepted_passes_every_2xx_to_the_tu) {
  auto h = udp();
  h.feed(events::start{"INVITE"});
  h.feed(events::response_received{180});
  h.feed(events::response_received{200});
  EXPECT_EQ(h.machine.state(), st::accepted);
  EXPECT_THAT(describe(h.feed(events::response_received{200})),
              ElementsAre("pass_to_tu(200)"));
  EXPECT_THAT(describe(h.feed(events::response_received{202})),
              ElementsAre("pass_to_tu(202)"));
  // Non-2xx responses have no place in "Accepted".
  EXPECT_TRUE(h.feed(events::response_received{486}).empty());
  EXPECT_TRUE(h.feed(events::response_received{180}).empty());
  EXPECT_EQ(h.machine.stats().ignored_events, 2u);
  EXPECT_EQ(h.count<effects::build_ack>(), 0u);
  EXPECT_EQ(h.count<effects::send>(), 1u);
}

// §17.1.1.2: Timer A is for unreliable transports only; Timer B always.
TEST(invite_client, reliable_has_no_timer_a_but_times_out_on_b) {
  auto h = tcp();
  auto out = h.feed(events::start{"INVITE"});
  EXPECT_THAT(describe(out),
              ElementsAre("send:INVITE", "start_timer(B, 32000ms)"));
  h.advance(40s);
  EXPECT_EQ(h.send_times("INVITE"), (std::vector<long long>{0}));
  EXPECT_EQ(h.times_of<effects::timeout>(), (std::vector<long long>{32000}));
  EXPECT_EQ(h.machine.state(), st::terminated);
}

// §17.1.1.2: Timer D is "zero seconds for reliable transports": the
// transaction ends as soon as the ACK is sent.
TEST(invite_client, reliable_terminates_after_sending_the_ack) {
  fixture_harness h{invite_client_transaction{timer_config{}, true}};
  h.feed(events::start{"INVITE"});
  auto out = h.feed(events::response_received{404});
  EXPECT_THAT(describe(out), ElementsAre("cancel_timer(B)", "pass_to_tu(404)",
                                         "build_ack(404)"));
  EXPECT_EQ(h.machine.state(), st::completed);
  out = h.feed(events::ack_built{"ACK"});
  EXPECT_THAT(describe(out), ElementsAre("send:ACK", "terminated"));
  EXPECT_EQ(h.machine.state(), st::terminated);
}

// §17.1.1.2: once "Proceeding", the stopped Timer A may still fire late
// (the caller need not honour cancel_timer): it must change nothing.
TEST(invite_client, stale_timer_a_is_ignored) {
  auto h = udp();
  auto start = h.feed(events::start{"INVITE"});
  auto a = std::get<effects::start_timer>(start[1]);
  h.feed(events::response_received{100});
  EXPECT_TRUE(h.feed(events::timer_fired{timer_id::a, a.generation}).empty());
  EXPECT_TRUE(h.feed(events::timer_fired{timer_id::a, 12345}).empty());
  EXPECT_EQ(h.machine.stats().stale_timers, 2u);
  EXPECT_EQ(h.send_times("INVITE"), (std::vector<long long>{0}));
  EXPECT_EQ(h.machine.state(), st::proceeding);
}

// §17.1.4: "the client transaction SHOULD inform the TU that a transport
// failure has occurred, and the client transaction SHOULD transition
// directly to the 'Terminated' state."
TEST(invite_client, transport_error_terminates) {
  auto h = udp();
  h.feed(events::start{"INVITE"});
  auto out = h.feed(events::transport_error{});
  EXPECT_THAT(describe(out), ElementsAre("transport_failure", "cancel_timer(A)",
                                         "cancel_timer(B)", "terminated"));
  EXPECT_EQ(h.machine.state(), st::terminated);
}

// §17.1.1: figure 5 (with RFC 6026) lists the events of each state; the
// rest is ignored and counted.
TEST(invite_client, unexpected_events_are_ignored_and_counted) {
  auto h = udp();
  EXPECT_TRUE(h.feed(events::ack_built{"ACK"}).empty()); // idle
  h.feed(events::start{"INVITE"});
  EXPECT_TRUE(h.feed(events::ack_built{"ACK"}).empty()); // calling
  EXPECT_TRUE(h.feed(events::response_received{0}).empty());
  h.feed(events::response_received{200});
  EXPECT_TRUE(h.feed(events::transport_error{}).empty()); // accepted
  EXPECT_EQ(h.machine.stats().ignored_events, 4u);
  EXPECT_FALSE(h.machine.accepts(events::start{"INVITE"}));
  EXPECT_TRUE(h.machine.accepts(events::response_received{200}));
}

} // namespace
} // namespace ivm::sip
