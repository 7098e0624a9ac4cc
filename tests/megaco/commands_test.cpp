// appliance/megaco commands: the RFC 3525 call flow as OTP's vectors have it
// (ServiceChange, Notify with observed events, Add with SDP and its reply,
// errors, acks) read into transactions; what the box builds reads back the
// same and names what it should.

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "appliance/megaco/commands.hpp"

namespace fs = std::filesystem;
namespace megaco = ivm::megaco;

namespace {

const fs::path vectors = fs::path{IVM_SOURCE_DIR} / "tests/vectors/megaco";

std::string slurp(const fs::path& p) {
  std::ifstream f{p, std::ios::binary};
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

megaco::decoded read(const char* name) {
  auto d = megaco::decode(slurp(vectors / name));
  EXPECT_TRUE(d) << name << ": " << d.error().reason;
  return d ? *d : megaco::decoded{};
}

template <class T>
const T& only(const megaco::decoded& d) {
  EXPECT_EQ(d.transactions.size(), 1u);
  return std::get<T>(d.transactions.at(0));
}

} // namespace

TEST(megaco_commands, every_vector_decodes) {
  for (auto sub : {"otp-time_test", "captured-text"})
    for (auto& f : fs::directory_iterator(vectors / sub)) {
      auto name = f.path().filename().string();
      if (name.find("INDEX") != std::string::npos ||
          name == "ApplyMegacoInFilter-163.txt") // cut in the capture
        continue;
      auto d = megaco::decode(slurp(f.path()));
      EXPECT_TRUE(d) << name << ": " << d.error().reason;
    }
}

TEST(megaco_commands, service_change_restart) {
  auto d = read("otp-time_test/msg04.txt");
  auto& rq = only<megaco::request>(d);
  EXPECT_EQ(rq.id, 9998u);
  ASSERT_EQ(rq.actions.size(), 1u);
  EXPECT_EQ(rq.actions[0].context, "-");
  auto& c = rq.actions[0].commands.at(0);
  EXPECT_EQ(c.what, megaco::verb::service_change);
  EXPECT_EQ(c.termination, "root");
  auto sc = megaco::service_change_of(c);
  ASSERT_TRUE(sc);
  EXPECT_EQ(sc->method, "Restart");
  EXPECT_EQ(sc->address, "55555");
  EXPECT_EQ(sc->profile, "resgw/1");
  EXPECT_EQ(sc->reason, "901 mg col boot");
  // Compact, from a real gateway: Failover with a version.
  auto f = read("captured-text/ApplyMegacoInFilter-001.txt");
  auto fc = megaco::service_change_of(
      only<megaco::request>(f).actions.at(0).commands.at(0));
  ASSERT_TRUE(fc);
  EXPECT_EQ(fc->method, "FL");
  EXPECT_EQ(fc->version, 1);
}

TEST(megaco_commands, notify_with_observed_events) {
  auto d = read("otp-time_test/msg23c.txt");
  ASSERT_EQ(d.transactions.size(), 2u);
  auto& rq = std::get<megaco::request>(d.transactions[0]);
  auto& c = rq.actions.at(0).commands.at(0);
  EXPECT_EQ(c.what, megaco::verb::notify);
  EXPECT_EQ(c.termination, "11111111/11111111/00000000");
  auto oe = megaco::observed_of(c);
  ASSERT_TRUE(oe);
  EXPECT_EQ(oe->request_id, "1235");
  ASSERT_EQ(oe->events.size(), 1u);
  EXPECT_EQ(oe->events[0].name, "al/on");
  EXPECT_EQ(oe->events[0].timestamp, "19990729T24020002");
  // Digits completed, blanks around the colon, from a real gateway.
  auto g = read("captured-text/ApplyMegacoInFilter-123.txt");
  auto ge = megaco::observed_of(
      only<megaco::request>(g).actions.at(0).commands.at(0));
  ASSERT_TRUE(ge);
  EXPECT_EQ(ge->events.at(0).name, "dd/ce");
  EXPECT_EQ(ge->events[0].param("ds"), "");
  EXPECT_EQ(ge->events[0].param("Meth"), "PM");
}

TEST(megaco_commands, add_reply_with_the_gateway_sdp) {
  auto d = read("otp-time_test/msg13.txt");
  auto& rp = only<megaco::reply>(d);
  EXPECT_EQ(rp.id, 50003u);
  EXPECT_FALSE(rp.error);
  auto& a = rp.actions.at(0);
  EXPECT_EQ(a.context, "5000");
  auto& c = a.commands.at(0);
  EXPECT_EQ(c.what, megaco::verb::add);
  EXPECT_EQ(c.termination, "11111111/11111111/11111111");
  auto sdp = c.local_sdp();
  ASSERT_TRUE(sdp);
  EXPECT_NE(sdp->find("m=audio 1111 RTP/AVP 4"), std::string::npos);
  EXPECT_FALSE(c.remote_sdp());
}

TEST(megaco_commands, pending_acks_and_errors) {
  auto k = read("otp-time_test/msg30b.txt");
  auto& ack = only<megaco::response_ack>(k);
  ASSERT_FALSE(ack.ranges.empty());
  EXPECT_LE(ack.ranges[0].first, ack.ranges[0].second);
  auto e = megaco::decode("MEGACO/1 [1.2.3.4]:2944\nP=12{ER=410{\"Incorrect "
                          "identifier\"}}");
  ASSERT_TRUE(e);
  auto& rp = std::get<megaco::reply>(e->transactions.at(0));
  ASSERT_TRUE(rp.error);
  EXPECT_EQ(rp.error->code, 410);
  EXPECT_EQ(rp.error->text, "Incorrect identifier");
  auto p = megaco::decode("!/1 [1.2.3.4]:2944 PN=7");
  ASSERT_TRUE(p);
  EXPECT_EQ(std::get<megaco::pending>(p->transactions.at(0)).id, 7u);
  auto m = megaco::decode("MEGACO/1 [1.2.3.4]:2944 ER=400{\"Syntax error\"}");
  ASSERT_TRUE(m);
  ASSERT_TRUE(m->error);
  EXPECT_EQ(m->error->code, 400);
}

TEST(megaco_commands, structure_errors_name_the_transaction) {
  auto bad = megaco::decode("MEGACO/1 [1.2.3.4]:2944\nT=9{C=-{Frobnicate=x}}");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, 403);
  EXPECT_EQ(bad.error().transaction, 9u);
  EXPECT_FALSE(megaco::decode("MEGACO/1 [1.2.3.4]:2944\nT=0{C=-{N=ROOT}}"));
  EXPECT_FALSE(megaco::decode("MEGACO/1 [1.2.3.4]:2944\nT=x{C=-{N=ROOT}}"));
  EXPECT_FALSE(
      megaco::decode("MEGACO/1 [1.2.3.4]:2944\nT=4294967296{C=-{N=ROOT}}"));
  auto empty = megaco::decode("MEGACO/1 [1.2.3.4]:2944\nT=5{}");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().transaction, 5u);
  EXPECT_FALSE(megaco::decode("MEGACO/1 [1.2.3.4]:2944\nK{5-3}"));
  EXPECT_FALSE(megaco::decode("MEGACO/1 [1.2.3.4]:2944\nHello=1"));
}

TEST(megaco_commands, what_the_box_builds_reads_back) {
  using megaco::verb;
  auto modify = megaco::make_command(
      verb::modify, "line/1",
      {megaco::make_events("17", {"al/on", "dd/ce"}, "(0xxx|E8|EF)"),
       megaco::make_signals({"cg/dt"})});
  auto add = megaco::make_command(
      verb::add, "$",
      {megaco::make_media("SendReceive", "",
                          "v=0\nc=IN IP4 127.0.0.1\nm=audio 20000 RTP/AVP 0")});
  std::vector<megaco::node> items{
      megaco::make_request(41, "-", {modify}),
      megaco::make_request(42, "$",
                           {megaco::make_command(verb::add, "line/1"), add}),
      megaco::make_reply(7, "-",
                         {megaco::make_command(verb::notify, "line/1")}),
      megaco::make_error_reply(8, 421,
                               "Unknown action or illegal combination "
                               "of actions"),
      megaco::make_response_ack({{3, 5}, {9, 9}})};
  for (bool compact : {false, true}) {
    auto text = megaco::write_message("[127.0.0.1]:2944", items, 1, compact);
    auto d = megaco::decode(text);
    ASSERT_TRUE(d) << d.error().reason << "\n" << text;
    EXPECT_EQ(d->mid, "[127.0.0.1]:2944");
    ASSERT_EQ(d->transactions.size(), 5u) << text;
    auto& m = std::get<megaco::request>(d->transactions[0]);
    EXPECT_EQ(m.id, 41u);
    auto& mc = m.actions.at(0).commands.at(0);
    EXPECT_EQ(mc.what, verb::modify);
    EXPECT_EQ(mc.termination, "line/1");
    auto& a = std::get<megaco::request>(d->transactions[1]);
    EXPECT_EQ(a.actions.at(0).context, "$");
    ASSERT_EQ(a.actions[0].commands.size(), 2u);
    auto remote = a.actions[0].commands[1].remote_sdp();
    ASSERT_TRUE(remote) << text;
    EXPECT_NE(remote->find("m=audio 20000 RTP/AVP 0\n"), std::string::npos);
    EXPECT_EQ(std::get<megaco::reply>(d->transactions[2]).id, 7u);
    EXPECT_EQ(std::get<megaco::reply>(d->transactions[3]).error->code, 421);
    auto& k = std::get<megaco::response_ack>(d->transactions[4]);
    ASSERT_EQ(k.ranges.size(), 2u);
    EXPECT_EQ(k.ranges[0], (std::pair<std::uint32_t, std::uint32_t>{3, 5}));
    if (compact)
      EXPECT_NE(text.find("DM={(0xxx|E8|EF)}"), std::string::npos) << text;
    else
      EXPECT_NE(text.find("DigitMap = {(0xxx|E8|EF)}"), std::string::npos)
          << text;
  }
}
