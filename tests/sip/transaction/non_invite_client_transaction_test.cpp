#include "appliance/sip/transaction/non_invite_client_transaction.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/sip/transaction/harness.hpp"

namespace ivm::sip {
namespace {

using namespace std::chrono_literals;
using st = non_invite_client_state;
using test::describe;
using testing::ElementsAre;

using fixture_harness =
    test::harness<non_invite_client_transaction, client_event>;

fixture_harness udp() {
  return fixture_harness{non_invite_client_transaction{timer_config{}, false}};
}

fixture_harness tcp() {
  return fixture_harness{non_invite_client_transaction{timer_config{}, true}};
}

// §17.1.2.2: "the client transaction MUST set timer E to fire in T1
// seconds. If timer E fires while still in this state, the timer is reset,
// but this time with a value of MIN(2*T1, T2) ... If Timer F fires while
// the client transaction is still in the 'Trying' state, the client
// transaction SHOULD inform the TU about the timeout".
TEST(non_invite_client, udp_retransmits_on_timer_e_capped_at_t2_until_f) {
  auto h = udp();
  auto out = h.feed(events::start{"REGISTER"});
  EXPECT_THAT(describe(out),
              ElementsAre("send:REGISTER", "start_timer(E, 500ms)",
                          "start_timer(F, 32000ms)"));
  EXPECT_EQ(h.machine.state(), st::trying);
  h.advance(60s);
  EXPECT_EQ(h.send_times("REGISTER"),
            (std::vector<long long>{0, 500, 1500, 3500, 7500, 11500, 15500,
                                    19500, 23500, 27500, 31500}));
  EXPECT_EQ(h.times_of<effects::timeout>(), (std::vector<long long>{32000}));
  EXPECT_EQ(h.times_of<effects::terminated>(), (std::vector<long long>{32000}));
  EXPECT_EQ(h.machine.state(), st::terminated);
  EXPECT_EQ(h.count<effects::pass_to_tu>(), 0u);
  EXPECT_EQ(h.machine.stats().retransmissions, 10u);
  EXPECT_FALSE(h.pending(timer_id::e));
}

// §17.1.2.2: "If a provisional response is received while in the 'Trying'
// state, the response MUST be passed to the TU, and then the client
// transaction SHOULD move to the 'Proceeding' state. ... If Timer E fires
// while in the 'Proceeding' state, the request MUST be passed to the
// transport layer for retransmission, and Timer E MUST be reset with a
// value of T2 seconds."
TEST(non_invite_client, provisional_moves_to_proceeding_with_t2_spacing) {
  auto h = udp();
  h.feed(events::start{"OPTIONS"});
  h.advance_to(1s);
  auto out = h.feed(events::response_received{100});
  EXPECT_THAT(describe(out), ElementsAre("pass_to_tu(100)"));
  EXPECT_EQ(h.machine.state(), st::proceeding);
  h.advance_to(40s);
  EXPECT_EQ(h.send_times("OPTIONS"),
            (std::vector<long long>{0, 500, 1500, 5500, 9500, 13500, 17500,
                                    21500, 25500, 29500}));
  // §17.1.2.2: Timer F also fires in "Proceeding".
  EXPECT_EQ(h.times_of<effects::timeout>(), (std::vector<long long>{32000}));
  EXPECT_EQ(h.machine.state(), st::terminated);
}

// §17.1.2.2: "If a provisional response is received while in the
// 'Proceeding' state, it MUST be passed to the TU."
TEST(non_invite_client, every_provisional_reaches_the_tu) {
  auto h = udp();
  h.feed(events::start{"MESSAGE"});
  h.feed(events::response_received{100});
  auto out = h.feed(events::response_received{180});
  EXPECT_THAT(describe(out), ElementsAre("pass_to_tu(180)"));
  EXPECT_EQ(h.count<effects::pass_to_tu>(), 2u);
  EXPECT_EQ(h.machine.state(), st::proceeding);
}

// §17.1.2.2: "If a final response (status codes 200-699) is received while
// the client transaction is in the 'Trying' state, the response MUST be
// passed to the TU, and the client transaction MUST transition to the
// 'Completed' state. ... Once the client transaction enters the
// 'Completed' state, it MUST set Timer K to fire in T4 seconds for
// unreliable transports".
TEST(non_invite_client, final_in_trying_completes_and_timer_k_ends_it) {
  auto h = udp();
  h.feed(events::start{"BYE"});
  h.advance_to(1s);
  auto out = h.feed(events::response_received{200});
  EXPECT_THAT(describe(out),
              ElementsAre("pass_to_tu(200)", "cancel_timer(E)",
                          "cancel_timer(F)", "start_timer(K, 5000ms)"));
  EXPECT_EQ(h.machine.state(), st::completed);
  h.advance_to(5999ms);
  EXPECT_EQ(h.machine.state(), st::completed);
  h.advance_to(6s);
  EXPECT_EQ(h.machine.state(), st::terminated);
  EXPECT_EQ(h.times_of<effects::terminated>(), (std::vector<long long>{6000}));
  EXPECT_EQ(h.send_times("BYE"), (std::vector<long long>{0, 500}));
  EXPECT_EQ(h.count<effects::timeout>(), 0u);
}

// §17.1.2.2: "If a final response is received while in the 'Proceeding'
// state, the response MUST be passed to the TU, and the client transaction
// MUST transition to the 'Completed' state."
TEST(non_invite_client, final_in_proceeding_completes) {
  auto h = udp();
  h.feed(events::start{"INFO"});
  h.feed(events::response_received{183});
  auto out = h.feed(events::response_received{481});
  EXPECT_EQ(describe(out).front(), "pass_to_tu(481)");
  EXPECT_EQ(h.machine.state(), st::completed);
}

// §17.1.2.2: "The 'Completed' state exists to buffer any additional
// response retransmissions that may be received (which is why the client
// transaction remains there only for unreliable transports)."
TEST(non_invite_client, completed_absorbs_response_retransmissions) {
  auto h = udp();
  h.feed(events::start{"BYE"});
  h.feed(events::response_received{200});
  EXPECT_TRUE(h.feed(events::response_received{200}).empty());
  EXPECT_TRUE(h.feed(events::response_received{180}).empty());
  EXPECT_EQ(h.count<effects::pass_to_tu>(), 1u);
  EXPECT_EQ(h.machine.stats().absorbed, 2u);
  EXPECT_EQ(h.machine.state(), st::completed);
}

// §17.1.2.2: "If an unreliable transport is in use, the client transaction
// MUST set timer E" (so not over TCP) and "Timer K ... zero seconds for
// reliable transports": Completed ends at once.
TEST(non_invite_client, reliable_has_no_timer_e_and_zero_timer_k) {
  auto h = tcp();
  auto out = h.feed(events::start{"REGISTER"});
  EXPECT_THAT(describe(out),
              ElementsAre("send:REGISTER", "start_timer(F, 32000ms)"));
  h.advance_to(10s);
  EXPECT_EQ(h.send_times("REGISTER"), (std::vector<long long>{0}));
  out = h.feed(events::response_received{200});
  EXPECT_THAT(describe(out),
              ElementsAre("pass_to_tu(200)", "cancel_timer(F)", "terminated"));
  EXPECT_EQ(h.machine.state(), st::terminated);
}

// §17.1.2.2: Timer F (64*T1) applies to reliable transports too.
TEST(non_invite_client, reliable_times_out_on_timer_f) {
  auto h = tcp();
  h.feed(events::start{"REGISTER"});
  h.advance_to(31999ms);
  EXPECT_EQ(h.machine.state(), st::trying);
  h.advance_to(32s);
  EXPECT_EQ(h.times_of<effects::timeout>(), (std::vector<long long>{32000}));
  EXPECT_EQ(h.machine.state(), st::terminated);
  EXPECT_EQ(h.send_times("REGISTER"), (std::vector<long long>{0}));
}

// §17.1.2.2 with T1 = 100 ms: Timer F is 64*T1 = 6.4 s, E doubles from
// 100 ms up to T2.
TEST(non_invite_client, timers_follow_t1) {
  timer_config cfg;
  cfg.t1 = 100ms;
  fixture_harness h{non_invite_client_transaction{cfg, false}};
  auto out = h.feed(events::start{"X"});
  EXPECT_THAT(describe(out), ElementsAre("send:X", "start_timer(E, 100ms)",
                                         "start_timer(F, 6400ms)"));
  h.advance(10s);
  EXPECT_EQ(h.send_times("X"),
            (std::vector<long long>{0, 100, 300, 700, 1500, 3100, 6300}));
  EXPECT_EQ(h.times_of<effects::timeout>(), (std::vector<long long>{6400}));
}

// §17.1.4: "the client transaction SHOULD inform the TU that a transport
// failure has occurred, and the client transaction SHOULD transition
// directly to the 'Terminated' state."
TEST(non_invite_client, transport_error_terminates) {
  auto h = udp();
  h.feed(events::start{"MESSAGE"});
  auto out = h.feed(events::transport_error{});
  EXPECT_THAT(describe(out), ElementsAre("transport_failure", "cancel_timer(E)",
                                         "cancel_timer(F)", "terminated"));
  h.advance(60s);
  EXPECT_EQ(h.send_times("MESSAGE"), (std::vector<long long>{0}));
}

// §17.1.2.2 (timers reset on each firing): a firing of a cancelled timer,
// or of an older generation, changes nothing.
TEST(non_invite_client, stale_timer_firings_are_ignored) {
  auto h = udp();
  auto start = h.feed(events::start{"BYE"});
  auto first_e = std::get<effects::start_timer>(start[1]);
  h.advance_to(500ms); // E fired and was re-armed with a new generation
  EXPECT_TRUE(
      h.feed(events::timer_fired{timer_id::e, first_e.generation}).empty());
  h.feed(events::response_received{200});
  auto f = std::get<effects::start_timer>(start[2]);
  EXPECT_TRUE(h.feed(events::timer_fired{timer_id::f, f.generation}).empty());
  EXPECT_EQ(h.machine.stats().stale_timers, 2u);
  EXPECT_EQ(h.machine.state(), st::completed);
  EXPECT_EQ(h.send_times("BYE"), (std::vector<long long>{0, 500}));
}

// §17.1.2: only the events of figure 6 are accepted per state; anything
// else is ignored and counted.
TEST(non_invite_client, unexpected_events_are_ignored_and_counted) {
  auto h = udp();
  EXPECT_TRUE(h.feed(events::response_received{200}).empty()); // idle
  h.feed(events::start{"BYE"});
  EXPECT_TRUE(h.feed(events::start{"BYE"}).empty());
  EXPECT_TRUE(h.feed(events::ack_built{"ACK"}).empty());
  EXPECT_TRUE(h.feed(events::response_received{99}).empty());
  EXPECT_TRUE(h.feed(events::response_received{700}).empty());
  EXPECT_EQ(h.machine.stats().ignored_events, 5u);
  EXPECT_EQ(h.machine.state(), st::trying);
  h.feed(events::transport_error{});
  EXPECT_TRUE(h.feed(events::response_received{200}).empty());
  EXPECT_EQ(h.machine.stats().ignored_events, 6u);
}

} // namespace
} // namespace ivm::sip
