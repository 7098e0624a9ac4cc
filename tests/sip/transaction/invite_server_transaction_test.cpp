#include "appliance/sip/transaction/invite_server_transaction.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/sip/transaction/harness.hpp"

namespace ivm::sip {
namespace {

using namespace std::chrono_literals;
using st = invite_server_state;
using test::describe;
using testing::ElementsAre;

using fixture_harness = test::harness<invite_server_transaction, server_event>;

fixture_harness udp(timer_config cfg = {}) {
  fixture_harness h{invite_server_transaction{cfg, false}};
  h.trying = "100";
  return h;
}

fixture_harness tcp() {
  fixture_harness h{invite_server_transaction{timer_config{}, true}};
  h.trying = "100";
  return h;
}

events::tu_response rsp(int code) {
  return events::tu_response{code, std::to_string(code)};
}

// §17.2.1: "When a server transaction is constructed for a request, it
// enters the 'Proceeding' state. The server transaction MUST generate a 100
// (Trying) response unless it knows that the TU will generate a provisional
// or final response within 200 ms". The request is passed to the TU.
TEST(invite_server, invite_reaches_tu_and_trying_follows_after_200ms) {
  auto h = udp();
  auto out = h.feed(events::request_received{});
  EXPECT_THAT(describe(out),
              ElementsAre("pass_request_to_tu", "start_timer(trying, 200ms)"));
  EXPECT_EQ(h.machine.state(), st::proceeding);
  h.advance_to(199ms);
  EXPECT_EQ(h.count<effects::send_trying>(), 0u);
  h.advance_to(200ms);
  EXPECT_EQ(h.times_of<effects::send_trying>(), (std::vector<long long>{200}));
  EXPECT_EQ(h.send_times("100"), (std::vector<long long>{200}));
  EXPECT_EQ(h.machine.last_response(), "100");
  EXPECT_EQ(h.machine.state(), st::proceeding);
}

// §17.2.1: a TU answering within 200 ms makes the 100 (Trying) needless.
TEST(invite_server, early_tu_response_suppresses_trying) {
  auto h = udp();
  h.feed(events::request_received{});
  h.advance_to(150ms);
  auto out = h.feed(rsp(180));
  EXPECT_THAT(describe(out), ElementsAre("send:180", "cancel_timer(trying)"));
  h.advance(10s);
  EXPECT_EQ(h.count<effects::send_trying>(), 0u);
  EXPECT_EQ(h.count<effects::send>(), 1u);
}

// §17.2.1: "unless it knows that the TU will generate a provisional or
// final response within 200 ms, in which case it MAY generate a 100
// (Trying) response" -- the caller may disable it, or ask for it at once.
TEST(invite_server, trying_can_be_disabled_or_immediate) {
  timer_config off;
  off.auto_trying = false;
  auto h = udp(off);
  EXPECT_THAT(describe(h.feed(events::request_received{})),
              ElementsAre("pass_request_to_tu"));
  h.advance(10s);
  EXPECT_EQ(h.count<effects::send_trying>(), 0u);
  timer_config now;
  now.trying_delay = 0ms;
  auto g = udp(now);
  EXPECT_THAT(describe(g.feed(events::request_received{})),
              ElementsAre("pass_request_to_tu", "send_trying"));
  EXPECT_EQ(g.send_times("100"), (std::vector<long long>{0}));
}

// §17.2.1: "If a request retransmission is received while in the
// 'Proceeding' state, the most recent provisional response that was
// received from the TU MUST be passed to the transport layer for
// retransmission." The request never reaches the TU twice.
TEST(invite_server, retransmitted_invite_resends_latest_provisional) {
  timer_config off;
  off.auto_trying = false;
  auto h = udp(off);
  h.feed(events::request_received{});
  EXPECT_TRUE(h.feed(events::request_received{}).empty()); // nothing yet
  h.feed(rsp(180));
  h.feed(rsp(183));
  EXPECT_THAT(describe(h.feed(events::request_received{})),
              ElementsAre("send:183"));
  EXPECT_EQ(h.count<effects::pass_request_to_tu>(), 1u);
  EXPECT_EQ(h.machine.stats().absorbed, 2u);
  EXPECT_EQ(h.machine.stats().retransmissions, 1u);
}

// §17.2.1: "While in the 'Proceeding' state, if the TU passes a response
// with status code from 300 to 699 to the server transaction, the response
// MUST be passed to the transport layer for transmission, and the state
// machine MUST enter the 'Completed' state. For unreliable transports,
// timer G is set to fire in T1 seconds ... If timer G fires, the response
// is passed to the transport layer once more for retransmission, and timer
// G is set to fire in MIN(2*T1, T2) seconds. ... If timer H fires while in
// the 'Completed' state, it implies that the ACK was never received. In
// this case, the server transaction MUST transition to the 'Terminated'
// state, and MUST indicate to the TU that a transaction failure has
// occurred."
TEST(invite_server, failure_retransmits_on_timer_g_until_timer_h) {
  auto h = udp();
  h.feed(events::request_received{});
  auto out = h.feed(rsp(486));
  EXPECT_THAT(describe(out),
              ElementsAre("send:486", "cancel_timer(trying)",
                          "start_timer(G, 500ms)", "start_timer(H, 32000ms)"));
  EXPECT_EQ(h.machine.state(), st::completed);
  h.advance(60s);
  EXPECT_EQ(h.send_times("486"),
            (std::vector<long long>{0, 500, 1500, 3500, 7500, 11500, 15500,
                                    19500, 23500, 27500, 31500}));
  EXPECT_EQ(h.times_of<effects::timeout>(), (std::vector<long long>{32000}));
  EXPECT_EQ(h.times_of<effects::terminated>(), (std::vector<long long>{32000}));
  EXPECT_EQ(h.machine.state(), st::terminated);
}

// §17.2.1: "Furthermore, while in the 'Completed' state, if a request
// retransmission is received, the server SHOULD pass the response to the
// transport for retransmission."
TEST(invite_server, retransmitted_invite_in_completed_resends_final) {
  auto h = udp();
  h.feed(events::request_received{});
  h.feed(rsp(404));
  h.advance_to(100ms);
  EXPECT_THAT(describe(h.feed(events::request_received{})),
              ElementsAre("send:404"));
  EXPECT_EQ(h.count<effects::pass_request_to_tu>(), 1u);
}

// §17.2.1: "If an ACK is received while the server transaction is in the
// 'Completed' state, the server transaction MUST transition to the
// 'Confirmed' state. As Timer G is ignored in this state, any
// retransmissions of the response will cease. ... When this state is
// entered, timer I is set to fire in T4 seconds for unreliable transports
// ... Once timer I fires, the server MUST transition to the 'Terminated'
// state."
TEST(invite_server, ack_confirms_and_timer_i_terminates) {
  auto h = udp();
  h.feed(events::request_received{});
  h.feed(rsp(486));
  h.advance_to(2s);
  auto out = h.feed(events::ack_received{});
  EXPECT_THAT(describe(out), ElementsAre("cancel_timer(G)", "cancel_timer(H)",
                                         "start_timer(I, 5000ms)"));
  EXPECT_EQ(h.machine.state(), st::confirmed);
  h.advance_to(6999ms);
  EXPECT_EQ(h.machine.state(), st::confirmed);
  h.advance_to(7s);
  EXPECT_EQ(h.machine.state(), st::terminated);
  EXPECT_EQ(h.send_times("486"), (std::vector<long long>{0, 500, 1500}));
  EXPECT_EQ(h.count<effects::timeout>(), 0u);
}

// §17.2.1: "The purpose of the 'Confirmed' state is to absorb any
// additional ACK messages that arrive, triggered from retransmissions of
// the final response."
TEST(invite_server, confirmed_absorbs_acks_and_invites) {
  auto h = udp();
  h.feed(events::request_received{});
  h.feed(rsp(486));
  h.feed(events::ack_received{});
  EXPECT_TRUE(h.feed(events::ack_received{}).empty());
  EXPECT_TRUE(h.feed(events::request_received{}).empty());
  EXPECT_EQ(h.machine.stats().absorbed, 2u);
  EXPECT_EQ(h.machine.stats().ignored_events, 0u);
  EXPECT_EQ(h.count<effects::pass_request_to_tu>(), 1u);
}

// §17.2.1: over reliable transports there is no Timer G, Timer H still
// applies, and Timer I is zero: the ACK ends the transaction.
TEST(invite_server, reliable_has_no_timer_g_and_zero_timer_i) {
  auto h = tcp();
  h.feed(events::request_received{});
  auto out = h.feed(rsp(486));
  EXPECT_THAT(describe(out), ElementsAre("send:486", "cancel_timer(trying)",
                                         "start_timer(H, 32000ms)"));
  h.advance_to(10s);
  EXPECT_EQ(h.send_times("486"), (std::vector<long long>{0}));
  out = h.feed(events::ack_received{});
  EXPECT_THAT(describe(out), ElementsAre("cancel_timer(H)", "terminated"));
  EXPECT_EQ(h.machine.state(), st::terminated);
}

// §17.2.1: Timer H fires over reliable transports too.
TEST(invite_server, reliable_times_out_on_timer_h) {
  auto h = tcp();
  h.feed(events::request_received{});
  h.feed(rsp(500));
  h.advance(40s);
  EXPECT_EQ(h.times_of<effects::timeout>(), (std::vector<long long>{32000}));
  EXPECT_EQ(h.machine.state(), st::terminated);
}

// RFC 6026 §8.5: "If, while in the 'Proceeding' state, the TU passes a 2xx
// response to the server transaction, the server transaction MUST pass
// this response to the transport layer for transmission. ... The server
// transaction MUST then transition to the 'Accepted' state." §8.7: Timer L
// = 64*T1; "If Timer L fires while the INVITE server transaction is in the
// 'Accepted' state, the transaction MUST transition to the 'Terminated'
// state."
TEST(invite_server, success_moves_to_accepted_until_timer_l) {
  auto h = udp();
  h.feed(events::request_received{});
  h.advance_to(100ms);
  auto out = h.feed(rsp(200));
  EXPECT_THAT(describe(out), ElementsAre("send:200", "cancel_timer(trying)",
                                         "start_timer(L, 32000ms)"));
  EXPECT_EQ(h.machine.state(), st::accepted);
  h.advance_to(32099ms);
  EXPECT_EQ(h.machine.state(), st::accepted);
  h.advance_to(32100ms);
  EXPECT_EQ(h.machine.state(), st::terminated);
  EXPECT_EQ(h.send_times("200"), (std::vector<long long>{100}));
  EXPECT_EQ(h.count<effects::timeout>(), 0u);
}

// RFC 6026 §8.7: "While in the 'Accepted' state, any retransmissions of
// the INVITE received will match this transaction state machine and will
// be absorbed by the machine without changing its state. These
// retransmissions are not passed onto the TU." "While in the 'Accepted'
// state, if the TU passes a 2xx response, the server transaction MUST pass
// the response to the transport layer for transmission." §7.1: "Any ACKs
// received from the network while in the 'Accepted' state MUST be passed
// directly to the TU and not absorbed."
TEST(invite_server, accepted_absorbs_invites_sends_2xx_passes_acks) {
  auto h = udp();
  h.feed(events::request_received{});
  h.feed(rsp(200));
  EXPECT_TRUE(h.feed(events::request_received{}).empty());
  EXPECT_THAT(describe(h.feed(rsp(200))), ElementsAre("send:200"));
  EXPECT_THAT(describe(h.feed(events::ack_received{})),
              ElementsAre("pass_ack_to_tu"));
  EXPECT_TRUE(h.feed(rsp(486)).empty());
  EXPECT_EQ(h.count<effects::pass_request_to_tu>(), 1u);
  EXPECT_EQ(h.machine.stats().absorbed, 1u);
  EXPECT_EQ(h.machine.stats().ignored_events, 1u);
  EXPECT_EQ(h.machine.state(), st::accepted);
}

// §17.2.1, figure 7: "Completed" accepts no response from the TU (§17.2.2
// says so in words for non-INVITE: "Any other final responses passed by
// the TU to the server transaction MUST be discarded while in the
// 'Completed' state").
TEST(invite_server, completed_discards_further_tu_responses) {
  auto h = udp();
  h.feed(events::request_received{});
  h.feed(rsp(486));
  EXPECT_TRUE(h.feed(rsp(200)).empty());
  EXPECT_TRUE(h.feed(rsp(180)).empty());
  EXPECT_EQ(h.machine.stats().ignored_events, 2u);
  EXPECT_EQ(h.machine.last_response(), "486");
}

// §17.2.4: when sending fails, "the server transaction SHOULD inform the TU
// that a failure has occurred, and SHOULD transition to the terminated
// state." In "Accepted" the TU owns the 2xx (RFC 6026), so the transaction
// stays to absorb INVITE retransmissions (a choice, see the docs).
TEST(invite_server, transport_error_terminates_except_in_accepted) {
  auto h = udp();
  h.feed(events::request_received{});
  h.feed(rsp(180));
  EXPECT_THAT(describe(h.feed(events::transport_error{})),
              ElementsAre("transport_failure", "terminated"));
  EXPECT_EQ(h.machine.state(), st::terminated);
  auto g = udp();
  g.feed(events::request_received{});
  g.feed(rsp(200));
  EXPECT_THAT(describe(g.feed(events::transport_error{})),
              ElementsAre("transport_failure"));
  EXPECT_EQ(g.machine.state(), st::accepted);
}

// §17.2.1 ("As Timer G is ignored in this state"): a Timer G firing that
// arrives after the ACK changes nothing.
TEST(invite_server, stale_timer_g_after_ack_is_ignored) {
  auto h = udp();
  h.feed(events::request_received{});
  auto out = h.feed(rsp(486));
  auto g = std::get<effects::start_timer>(out[2]);
  ASSERT_EQ(g.id, timer_id::g);
  h.feed(events::ack_received{});
  EXPECT_TRUE(h.feed(events::timer_fired{timer_id::g, g.generation}).empty());
  EXPECT_EQ(h.machine.stats().stale_timers, 1u);
  EXPECT_EQ(h.send_times("486"), (std::vector<long long>{0}));
  EXPECT_EQ(h.machine.state(), st::confirmed);
}

// §17.2.1: figure 7 lists the events per state; the rest is ignored.
TEST(invite_server, unexpected_events_are_ignored_and_counted) {
  auto h = udp();
  EXPECT_TRUE(h.feed(rsp(200)).empty());               // idle
  EXPECT_TRUE(h.feed(events::ack_received{}).empty()); // idle
  h.feed(events::request_received{});
  EXPECT_TRUE(h.feed(events::ack_received{}).empty()); // proceeding
  EXPECT_TRUE(h.feed(rsp(99)).empty());
  EXPECT_EQ(h.machine.stats().ignored_events, 4u);
  EXPECT_EQ(h.machine.state(), st::proceeding);
}

} // namespace
} // namespace ivm::sip
