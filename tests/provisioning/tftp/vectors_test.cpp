// The packets of the Wireshark sample captures (tests/vectors/tftp/).

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "provisioning/tftp/codec.hpp"
#include "provisioning/tftp/server.hpp"
#include "tests/provisioning/tftp/harness.hpp"

namespace ivm::provisioning::tftp {
namespace {

namespace fs = std::filesystem;

struct vector_file {
  std::string name;
  std::string bytes;
};

/// Every vector, sorted by name (capture, then frame number).
std::vector<vector_file> all_vectors() {
  std::vector<vector_file> result;
  fs::path root{std::string{IVM_SOURCE_DIR} + "/tests/vectors/tftp"};
  for (auto& entry : fs::directory_iterator(root)) {
    if (entry.path().extension() != ".bin")
      continue;
    std::ifstream in{entry.path(), std::ios::binary};
    result.push_back({entry.path().filename().string(),
                      std::string{std::istreambuf_iterator<char>{in}, {}}});
  }
  std::sort(result.begin(), result.end(),
            [](auto& x, auto& y) { return x.name < y.name; });
  return result;
}

/// Returns the vectors of one capture whose kind starts with `kind`.
std::vector<vector_file> of(const std::string& capture,
                            const std::string& kind) {
  std::vector<vector_file> result;
  for (auto& v : all_vectors())
    if (v.name.rfind(capture + "-f", 0) == 0 &&
        v.name.find("-" + kind, capture.size() + 5) != std::string::npos)
      result.push_back(v);
  return result;
}

TEST(tftp_vectors, all_found_and_parse_as_named) {
  auto vs = all_vectors();
  ASSERT_EQ(vs.size(), 199u);
  for (auto& v : vs) {
    auto x = parse(v.bytes);
    ASSERT_TRUE(x) << v.name;
    auto op = opcode_of(*x);
    if (v.name.find("-rrq") != std::string::npos)
      EXPECT_EQ(op, opcode::rrq) << v.name;
    else if (v.name.find("-wrq") != std::string::npos)
      EXPECT_EQ(op, opcode::wrq) << v.name;
    else if (v.name.find("-data-") != std::string::npos)
      EXPECT_EQ(op, opcode::data) << v.name;
    else
      EXPECT_EQ(op, opcode::ack) << v.name;
    EXPECT_EQ(serialize(*x), v.bytes) << v.name;
  }
}

// Truncation is the commonest malformation: every prefix either fails with
// an error or parses to a packet that writes back to itself.
TEST(tftp_vectors, every_prefix_parses_or_fails_cleanly) {
  for (auto& v : all_vectors()) {
    for (std::size_t n = 0; n <= v.bytes.size(); ++n) {
      // A copy of exactly n octets, so that ASan sees reads past the end.
      std::vector<char> copy(v.bytes.begin(), v.bytes.begin() + n);
      std::string_view prefix{copy.data(), copy.size()};
      auto x = parse(prefix);
      if (x) {
        EXPECT_EQ(parse(serialize(*x)).value(), *x) << v.name << " " << n;
      }
      screen_request(prefix);
    }
  }
}

// RFC 1350 §5: the capture's RRQ, "rfc1350.txt" in octet mode.
TEST(tftp_vectors, capture_rrq_is_a_plain_read_request) {
  auto rrq = of("tftp_rrq", "rrq");
  ASSERT_EQ(rrq.size(), 1u);
  auto r = screen_request(rrq[0].bytes);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->file_name, "rfc1350.txt");
  EXPECT_EQ(r->mode, transfer_mode::octet);
  EXPECT_TRUE(r->options.empty());
  auto wrq = of("tftp_wrq", "wrq");
  ASSERT_EQ(wrq.size(), 1u);
  auto w = screen_request(wrq[0].bytes);
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().code, error_code::access_violation);
}

// The server answering the capture's RRQ with the capture's file and ACKs
// sends the capture's DATA packets, octet for octet.
TEST(tftp_vectors, serving_the_capture_reproduces_its_data_packets) {
  auto data = of("tftp_rrq", "data-");
  auto acks = of("tftp_rrq", "ack-");
  ASSERT_EQ(data.size(), 49u);
  ASSERT_EQ(acks.size(), 49u);
  std::string file;
  for (auto& d : data)
    file += d.bytes.substr(4);
  ASSERT_EQ(file.size(), 24599u);
  auto req = screen_request(of("tftp_rrq", "rrq")[0].bytes);
  ASSERT_TRUE(req);
  test::harness h{server_config{}, req->options, file};
  h.feed(events::start{});
  for (std::size_t i = 0; i < data.size(); ++i) {
    ASSERT_EQ(h.wire.size(), 1u) << i;
    EXPECT_EQ(h.wire.front(), data[i].bytes) << data[i].name;
    h.wire.pop_front();
    auto ev = to_event(acks[i].bytes);
    ASSERT_TRUE(ev) << acks[i].name;
    h.feed(*ev);
  }
  EXPECT_TRUE(h.wire.empty());
  ASSERT_TRUE(h.result);
  EXPECT_EQ(h.result->result, effects::outcome::completed);
  EXPECT_EQ(h.result->bytes_acked, 24599u);
}

} // namespace
} // namespace ivm::provisioning::tftp
