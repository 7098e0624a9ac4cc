#include "appliance/sip/transaction/timer.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "appliance/sip/transaction/client_transaction.hpp"
#include "appliance/sip/transaction/server_transaction.hpp"
#include "appliance/sip/transaction/timer_set.hpp"

namespace ivm::sip {
namespace {

using namespace std::chrono_literals;

// §17.1.1.1, table 4: T1 500 ms, T2 4 s, T4 5 s; B, F, H, J 64*T1; D > 32 s
// for unreliable, 0 for reliable; I and K T4 for unreliable, 0 for
// reliable. RFC 6026 adds L and M, both 64*T1.
TEST(timer_config, defaults_follow_table_4) {
  timer_config cfg;
  for (auto id : {timer_id::a, timer_id::e, timer_id::g})
    EXPECT_EQ(cfg.value(id, false), 500ms) << to_string(id);
  for (auto id : {timer_id::b, timer_id::f, timer_id::h, timer_id::j,
                  timer_id::l, timer_id::m})
    EXPECT_EQ(cfg.value(id, false), 32s) << to_string(id);
  EXPECT_EQ(cfg.value(timer_id::d, false), 32s);
  EXPECT_EQ(cfg.value(timer_id::i, false), 5s);
  EXPECT_EQ(cfg.value(timer_id::k, false), 5s);
  EXPECT_EQ(cfg.value(timer_id::trying, false), 200ms);
}

// §17, table 4: D, I, J, K are zero over reliable transports; the 64*T1
// timers are not.
TEST(timer_config, reliable_zeroes_the_wait_timers) {
  timer_config cfg;
  for (auto id : {timer_id::d, timer_id::i, timer_id::j, timer_id::k})
    EXPECT_EQ(cfg.value(id, true), 0ms) << to_string(id);
  for (auto id :
       {timer_id::b, timer_id::f, timer_id::h, timer_id::l, timer_id::m})
    EXPECT_EQ(cfg.value(id, true), 32s) << to_string(id);
}

// §17.1.1.1, table 4: B, F, H and J are defined as 64*T1, so they scale
// when T1 is changed; an explicit override wins.
TEST(timer_config, long_timers_follow_t1_unless_overridden) {
  timer_config cfg;
  cfg.t1 = 250ms;
  cfg.timer_h = 10s;
  EXPECT_EQ(cfg.value(timer_id::b, false), 16s);
  EXPECT_EQ(cfg.value(timer_id::h, false), 10s);
  EXPECT_EQ(cfg.value(timer_id::a, false), 250ms);
}

// §17.1.1.2 and friends reset timers on each firing: only the newest
// generation of an armed timer counts, and only once.
TEST(timer_set, only_the_armed_generation_fires_once) {
  timer_set ts;
  transaction_effects out;
  tx_time now{};
  ts.arm(timer_id::a, 500ms, now, out);
  ts.arm(timer_id::a, 1s, now, out); // replaces the first
  auto first = std::get<effects::start_timer>(out[0]);
  auto second = std::get<effects::start_timer>(out[1]);
  EXPECT_NE(first.generation, second.generation);
  EXPECT_EQ(second.at, now + 1s);
  EXPECT_FALSE(ts.fire(events::timer_fired{timer_id::a, first.generation}));
  EXPECT_TRUE(ts.fire(events::timer_fired{timer_id::a, second.generation}));
  EXPECT_FALSE(ts.fire(events::timer_fired{timer_id::a, second.generation}));
  EXPECT_FALSE(ts.armed(timer_id::a));
}

// Cancelled timers are stale; cancelling twice emits one cancel_timer.
TEST(timer_set, disarmed_timers_are_stale) {
  timer_set ts;
  transaction_effects out;
  ts.arm(timer_id::h, 32s, tx_time{}, out);
  ts.arm(timer_id::g, 500ms, tx_time{}, out);
  auto h = std::get<effects::start_timer>(out[0]);
  ts.disarm(timer_id::h, out);
  ts.disarm(timer_id::h, out);
  ts.disarm_all(out);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(to_string(out[2]), "cancel_timer(H)");
  EXPECT_EQ(to_string(out[3]), "cancel_timer(G)");
  EXPECT_FALSE(ts.fire(events::timer_fired{timer_id::h, h.generation}));
  EXPECT_FALSE(ts.fire(events::timer_fired{static_cast<timer_id>(200), 1}));
}

// States and timers render with the RFC's names, for logs and metrics.
TEST(names, states_timers_and_effects_render) {
  EXPECT_EQ(to_string(invite_client_state::calling), "Calling");
  EXPECT_EQ(to_string(invite_client_state::accepted), "Accepted");
  EXPECT_EQ(to_string(non_invite_client_state::trying), "Trying");
  EXPECT_EQ(to_string(invite_server_state::confirmed), "Confirmed");
  EXPECT_EQ(to_string(non_invite_server_state::completed), "Completed");
  EXPECT_EQ(to_string(timer_id::m), "M");
  EXPECT_EQ(to_string(timer_id::trying), "trying");
  EXPECT_EQ(to_string(effect{effects::send{"abc"}}), "send(3 bytes)");
  EXPECT_EQ(to_string(effect{effects::timeout{timer_id::b}}), "timeout(B)");
  EXPECT_EQ(to_string(effect{effects::start_timer{timer_id::e, 1, 500ms, {}}}),
            "start_timer(E, 500ms)");
}

} // namespace
} // namespace ivm::sip
