#include "provisioning/tftp/transfer.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/provisioning/tftp/harness.hpp"

namespace ivm::provisioning::tftp {
namespace {

using namespace std::chrono_literals;
using effects::outcome;
using st = transfer_state;
using test::describe;
using test::harness;
using test::make_file;
using testing::ElementsAre;

// RFC 1350 §4: "A transfer is established by sending a request ... and
// receiving a positive reply, an acknowledgment packet for write, or the
// first data packet for read." §6: "The end of a transfer is marked by a
// DATA packet that contains between 0 and 511 bytes of data", so a size
// that is a multiple of 512 ends with an empty block.
TEST(tftp_transfer, lockstep_transfers_of_every_edge_size) {
  for (std::size_t size : {0u, 1u, 511u, 512u, 513u, 1024u, 1u << 20}) {
    harness h{server_config{}, {}, make_file(size)};
    test::client c{512, 1};
    auto r = test::run(h, c);
    ASSERT_TRUE(r) << size;
    EXPECT_EQ(r->result, outcome::completed) << size;
    EXPECT_EQ(r->bytes_acked, size);
    EXPECT_EQ(c.data, h.file) << size;
    EXPECT_EQ(h.machine.block_count(), size / 512 + 1);
    EXPECT_EQ(h.machine.stats().data_sent, size / 512 + 1);
    EXPECT_EQ(h.machine.stats().retransmissions, 0u);
    EXPECT_EQ(h.machine.state(), st::finished);
    EXPECT_FALSE(h.timer()) << "timer left armed";
    auto last = std::get<effects::send_data>(h.log[h.log.size() - 4].what);
    EXPECT_EQ(last.length, size % 512) << size;
  }
}

TEST(tftp_transfer, rrq_without_options_gets_data_1_at_once) {
  harness h{server_config{}, {}, make_file(513)};
  EXPECT_EQ(h.machine.state(), st::idle);
  EXPECT_THAT(describe(h.feed(events::start{})),
              ElementsAre("data(1, +0, 512)", "set_timer(1000ms)"));
  EXPECT_EQ(h.machine.state(), st::sending);
  EXPECT_THAT(describe(h.ack(1)),
              ElementsAre("data(2, +512, 1)", "set_timer(1000ms)"));
  EXPECT_THAT(describe(h.ack(2)),
              ElementsAre("cancel_timer", "done(completed, 513 bytes)"));
}

// RFC 2347 (Negotiation Protocol): a server that accepts options sends an
// OACK listing them; the client answers with ACK 0, then DATA 1 follows.
TEST(tftp_transfer, accepted_options_send_oack_and_wait_for_ack_0) {
  harness h{server_config{},
            {{"blksize", "1024"}, {"tsize", "0"}, {"foo", "bar"}},
            make_file(1500)};
  EXPECT_THAT(describe(h.feed(events::start{})),
              ElementsAre("send(26 bytes)", "set_timer(1000ms)"));
  EXPECT_EQ(h.wire.front(),
            make_oack({{"blksize", "1024"}, {"tsize", "1500"}}));
  EXPECT_EQ(h.machine.state(), st::negotiating);
  EXPECT_TRUE(h.ack(1).empty()) << "only ACK 0 answers an OACK";
  EXPECT_EQ(h.machine.stats().stale_acks, 1u);
  EXPECT_THAT(describe(h.ack(0)),
              ElementsAre("data(1, +0, 1024)", "set_timer(1000ms)"));
  EXPECT_EQ(h.machine.state(), st::sending);
  EXPECT_TRUE(h.ack(0).empty()) << "a repeated ACK 0 sends nothing";
  EXPECT_EQ(h.machine.stats().duplicate_acks, 1u);
  EXPECT_THAT(describe(h.ack(1)),
              ElementsAre("data(2, +1024, 476)", "set_timer(1000ms)"));
}

TEST(tftp_transfer, oack_is_retransmitted_until_ack_0) {
  harness h{server_config{}, {{"tsize", "0"}}, make_file(10)};
  h.feed(events::start{});
  h.advance_to(2500ms);
  EXPECT_EQ(h.count<effects::send>(), 3u);
  EXPECT_EQ(h.machine.stats().retransmissions, 2u);
  h.ack(0);
  EXPECT_EQ(h.data_times(1), (std::vector<long long>{2500}));
}

// RFC 2347: a client that does not like the OACK ends the transfer with
// ERROR 8. RFC 1350 §7: an ERROR "will not be retransmitted or
// acknowledged".
TEST(tftp_transfer, client_error_ends_the_transfer_silently) {
  harness h{server_config{}, {{"blksize", "1024"}}, make_file(4000)};
  h.feed(events::start{});
  EXPECT_THAT(
      describe(h.feed(events::error_received{8, "no"})),
      ElementsAre("cancel_timer", "done(client_error, 0 bytes, error 8)"));
  EXPECT_EQ(h.result->error_message, "no");
  EXPECT_EQ(h.machine.state(), st::finished);
  h.advance_to(60s);
  EXPECT_EQ(h.count<effects::send>(), 1u);

  harness mid{server_config{}, {}, make_file(2000)};
  mid.feed(events::start{});
  mid.ack(1);
  mid.ack(2);
  mid.feed(events::error_received{3, "disk full"});
  EXPECT_EQ(mid.result->result, outcome::client_error);
  EXPECT_EQ(mid.result->bytes_acked, 1024u);
}

// RFC 1123 §4.2.3.1: the sender of DATA never resends the current block
// because of a duplicate ACK, only on a timeout. The Sorcerer's Apprentice: a
// delayed ACK 1 makes the server time out and resend DATA 1; the client
// acknowledges both copies. The second ACK 1 must not send DATA 2 again.
TEST(tftp_transfer, duplicate_ack_sends_nothing) {
  harness h{server_config{}, {}, make_file(3000)};
  h.feed(events::start{});
  h.advance_to(1000ms); // ACK 1 is late: DATA 1 again
  EXPECT_EQ(h.data_times(1), (std::vector<long long>{0, 1000}));
  h.advance_to(1100ms);
  EXPECT_THAT(describe(h.ack(1)),
              ElementsAre("data(2, +512, 512)", "set_timer(1000ms)"));
  h.advance_to(1200ms);
  EXPECT_TRUE(h.ack(1).empty()); // the answer to the second DATA 1
  EXPECT_THAT(describe(h.ack(2)),
              ElementsAre("data(3, +1024, 512)", "set_timer(1000ms)"));
  EXPECT_TRUE(h.ack(2).empty());
  EXPECT_TRUE(h.ack(1).empty());
  EXPECT_EQ(h.data_times(2), (std::vector<long long>{1100}));
  EXPECT_EQ(h.data_times(3), (std::vector<long long>{1200}));
  EXPECT_EQ(h.machine.stats().duplicate_acks, 2u);
  EXPECT_EQ(h.machine.stats().stale_acks, 1u); // ACK 1 after ACK 2
}

// RFC 1350 §2: "If a packet gets lost in the network, the intended
// recipient will timeout and may retransmit his last packet ... thus
// causing the sender of the lost packet to retransmit that lost packet."
TEST(tftp_transfer, lost_data_and_lost_acks_are_recovered_by_the_timer) {
  harness h{server_config{}, {}, make_file(10 * 512 + 100)};
  test::client c{512, 1};
  auto r = test::run(
      h, c, [](std::size_t n, const std::string&) { return n == 2 || n == 6; },
      [](std::size_t n, const std::string&) { return n == 4; });
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result, outcome::completed);
  EXPECT_EQ(c.data, h.file);
  EXPECT_EQ(h.machine.stats().timeouts, 3u);
  EXPECT_EQ(h.machine.stats().retransmissions, 3u);
  EXPECT_EQ(h.machine.stats().data_sent, 11u + 3u);
}

TEST(tftp_transfer, gives_up_after_the_configured_retries) {
  harness h{server_config{}, {}, make_file(100)};
  h.feed(events::start{});
  h.advance_to(1h);
  EXPECT_EQ(h.data_times(1),
            (std::vector<long long>{0, 1000, 2000, 3000, 4000, 5000}));
  ASSERT_TRUE(h.result);
  EXPECT_EQ(h.result->result, outcome::timed_out);
  EXPECT_EQ(h.result->bytes_acked, 0u);
  EXPECT_EQ(h.log.back().at, 6000ms);
  EXPECT_EQ(h.count<effects::send>(), 0u) << "no ERROR to a vanished client";
  EXPECT_EQ(h.machine.stats().timeouts, 6u);

  server_config impatient;
  impatient.max_retries = 0;
  harness once{impatient, {}, make_file(100)};
  once.feed(events::start{});
  once.advance_to(1h);
  EXPECT_EQ(once.data_times(1), (std::vector<long long>{0}));
  EXPECT_EQ(once.result->result, outcome::timed_out);
}

// RFC 2349: the negotiated timeout is the retransmission interval; the
// retry count starts over after each ACK that moves the transfer on.
TEST(tftp_transfer, negotiated_timeout_sets_the_interval) {
  harness h{server_config{}, {{"timeout", "3"}}, make_file(600)};
  h.feed(events::start{});
  h.advance_to(4s);
  h.ack(0);
  EXPECT_THAT(describe(h.ack(0)), ElementsAre());
  h.advance_to(4s + 5 * 3s);
  EXPECT_EQ(h.data_times(1),
            (std::vector<long long>{4000, 7000, 10000, 13000, 16000, 19000}));
  h.ack(1);
  h.advance_to(4s + 5 * 3s + 18s);
  EXPECT_EQ(h.data_times(2).size(), 6u);
  EXPECT_EQ(h.result->result, outcome::timed_out);
  EXPECT_EQ(h.result->bytes_acked, 512u);
}

TEST(tftp_transfer, stale_timer_and_unexpected_events_are_ignored) {
  harness h{server_config{}, {}, make_file(2000)};
  EXPECT_TRUE(h.ack(0).empty()) << "nothing before start";
  EXPECT_TRUE(h.feed(events::timer_fired{1}).empty());
  h.feed(events::start{});
  auto first = h.timer()->generation;
  h.ack(1);
  EXPECT_TRUE(h.feed(events::timer_fired{first}).empty());
  EXPECT_TRUE(h.feed(events::start{}).empty());
  EXPECT_TRUE(h.ack(7).empty()) << "a block never sent";
  EXPECT_EQ(h.machine.stats().stale_timers, 2u);
  EXPECT_EQ(h.machine.stats().ignored_events, 2u);
  EXPECT_EQ(h.machine.stats().stale_acks, 1u);
  EXPECT_EQ(h.data_times(2).size(), 1u);
}

TEST(tftp_transfer, finished_transfer_ignores_everything) {
  harness h{server_config{}, {}, make_file(0)};
  h.feed(events::start{});
  h.ack(1);
  ASSERT_EQ(h.machine.state(), st::finished);
  EXPECT_TRUE(h.ack(1).empty());
  EXPECT_TRUE(h.feed(events::error_received{0, ""}).empty());
  EXPECT_TRUE(h.feed(events::start{}).empty());
  EXPECT_EQ(h.count<effects::done>(), 1u);
}

} // namespace
} // namespace ivm::provisioning::tftp
