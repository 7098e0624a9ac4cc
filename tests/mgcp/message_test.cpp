// MGCP messages (RFC 3435 §3): the Appendix F examples, osmo-mgw's request
// and response table, a real capture, and what malformed input gets.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "appliance/mgcp/message.hpp"

namespace mgcp = ivm::mgcp;
namespace fs = std::filesystem;

namespace {

const fs::path vectors = fs::path{IVM_SOURCE_DIR} / "tests/vectors/mgcp";

std::string slurp(const fs::path& p) {
  std::ifstream in{p, std::ios::binary};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string with_ids(std::string text) {
  for (auto pos = text.find("%s"); pos != std::string::npos;
       pos = text.find("%s"))
    text.replace(pos, 2, "4a84ad5d");
  return text;
}

mgcp::command command_of(const std::string& text) {
  auto m = mgcp::parse_one(text);
  EXPECT_TRUE(m) << (m ? "" : m.error().reason) << "\n" << text;
  if (!m || !std::holds_alternative<mgcp::command>(*m))
    return {};
  return std::get<mgcp::command>(*m);
}

mgcp::response response_of(const std::string& text) {
  auto m = mgcp::parse_one(text);
  EXPECT_TRUE(m) << (m ? "" : m.error().reason) << "\n" << text;
  if (!m || !std::holds_alternative<mgcp::response>(*m))
    return {};
  return std::get<mgcp::response>(*m);
}

// What is written back parses to the same message and writes the same.
void round_trips(const std::string& text) {
  auto m = mgcp::parse(text);
  ASSERT_TRUE(m) << m.error().reason << "\n" << text;
  auto wire = mgcp::serialize(*m);
  auto again = mgcp::parse(wire);
  ASSERT_TRUE(again) << again.error().reason << "\n" << wire;
  EXPECT_EQ(mgcp::serialize(*again), wire);
}

} // namespace

TEST(MgcpMessage, AppendixFExamplesParseAndRoundTrip) {
  int n = 0;
  for (auto& f : fs::directory_iterator(vectors / "rfc3435-appendixF")) {
    SCOPED_TRACE(f.path().filename().string());
    round_trips(slurp(f.path()));
    ++n;
  }
  EXPECT_EQ(n, 11);
}

TEST(MgcpMessage, NotificationRequestFields) {
  auto c = command_of(slurp(
      vectors / "rfc3435-appendixF/F.1b-RQNT-1202-accumulate-digitmap.txt"));
  EXPECT_EQ(c.what, mgcp::verb::rqnt);
  EXPECT_EQ(c.transaction, 1202u);
  EXPECT_EQ(c.endpoint, "aaln/1@rgw-2567.whatever.net");
  EXPECT_EQ(c.version, "1.0");
  ASSERT_NE(c.param("n"), nullptr); // names are case-insensitive
  EXPECT_EQ(*c.param("N"), "ca@ca1.whatever.net:5678");
  EXPECT_EQ(*c.param("D"), "(0T|00T|#xxxxxxx|*xx|91xxxxxxxxxx|9011x.T)");
  ASSERT_NE(c.param("S"), nullptr);
  EXPECT_EQ(*c.param("S"), ""); // an empty S: stops the signals
  EXPECT_EQ(*c.param("Q"), "process");
  EXPECT_TRUE(c.sdp.empty());
}

TEST(MgcpMessage, ResponseWithSdpAndProvisionalAndAck) {
  auto r = response_of(
      slurp(vectors / "rfc3435-appendixF/F.3a-resp-200-1204-with-SDP.txt"));
  EXPECT_EQ(r.code, 200);
  EXPECT_EQ(r.transaction, 1204u);
  ASSERT_NE(r.param("I"), nullptr);
  EXPECT_NE(r.sdp.find("m=audio"), std::string::npos);
  EXPECT_EQ(r.sdp.substr(0, 5), "v=0\r\n");

  auto p = response_of(
      slurp(vectors / "rfc3435-appendixF/F.3c-resp-100-1206-provisional.txt"));
  EXPECT_EQ(p.code, 100);
  auto f = response_of(slurp(
      vectors / "rfc3435-appendixF/F.3c-resp-200-1206-final-empty-K.txt"));
  EXPECT_EQ(f.code, 200);
  ASSERT_NE(f.param("K"), nullptr); // asks for a response acknowledgement
  EXPECT_EQ(*f.param("K"), "");

  auto busy = response_of(slurp(
      vectors / "rfc3435-appendixF/F.3b-resp-401-1205-phone-off-hook.txt"));
  EXPECT_EQ(busy.code, 401);
}

TEST(MgcpMessage, OsmoMgwRequestsAndResponses) {
  int commands = 0, responses = 0;
  for (auto& f : fs::directory_iterator(vectors / "osmo-mgw")) {
    auto name = f.path().filename().string();
    if (f.path().extension() != ".txt")
      continue;
    SCOPED_TRACE(name);
    auto text = with_ids(slurp(f.path()));
    bool short_or_empty =
        name.rfind("17-", 0) == 0 || name.rfind("18-", 0) == 0 ||
        name.rfind("19-", 0) == 0 || name.rfind("20-", 0) == 0 ||
        name.rfind("21-", 0) == 0;
    if (name == "31-CRCX.req.txt") {
      // A bare "X" line, which osmo-mgw skips: a parameter line needs its
      // colon (RFC 3435 §3.2.2), so this is a protocol error to the sender.
      auto m = mgcp::parse(text);
      ASSERT_FALSE(m);
      EXPECT_EQ(m.error().code, 510);
      EXPECT_EQ(m.error().transaction, 2u);
      continue;
    }
    if (name.find(".req.") != std::string::npos && !short_or_empty) {
      auto c = command_of(text);
      EXPECT_NE(c.transaction, 0u);
      round_trips(text);
      ++commands;
    } else if (name.find(".expected-resp.") != std::string::npos &&
               text.find("no response") == std::string::npos) {
      auto r = response_of(text);
      EXPECT_GE(r.code, 200);
      round_trips(text);
      ++responses;
    }
  }
  EXPECT_GE(commands, 30);
  EXPECT_GE(responses, 30);
}

TEST(MgcpMessage, TruncatedCommandLines) {
  // osmo-mgw's SHORT cases: no transaction id -> nothing to answer;
  // with one -> 510 to that transaction.
  auto empty = mgcp::parse(slurp(vectors / "osmo-mgw/17-EMPTY.req.txt"));
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().transaction, 0u);
  auto s1 = mgcp::parse(slurp(vectors / "osmo-mgw/18-SHORT1.req.txt"));
  ASSERT_FALSE(s1);
  EXPECT_EQ(s1.error().transaction, 0u);
  for (auto file :
       {"19-SHORT2.req.txt", "20-SHORT3.req.txt", "21-SHORT4.req.txt"}) {
    SCOPED_TRACE(file);
    auto s = mgcp::parse(slurp(vectors / "osmo-mgw" / file));
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, 510);
    EXPECT_EQ(s.error().transaction, 1u);
  }
}

TEST(MgcpMessage, RealCaptureQuirks) {
  auto dir = vectors / "captured-text";
  // MGCP 0.1 and a lower-case parameter value.
  auto c = command_of(slurp(dir / "MGCP.pcap-001.txt"));
  EXPECT_EQ(c.what, mgcp::verb::rqnt);
  EXPECT_EQ(c.endpoint, "*@gateway44.myplace.com");
  EXPECT_EQ(c.version, "0.1");
  EXPECT_EQ(*c.param("R"), "l/hd(n)");
  // A response line ending in a bare LF, with commentary.
  auto r = response_of(slurp(dir / "MGCP.pcap-002.txt"));
  EXPECT_EQ(r.code, 510);
  EXPECT_EQ(r.comment, "Protocol Error: Forbidden parameter line present.");
  // LF-only line endings, no empty line at the end.
  auto rsip = command_of(slurp(dir / "MGCP.pcap-003.txt"));
  EXPECT_EQ(rsip.what, mgcp::verb::rsip);
  EXPECT_EQ(rsip.transaction, 31656860u);
  EXPECT_EQ(*rsip.param("rm"), "restart");
  auto ok = response_of(slurp(dir / "MGCP.pcap-004.txt"));
  EXPECT_EQ(ok.code, 200);
  EXPECT_EQ(ok.comment, "ok");
}

TEST(MgcpMessage, PiggyBackedMessages) {
  std::string d = "200 1203 OK\r\n"
                  ".\r\n"
                  "DLCX 1244 aaln/1@rgw.example.net MGCP 1.0\r\n"
                  "C: A3C47F21456789F0\r\n"
                  "I: FDE234C8\r\n"
                  ".\n"
                  "NTFY 1245 aaln/2@rgw.example.net MGCP 1.0\n"
                  "X: 01\n"
                  "O: L/hu\n";
  auto ms = mgcp::parse(d);
  ASSERT_TRUE(ms) << ms.error().reason;
  ASSERT_EQ(ms->size(), 3u);
  EXPECT_EQ(std::get<mgcp::response>((*ms)[0]).transaction, 1203u);
  auto& dlcx = std::get<mgcp::command>((*ms)[1]);
  EXPECT_EQ(dlcx.what, mgcp::verb::dlcx);
  EXPECT_EQ(*dlcx.param("i"), "FDE234C8");
  EXPECT_EQ(*std::get<mgcp::command>((*ms)[2]).param("O"), "L/hu");
  auto wire = mgcp::serialize(*ms);
  EXPECT_NE(wire.find("\r\n.\r\nDLCX 1244"), std::string::npos);
  ASSERT_TRUE(mgcp::parse(wire));
}

TEST(MgcpMessage, ErrorsCarryTheRightCode) {
  auto code = [](const std::string& text) {
    auto m = mgcp::parse(text);
    return m ? 0 : m.error().code;
  };
  EXPECT_EQ(code("XYZW 17 aaln/1@gw MGCP 1.0\r\n"), 504); // unknown verb
  EXPECT_EQ(code("RQNT 17 aaln/1@gw MGCP 2.0\r\n"), 528); // version
  EXPECT_EQ(code("RQNT 17 aaln/1@gw SIP 1.0\r\n"), 510);
  EXPECT_EQ(code("RQNT 17 aaln/1@gw MGCP one\r\n"), 510);
  EXPECT_EQ(code("RQNT 17 aaln1 MGCP 1.0\r\n"), 500); // no domain
  EXPECT_EQ(code("RQNT 17 aaln/1@gw MGCP 1.0\r\nX 12\r\n"), 510);
  EXPECT_EQ(code("RQNT 17 aaln/1@gw MGCP 1.0\r\nX Y: 12\r\n"), 510);
  auto big = mgcp::parse(std::string(9000, 'a'));
  ASSERT_FALSE(big);
  auto no_tid = mgcp::parse("RQNT abc aaln/1@gw MGCP 1.0\r\n");
  ASSERT_FALSE(no_tid);
  EXPECT_EQ(no_tid.error().transaction, 0u);
  auto too_long = mgcp::parse("RQNT 1234567890 aaln/1@gw MGCP 1.0\r\n");
  ASSERT_FALSE(too_long);
  EXPECT_EQ(too_long.error().transaction, 0u);
  // Known transaction: the error names it so the sender can be answered.
  auto e = mgcp::parse("RQNT 99 aaln/1@gw MGCP 1.0\r\nbad line\r\n");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().transaction, 99u);
  // A piggy-backed group is refused as a whole.
  EXPECT_FALSE(mgcp::parse("200 1 OK\r\n.\r\nnonsense\r\n"));
  std::string many;
  for (int i = 0; i < 20; ++i)
    many += "200 " + std::to_string(i + 1) + " OK\r\n.\r\n";
  EXPECT_FALSE(mgcp::parse(many));
}

TEST(MgcpMessage, WritesWhatTsharkAndGatewaysRead) {
  mgcp::command c;
  c.what = mgcp::verb::crcx;
  c.transaction = 1204;
  c.endpoint = "aaln/1@rgw-2567.whatever.net";
  c.params = {
      {"C", "A3C47F21456789F0"}, {"L", "p:10, a:PCMU"}, {"M", "recvonly"}};
  c.sdp = "v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 3456 RTP/AVP 0\r\n";
  EXPECT_EQ(mgcp::serialize(c),
            "CRCX 1204 aaln/1@rgw-2567.whatever.net MGCP 1.0\r\n"
            "C: A3C47F21456789F0\r\n"
            "L: p:10, a:PCMU\r\n"
            "M: recvonly\r\n"
            "\r\n"
            "v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 3456 RTP/AVP 0\r\n");
  auto r = mgcp::make_response(1204, 515);
  EXPECT_EQ(mgcp::serialize(r), "515 1204 Incorrect connection-id\r\n");
  auto ack = mgcp::make_response(1206, 0);
  EXPECT_EQ(mgcp::serialize(ack).substr(0, 9), "000 1206 ");
  EXPECT_EQ(mgcp::to_string(mgcp::verb::rsip), "RSIP");
  EXPECT_EQ(mgcp::verb_of("NTFY"), mgcp::verb::ntfy);
  // ABNF strings are case-insensitive (RFC 2234 §2.3): so are verbs.
  EXPECT_EQ(mgcp::verb_of("ntfy"), mgcp::verb::ntfy);
  EXPECT_FALSE(mgcp::verb_of("NTF"));
}
