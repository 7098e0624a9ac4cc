// appliance/megaco text codec against the public vectors: OTP's 40
// time_test messages (long form, H.248 v1-v3, the RFC 3525 call flow) and
// 165 messages captured from a real MGC and MG (compact and long, trailing
// NULs). Each parses, writes back in both forms, and reads again to the
// same tree; malformed input gets the H.248.8 code.

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "appliance/megaco/text.hpp"

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

std::vector<fs::path> messages(const char* dir) {
  std::vector<fs::path> out;
  for (auto& f : fs::directory_iterator(vectors / dir))
    if (f.path().extension() == ".txt" &&
        f.path().filename().string().find("INDEX") == std::string::npos)
      out.push_back(f.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<megaco::node> compacted(const std::vector<megaco::node>& body) {
  std::vector<megaco::node> out;
  for (auto& n : body)
    out.push_back(megaco::compacted(n));
  return out;
}

// Parses, writes back long and compact, parses both again: the same tree.
void round_trip(const fs::path& p) {
  SCOPED_TRACE(p.filename().string());
  auto m = megaco::parse(slurp(p));
  ASSERT_TRUE(m) << m.error().reason << " at " << m.error().offset;
  for (bool compact : {false, true}) {
    auto text = megaco::serialize(*m, compact);
    auto again = megaco::parse(text);
    ASSERT_TRUE(again) << again.error().reason << " at " << again.error().offset
                       << " in\n"
                       << text;
    EXPECT_EQ(again->version, m->version);
    EXPECT_EQ(again->mid, m->mid);
    if (compact)
      EXPECT_EQ(compacted(again->body), compacted(m->body)) << text;
    else
      EXPECT_EQ(again->body, m->body) << text;
    EXPECT_EQ(megaco::serialize(*again, compact), text);
  }
}

} // namespace

TEST(megaco_text, otp_time_test_messages_round_trip) {
  auto files = messages("otp-time_test");
  ASSERT_EQ(files.size(), 40u);
  for (auto& f : files)
    round_trip(f);
}

TEST(megaco_text, captured_messages_round_trip) {
  auto files = messages("captured-text");
  ASSERT_GE(files.size(), 160u);
  for (auto& f : files) {
    if (f.filename() == "ApplyMegacoInFilter-163.txt") {
      // A reply cut at 1,472 bytes in the capture (an IP fragment):
      // refused (400: not a request, no 403).
      auto m = megaco::parse(slurp(f));
      ASSERT_FALSE(m);
      EXPECT_EQ(m.error().code, 400);
      continue;
    }
    round_trip(f);
  }
}

TEST(megaco_text, a_service_change_read_in_detail) {
  auto m = megaco::parse(slurp(vectors / "otp-time_test/msg04.txt"));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->version, 1);
  EXPECT_EQ(m->mid, "[124.124.124.222]");
  ASSERT_EQ(m->body.size(), 1u);
  auto& t = m->body[0];
  EXPECT_TRUE(t.is("Transaction", "T"));
  EXPECT_EQ(t.value, "9998");
  auto* ctx = t.child("Context", "C");
  ASSERT_NE(ctx, nullptr);
  EXPECT_EQ(ctx->value, "-");
  auto* sc = ctx->child("ServiceChange", "SC");
  ASSERT_NE(sc, nullptr);
  EXPECT_EQ(sc->value, "root");
  auto* sv = sc->child("Services", "SV");
  ASSERT_NE(sv, nullptr);
  EXPECT_EQ(sv->child("Method", "MT")->value, "Restart");
  EXPECT_EQ(sv->child("ServiceChangeAddress", "AD")->value, "55555");
  auto* reason = sv->child("Reason", "RE");
  ASSERT_NE(reason, nullptr);
  EXPECT_TRUE(reason->quoted);
  EXPECT_EQ(reason->value, "901 mg col boot");
}

TEST(megaco_text, the_same_message_compact_and_long) {
  // The compact capture and its long equivalent name the same things.
  auto c = megaco::parse(
      slurp(vectors / "captured-text/ApplyMegacoInFilter-001.txt"));
  ASSERT_TRUE(c) << c.error().reason;
  EXPECT_EQ(c->mid, "[192.168.1.33]:2944");
  auto& t = c->body.at(0);
  EXPECT_TRUE(t.is("Transaction", "T"));
  auto* sv = t.child("Context", "C")
                 ->child("ServiceChange", "SC")
                 ->child("Services", "SV");
  ASSERT_NE(sv, nullptr);
  EXPECT_EQ(sv->child("Method", "MT")->value, "FL");
  EXPECT_EQ(sv->child("Reason", "RE")->value, "907 Transmission Failure");
  // SDP of a reply: the octet string kept as sent.
  auto r = megaco::parse(
      slurp(vectors / "captured-text/ApplyMegacoInFilter-005.txt"));
  ASSERT_TRUE(r) << r.error().reason;
  auto* local = r->body.at(0)
                    .child("Context", "C")
                    ->child("Add", "A")
                    ->child("Media", "M")
                    ->child("Stream", "ST")
                    ->child("Local", "L");
  ASSERT_NE(local, nullptr);
  EXPECT_TRUE(local->octets);
  EXPECT_NE(local->text.find("m=audio 4020 RTP/AVP 8"), std::string::npos);
}

TEST(megaco_text, several_transactions_and_acks) {
  auto m = megaco::parse(slurp(vectors / "otp-time_test/msg23c.txt"));
  ASSERT_TRUE(m);
  ASSERT_EQ(m->body.size(), 2u);
  EXPECT_EQ(m->body[1].value, "50009");
  auto k = megaco::parse(slurp(vectors / "otp-time_test/msg30d.txt"));
  ASSERT_TRUE(k);
  EXPECT_GE(k->body.size(), 4u);
  EXPECT_TRUE(k->body[0].is("TransactionResponseAck", "K"));
  EXPECT_EQ(k->body[0].children.at(0).name, "9-13");
}

TEST(megaco_text, malformed_input_gets_the_right_code) {
  struct bad {
    const char* text;
    int code;
  };
  for (auto [text, code] : std::vector<bad>{
           {"", 400},
           {"garbage", 400},
           {"MEGACO/1", 400},
           {"MEGACO/9 [1.2.3.4]:2944\nT=1{C=-{N=ROOT}}", 406},
           {"MEGACO/1 [1.2.3.4]:2944\n", 400},
           {"MEGACO/1 [1.2.3.4:2944\nT=1{}", 400},
           {"MEGACO/1 [1.2.3.4]:2944\nT=1{C=-{N=ROOT}", 403},
           {"MEGACO/1 [1.2.3.4]:2944\nT=77{C=-{N=ROOT{OE=1{\"x}}}}", 403},
           {"MEGACO/1 [1.2.3.4]:2944\nT=5{C=-{A=l/1{M{L{v=0", 403},
           {"MEGACO/1 [1.2.3.4]:2944\nP=1{C=-{N=ROOT}}}", 400},
           {"MEGACO/1 [1.2.3.4]:2944\nT=1{,}", 403},
           {"MEGACO/1 [1.2.3.4]:2944\nT=1{C=-{\x01}}", 403},
       }) {
    SCOPED_TRACE(text);
    auto m = megaco::parse(text);
    ASSERT_FALSE(m);
    EXPECT_EQ(m.error().code, code) << m.error().reason;
  }
  auto t = megaco::parse("MEGACO/1 [1.2.3.4]:2944\nT=77{C=-{N=ROOT{");
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().transaction, 77u);
}

TEST(megaco_text, limits_hold_against_deep_or_huge_input) {
  std::string deep = "MEGACO/1 [1.2.3.4]:2944\nT=1";
  for (int i = 0; i < 10000; ++i)
    deep += "{C=1";
  auto m = megaco::parse(deep);
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().reason.find("deep"), std::string::npos);
  std::string wide = "MEGACO/1 [1.2.3.4]:2944\nT=1{";
  for (int i = 0; i < 5000; ++i)
    wide += "N=ROOT,";
  wide += "N=ROOT}";
  EXPECT_FALSE(megaco::parse(wide));
  EXPECT_FALSE(megaco::parse(std::string(70000, 'A')));
}

TEST(megaco_text, writes_compact_tokens) {
  megaco::message m;
  m.mid = "[127.0.0.1]:2944";
  megaco::node t{"Transaction", "=", "7", false, true, false, {}, {}};
  megaco::node c{"Context", "=", "-", false, true, false, {}, {}};
  megaco::node mf{"Modify", "=", "line/1", false, true, false, {}, {}};
  megaco::node sg{"Signals", "", "", false, true, false, {}, {}};
  sg.children.push_back({"al/ri", "", "", false, false, false, {}, {}});
  mf.children.push_back(sg);
  c.children.push_back(mf);
  t.children.push_back(c);
  m.body.push_back(t);
  EXPECT_EQ(megaco::serialize(m, true),
            "!/1 [127.0.0.1]:2944\nT=7{C=-{MF=line/1{SG{al/ri}}}}");
  EXPECT_EQ(megaco::serialize(m, false),
            "MEGACO/1 [127.0.0.1]:2944\nTransaction = 7 {\n\tContext = - "
            "{\n\t\tModify = line/1 {\n\t\t\tSignals {\n\t\t\t\tal/ri\n\t\t\t}"
            "\n\t\t}\n\t}\n}");
}
