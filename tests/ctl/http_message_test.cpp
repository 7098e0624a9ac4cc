// Pure tests of the client's HTTP/1.1 request writer and response parser.

#include <gtest/gtest.h>

#include "console/client/http_message.hpp"

namespace {

using ivm::admin::http_request;
using ivm::admin::http_response;
using ivm::admin::parse_response;
using ivm::admin::parse_state;

struct parsed {
  parse_state state;
  http_response resp;
  std::string error;
};

parsed parse(std::string_view wire, bool eof = false) {
  parsed p;
  p.state = parse_response(wire, eof, p.resp, p.error);
  return p;
}

TEST(http_message, serialize_adds_content_length_to_bodies) {
  http_request req{"PATCH", "/api/v1/users/201", {{"Host", "h:1"}}, "{}"};
  EXPECT_EQ(serialize(req), "PATCH /api/v1/users/201 HTTP/1.1\r\n"
                            "Host: h:1\r\n"
                            "Content-Length: 2\r\n"
                            "\r\n"
                            "{}");
  http_request get{"GET", "/api/v1/users", {}, {}};
  EXPECT_EQ(serialize(get), "GET /api/v1/users HTTP/1.1\r\n\r\n");
}

TEST(http_message, content_length_body) {
  auto p = parse("HTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\n{}");
  ASSERT_EQ(p.state, parse_state::complete) << p.error;
  EXPECT_EQ(p.resp.status, 201);
  EXPECT_EQ(p.resp.reason, "Created");
  EXPECT_EQ(p.resp.header("Content-Length"), "2");
  EXPECT_EQ(p.resp.body, "{}");
}

TEST(http_message, partial_input_needs_more) {
  EXPECT_EQ(parse("HTTP/1.1 200 OK\r\nContent-Len").state,
            parse_state::need_more);
  EXPECT_EQ(parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n{}").state,
            parse_state::need_more);
  EXPECT_EQ(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "2\r\n{}\r\n")
                .state,
            parse_state::need_more);
}

TEST(http_message, chunked_body_with_extension_and_trailer) {
  auto p = parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "3;x=y\r\n{\"a\r\n4\r\n\":1}\r\n0\r\nX-T: 1\r\n\r\n");
  ASSERT_EQ(p.state, parse_state::complete) << p.error;
  EXPECT_EQ(p.resp.body, "{\"a\":1}");
}

TEST(http_message, body_without_length_ends_at_eof) {
  auto wire = "HTTP/1.0 200 OK\r\n\r\n{\"users\":[]}";
  EXPECT_EQ(parse(wire).state, parse_state::need_more);
  auto p = parse(wire, true);
  ASSERT_EQ(p.state, parse_state::complete);
  EXPECT_EQ(p.resp.body, "{\"users\":[]}");
}

TEST(http_message, no_content_has_no_body) {
  auto p = parse("HTTP/1.1 204 No Content\r\n\r\n");
  ASSERT_EQ(p.state, parse_state::complete);
  EXPECT_EQ(p.resp.status, 204);
  EXPECT_TRUE(p.resp.body.empty());
}

TEST(http_message, invalid_responses) {
  const char* cases[] = {
      "SIP/2.0 200 OK\r\n\r\n",
      "HTTP/1.1 2x0 OK\r\n\r\n",
      "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
  };
  for (auto wire : cases)
    EXPECT_EQ(parse(wire).state, parse_state::invalid) << wire;
  auto p = parse("", true);
  EXPECT_EQ(p.state, parse_state::invalid);
  EXPECT_EQ(p.error, "connection closed without a response");
}

} // namespace
