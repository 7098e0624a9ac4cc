// appliance/sip/core/uas_policy: what the box answers (RFC 3261 §8.2,
// RFC 4475 §3.3), as a table of request -> status.

#include <gtest/gtest.h>

#include "appliance/sip/core/uas_policy.hpp"
#include "appliance/sip/parser.hpp"

using namespace ivm::sip;

namespace {

struct row {
  const char* what;
  std::string request;
  int status; // 0: no answer (ACK)
};

std::string req(const std::string& method, const std::string& ruri,
                const std::string& extra = "", const std::string& body = "") {
  return method + " " + ruri +
         " SIP/2.0\r\n"
         "Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK-1\r\n"
         "Max-Forwards: 70\r\n"
         "From: <sip:a@127.0.0.1>;tag=1\r\n"
         "To: <" +
         ruri +
         ">\r\n"
         "Call-ID: c1\r\n"
         "CSeq: 1 " +
         method + "\r\n" + extra +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

const std::string sdp =
    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
    "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";

class uas_policy : public ::testing::TestWithParam<row> {};

TEST_P(uas_policy, answers) {
  auto& r = GetParam();
  auto msg = parse(r.request);
  ASSERT_TRUE(msg) << msg.error().reason;
  core::uas_config cfg;
  cfg.domain = "box.example";
  cfg.local_hosts = {"127.0.0.1"};
  auto answer = core::decide(*msg, cfg);
  if (r.status == 0) {
    EXPECT_FALSE(answer);
    return;
  }
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->code, r.status) << answer->reason;
}

INSTANTIATE_TEST_SUITE_P(
    table, uas_policy,
    ::testing::Values(
        // RFC 3261 §11.2: OPTIONS to the box itself.
        row{"options_to_box", req("OPTIONS", "sip:127.0.0.1:5060"), 200},
        row{"options_to_domain", req("OPTIONS", "sip:box.example"), 200},
        // RFC 4475 §3.3.2/§3.3.3: 416 for schemes other than sip/sips/tel.
        row{"unknown_scheme", req("OPTIONS", "nobodyknowsthisscheme:x"), 416},
        // RFC 3261 §16.3 / RFC 4475 §3.3.11: a request to forward, no hops
        // left.
        row{"max_forwards_zero_user",
            [] {
              auto s = req("OPTIONS", "sip:bob@box.example");
              return s.replace(s.find("70"), 2, "0");
            }(),
            483},
        // ... while the box itself still answers it (a UAS processes it).
        row{"max_forwards_zero_box",
            [] {
              auto s = req("OPTIONS", "sip:box.example");
              return s.replace(s.find("70"), 2, "0");
            }(),
            200},
        // RFC 3261 §8.2.2.3 / RFC 4475 §3.3.5.
        row{"require_unknown",
            req("OPTIONS", "sip:box.example",
                "Require: nothingSupportsThis\r\n"),
            420},
        row{"proxy_require_unknown",
            req("OPTIONS", "sip:bob@box.example", "Proxy-Require: foo\r\n"),
            420},
        // RFC 3261 §8.2.1: unknown method 501, known but not implemented 405.
        row{"unknown_method", req("FROBNICATE", "sip:box.example"), 501},
        row{"known_unimplemented",
            req("SUBSCRIBE", "sip:box.example", "Event: presence\r\n"), 405},
        // RFC 4475 §3.3.6: INVITE with a body type the box cannot take.
        row{"invite_unknown_body",
            req("INVITE", "sip:bob@box.example",
                "Content-Type: application/unknown\r\n", "xyz"),
            415},
        // RFC 4475 §3.3.15: Accept without application/sdp.
        row{"invite_accept_no_sdp",
            req("INVITE", "sip:bob@box.example",
                "Accept: text/nobodyKnowsThis\r\n"
                "Content-Type: application/sdp\r\n",
                sdp),
            406},
        row{"invite_accept_wildcard",
            req("INVITE", "sip:bob@box.example",
                "Accept: application/*\r\n"
                "Content-Type: application/sdp\r\n",
                sdp),
            404},
        // Users come with the registrar: until then every user is unknown.
        row{"unknown_user",
            req("MESSAGE", "sip:201@box.example",
                "Content-Type: text/plain\r\n", "hi"),
            404},
        row{"foreign_domain", req("OPTIONS", "sip:elsewhere.example"), 404},
        row{"ack_is_never_answered", req("ACK", "sip:bob@box.example"), 0}),
    [](const ::testing::TestParamInfo<row>& info) {
      return std::string{info.param.what};
    });

TEST(uas_policy_response, options_200_lists_allow_accept_supported) {
  auto msg = parse(req("OPTIONS", "sip:127.0.0.1"));
  ASSERT_TRUE(msg);
  core::uas_config cfg;
  auto answer = core::decide(*msg, cfg);
  ASSERT_TRUE(answer);
  auto resp = core::build_response(*msg, *answer, "tag9", cfg);
  EXPECT_EQ(resp.status_code, 200);
  EXPECT_NE(resp.value_of("Allow").find("OPTIONS"), std::string_view::npos);
  EXPECT_NE(resp.find("Accept"), nullptr);
  EXPECT_NE(resp.find("Supported"), nullptr);
  EXPECT_NE(resp.value_of("To").find(";tag=tag9"), std::string_view::npos);
  EXPECT_EQ(resp.value_of("Call-ID"), "c1");
  EXPECT_EQ(resp.value_of("CSeq"), "1 OPTIONS");
}

// With users (a directory), every request to a user at the box's domain
// goes to the directory, which authenticates the sender before it looks the
// target up: no answer here may depend on whether the user exists.
TEST(uas_policy_directory, requests_to_users_are_delegated_whatever_the_user) {
  core::uas_config cfg;
  cfg.domain = "box.example";
  cfg.local_hosts = {"127.0.0.1"};
  cfg.directory = true;
  struct expect {
    const char* method;
    core::service svc;
  };
  for (auto e : {expect{"MESSAGE", core::service::messaging},
                 expect{"INVITE", core::service::proxy},
                 expect{"SUBSCRIBE", core::service::presence},
                 expect{"PUBLISH", core::service::presence},
                 expect{"OPTIONS", core::service::user},
                 expect{"REFER", core::service::user},
                 expect{"INFO", core::service::user},
                 expect{"NOTIFY", core::service::user}}) {
    for (auto user : {"201", "999", "*7201", "ivm"}) {
      auto ruri = std::string{"sip:"} + user + "@box.example";
      auto extra = std::string{e.method} == "SUBSCRIBE" ||
                           std::string{e.method} == "PUBLISH"
                       ? "Event: presence\r\n"
                       : "";
      auto msg = parse(req(e.method, ruri, extra));
      ASSERT_TRUE(msg) << e.method << " " << user;
      auto answer = core::decide(*msg, cfg);
      ASSERT_TRUE(answer);
      EXPECT_EQ(answer->delegate, e.svc) << e.method << " " << user;
    }
  }
}

TEST(uas_policy_directory, stray_in_dialog_requests_get_481_whatever_the_user) {
  core::uas_config cfg;
  cfg.domain = "box.example";
  cfg.directory = true;
  for (auto user : {"201", "999"}) {
    auto text = req("BYE", std::string{"sip:"} + user + "@box.example");
    text.replace(text.find("@box.example>"), 13, "@box.example>;tag=x");
    auto msg = parse(text);
    ASSERT_TRUE(msg);
    auto answer = core::decide(*msg, cfg);
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->code, 481) << user;
    EXPECT_EQ(answer->delegate, core::service::none);
  }
}

TEST(uas_policy_directory, options_to_the_box_stays_open) {
  core::uas_config cfg;
  cfg.domain = "box.example";
  cfg.directory = true;
  auto msg = parse(req("OPTIONS", "sip:box.example"));
  ASSERT_TRUE(msg);
  auto answer = core::decide(*msg, cfg);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->code, 200);
  EXPECT_EQ(answer->delegate, core::service::none);
}

TEST(uas_policy_response, bad_extension_lists_the_tags) {
  auto msg = parse(
      req("OPTIONS", "sip:127.0.0.1", "Require: a, b\r\nProxy-Require: c\r\n"));
  ASSERT_TRUE(msg);
  auto answer = core::decide(*msg, core::uas_config{});
  ASSERT_TRUE(answer);
  ASSERT_EQ(answer->code, 420);
  ASSERT_EQ(answer->headers.size(), 1u);
  EXPECT_EQ(answer->headers[0].first, "Unsupported");
  EXPECT_EQ(answer->headers[0].second, "a, b, c");
}

TEST(uas_policy_response, random_tags_differ) {
  EXPECT_NE(core::random_tag(), core::random_tag());
  EXPECT_EQ(core::random_tag().size(), 16u);
}

} // namespace
