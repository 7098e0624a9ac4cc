// RFC 7440 windowed sending and block number rollover.

#include "provisioning/tftp/transfer.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/provisioning/tftp/harness.hpp"

namespace ivm::provisioning::tftp {
namespace {

using namespace std::chrono_literals;
using effects::outcome;
using test::describe;
using test::harness;
using test::make_file;
using testing::ElementsAre;

std::vector<option> window(const char* w, const char* blksize = "512") {
  return {{"blksize", blksize}, {"windowsize", w}};
}

// RFC 7440: the sender sends windowsize blocks before it waits; the
// receiver acknowledges the window's last block; the transfer ends with
// the short block as in RFC 1350.
TEST(tftp_window, sends_whole_windows_and_moves_on_their_last_ack) {
  harness h{server_config{}, window("4"), make_file(5000)};
  h.feed(events::start{});
  EXPECT_EQ(h.wire.front(),
            make_oack({{"blksize", "512"}, {"windowsize", "4"}}));
  EXPECT_THAT(describe(h.ack(0)),
              ElementsAre("data(1, +0, 512)", "data(2, +512, 512)",
                          "data(3, +1024, 512)", "data(4, +1536, 512)",
                          "set_timer(1000ms)"));
  EXPECT_THAT(describe(h.ack(4)),
              ElementsAre("data(5, +2048, 512)", "data(6, +2560, 512)",
                          "data(7, +3072, 512)", "data(8, +3584, 512)",
                          "set_timer(1000ms)"));
  EXPECT_THAT(describe(h.ack(8)),
              ElementsAre("data(9, +4096, 512)", "data(10, +4608, 392)",
                          "set_timer(1000ms)"));
  EXPECT_THAT(describe(h.ack(10)),
              ElementsAre("cancel_timer", "done(completed, 5000 bytes)"));
}

// RFC 7440: on a gap the receiver acknowledges the last block it received
// in order; the sender then resends from the block after it. Further ACKs
// of that block are duplicates and send nothing.
TEST(tftp_window, ack_inside_the_window_rewinds_once) {
  harness h{server_config{}, window("4"), make_file(5000)};
  h.feed(events::start{});
  h.ack(0);
  EXPECT_THAT(describe(h.ack(2)),
              ElementsAre("resend_data(3, +1024, 512)",
                          "resend_data(4, +1536, 512)", "data(5, +2048, 512)",
                          "data(6, +2560, 512)", "set_timer(1000ms)"));
  EXPECT_TRUE(h.ack(2).empty());
  EXPECT_TRUE(h.ack(1).empty());
  EXPECT_EQ(h.machine.stats().duplicate_acks, 1u);
  EXPECT_EQ(h.machine.stats().stale_acks, 1u);
  EXPECT_THAT(describe(h.ack(5)),
              ElementsAre("resend_data(6, +2560, 512)", "data(7, +3072, 512)",
                          "data(8, +3584, 512)", "data(9, +4096, 512)",
                          "set_timer(1000ms)"));
}

TEST(tftp_window, timeout_resends_the_outstanding_window) {
  harness h{server_config{}, window("3"), make_file(5000)};
  h.feed(events::start{});
  h.ack(0);
  h.ack(3);
  h.advance_to(1000ms);
  EXPECT_EQ(h.data_times(4), (std::vector<long long>{0, 1000}));
  EXPECT_EQ(h.data_times(5), (std::vector<long long>{0, 1000}));
  EXPECT_EQ(h.data_times(6), (std::vector<long long>{0, 1000}));
  EXPECT_TRUE(h.data_times(7).empty());
}

TEST(tftp_window, window_is_capped_by_the_server) {
  harness h{server_config{}, window("100"), make_file(100000)};
  h.feed(events::start{});
  EXPECT_EQ(h.machine.options().window_size, 64);
  EXPECT_EQ(h.wire.front(),
            make_oack({{"blksize", "512"}, {"windowsize", "64"}}));
  auto out = h.ack(0);
  EXPECT_EQ(out.size(), 65u);
}

TEST(tftp_window, lost_data_inside_windows_is_resent_from_the_gap) {
  harness h{server_config{}, window("8"), make_file(100 * 1024)};
  test::client c{512, 8};
  auto r = test::run(h, c, [](std::size_t n, const std::string&) {
    return n == 3 || n == 20 || n == 21 || n == 50;
  });
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result, outcome::completed);
  EXPECT_EQ(c.data, h.file);
  EXPECT_EQ(h.machine.stats().timeouts, 0u) << "gaps are seen by the client";
  EXPECT_GT(h.machine.stats().retransmissions, 0u);
  EXPECT_GT(h.machine.stats().duplicate_acks, 0u);
}

TEST(tftp_window, lost_window_ack_is_recovered_by_the_timer) {
  harness h{server_config{}, window("8"), make_file(10000)};
  test::client c{512, 8};
  auto r = test::run(h, c, test::no_loss,
                     [](std::size_t n, const std::string&) { return n == 1; });
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result, outcome::completed);
  EXPECT_EQ(c.data, h.file);
  EXPECT_EQ(h.machine.stats().timeouts, 1u);
  EXPECT_EQ(h.machine.stats().retransmissions, 8u);
  // The client ACKs each of the 8 copies; only the first moves on.
  EXPECT_EQ(h.machine.stats().duplicate_acks, 7u);
}

TEST(tftp_window, one_mebibyte_through_a_lossy_link) {
  harness h{server_config{}, window("16", "1468"), make_file(1 << 20)};
  test::client c{1468, 16};
  auto r = test::run(
      h, c, [](std::size_t n, const std::string&) { return n % 7 == 3; },
      [](std::size_t n, const std::string&) { return n % 5 == 2; });
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result, outcome::completed);
  EXPECT_EQ(r->bytes_acked, 1u << 20);
  EXPECT_EQ(c.data, h.file);
  EXPECT_EQ(h.machine.block_count(), (1u << 20) / 1468 + 1);
}

TEST(tftp_window, lockstep_through_a_lossy_link) {
  harness h{server_config{}, {}, make_file(1 << 20)};
  test::client c{512, 1};
  auto r = test::run(
      h, c, [](std::size_t n, const std::string&) { return n % 11 == 5; },
      [](std::size_t n, const std::string&) { return n % 13 == 7; });
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result, outcome::completed);
  EXPECT_EQ(c.data, h.file);
}

// Block numbers are 16 bits (RFC 1350 §5); after 65535 the next block is
// 0, as tftp-hpa and atftp number them.
TEST(tftp_window, block_numbers_roll_over_to_zero) {
  const std::size_t size = 8 * 70000 + 3;
  harness h{server_config{}, {{"blksize", "8"}}, make_file(size)};
  test::client c{8, 1};
  auto r = test::run(h, c);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result, outcome::completed);
  EXPECT_EQ(r->bytes_acked, size);
  EXPECT_EQ(c.data, h.file);
  EXPECT_EQ(h.machine.block_count(), 70001u);
  std::vector<std::uint64_t> offsets_of_block_0;
  for (auto& rec : h.log)
    if (auto d = std::get_if<effects::send_data>(&rec.what); d && d->block == 0)
      offsets_of_block_0.push_back(d->offset);
  EXPECT_EQ(offsets_of_block_0, (std::vector<std::uint64_t>{65535u * 8}));
}

TEST(tftp_window, acks_across_the_rollover_map_to_the_window) {
  harness h{server_config{}, window("4", "8"), make_file(8 * 65540)};
  h.feed(events::start{});
  h.ack(0);
  for (std::uint32_t k = 4; k <= 65532; k += 4)
    h.ack(static_cast<std::uint16_t>(k));
  EXPECT_EQ(h.machine.bytes_acked(), 65532u * 8);
  // Blocks 65533, 65534, 65535 and 0 are out: ACK 0 is the window's end.
  EXPECT_TRUE(h.ack(65532).empty());
  EXPECT_THAT(describe(h.ack(0)),
              ElementsAre("data(1, +524288, 8)", "data(2, +524296, 8)",
                          "data(3, +524304, 8)", "data(4, +524312, 8)",
                          "set_timer(1000ms)"));
  EXPECT_TRUE(h.ack(65535).empty()) << "before the rollover: stale";
  EXPECT_TRUE(h.ack(0).empty()) << "duplicate";
  EXPECT_THAT(describe(h.ack(2)),
              ElementsAre("resend_data(3, +524304, 8)",
                          "resend_data(4, +524312, 8)", "data(5, +524320, 0)",
                          "set_timer(1000ms)"));
  EXPECT_THAT(describe(h.ack(5)),
              ElementsAre("cancel_timer", "done(completed, 524320 bytes)"));
}

TEST(tftp_window, rollover_with_losses_in_windows) {
  const std::size_t size = 8 * 66000;
  harness h{server_config{}, window("16", "8"), make_file(size)};
  test::client c{8, 16};
  auto r = test::run(
      h, c,
      [](std::size_t n, const std::string&) {
        return n == 65530 || n == 65537 || n == 65600 || n % 1000 == 999;
      },
      [](std::size_t n, const std::string&) { return n == 4096 || n == 4097; });
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result, outcome::completed);
  EXPECT_EQ(c.data, h.file);
}

} // namespace
} // namespace ivm::provisioning::tftp
