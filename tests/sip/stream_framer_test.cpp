// Stream framing for TCP/TLS (RFC 3261 §18.3, RFC 5626 §3.5.1).

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "appliance/sip/parser.hpp"
#include "appliance/sip/stream_framer.hpp"

namespace sip = ivm::sip;

namespace {

const std::string msg1 = "OPTIONS sip:a@example.com SIP/2.0\r\n"
                         "Via: SIP/2.0/TCP h;branch=z9hG4bK1\r\n"
                         "l: 5\r\n"
                         "\r\n"
                         "hello";

const std::string msg2 = "SIP/2.0 200 OK\r\n"
                         "Via: SIP/2.0/TCP h;branch=z9hG4bK1\r\n"
                         "Content-Length: 0\r\n"
                         "\r\n";

struct events {
  std::vector<std::string> frames;
  int pings = 0;
  int pongs = 0;
  int errors = 0;
};

void drain(sip::stream_framer& framer, sip::stream_framer::result r,
           events& out) {
  for (; r.what != sip::framer_event::need_more; r = framer.next()) {
    switch (r.what) {
      case sip::framer_event::message:
        out.frames.push_back(r.frame);
        break;
      case sip::framer_event::ping:
        ++out.pings;
        break;
      case sip::framer_event::pong:
        ++out.pongs;
        break;
      default:
        ++out.errors;
        return;
    }
  }
}

} // namespace

TEST(sip_stream_framer, whole_stream_at_once) {
  sip::stream_framer framer;
  events ev;
  drain(framer, framer.consume("\r\n\r\n" + msg1 + "\r\n" + msg2 + msg1), ev);
  EXPECT_EQ(ev.frames, (std::vector<std::string>{msg1, msg2, msg1}));
  EXPECT_EQ(ev.pings, 1);
  EXPECT_EQ(ev.pongs, 1);
  EXPECT_EQ(ev.errors, 0);
  EXPECT_EQ(framer.buffered(), 0u);
  auto parsed = sip::parse(ev.frames[0], sip::stream_framer::stream_defaults());
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->body, "hello");
}

TEST(sip_stream_framer, split_at_every_byte_boundary) {
  auto stream = msg1 + "\r\n\r\n" + msg2 + msg1;
  for (size_t cut = 0; cut <= stream.size(); ++cut) {
    sip::stream_framer framer;
    events ev;
    drain(framer, framer.consume(stream.substr(0, cut)), ev);
    drain(framer, framer.consume(stream.substr(cut)), ev);
    EXPECT_EQ(ev.frames, (std::vector<std::string>{msg1, msg2, msg1}))
        << "cut at " << cut;
    EXPECT_EQ(ev.pings, 1) << "cut at " << cut;
    EXPECT_EQ(ev.errors, 0);
  }
}

TEST(sip_stream_framer, one_byte_at_a_time) {
  auto stream = msg2 + "\r\n\r\n" + msg1;
  sip::stream_framer framer;
  events ev;
  for (auto c : stream)
    drain(framer, framer.consume(std::string(1, c)), ev);
  EXPECT_EQ(ev.frames, (std::vector<std::string>{msg2, msg1}));
  EXPECT_EQ(ev.pings, 1);
}

TEST(sip_stream_framer, missing_content_length_is_an_error) {
  sip::stream_framer framer;
  auto r = framer.consume("OPTIONS sip:a@b SIP/2.0\r\nVia: x\r\n\r\n");
  ASSERT_EQ(r.what, sip::framer_event::error);
  EXPECT_EQ(r.error.code, sip::parse_errc::bad_content_length);
  // The connection stays failed.
  EXPECT_EQ(framer.consume(msg1).what, sip::framer_event::error);
}

TEST(sip_stream_framer, bad_content_length_is_an_error) {
  for (auto cl : {"-1", "abc", "5, 6", "99999999999999999999"}) {
    sip::stream_framer framer;
    auto r = framer.consume(std::string{"OPTIONS sip:a@b SIP/2.0\r\nl: "} + cl +
                            "\r\n\r\n");
    EXPECT_EQ(r.what, sip::framer_event::error) << cl;
  }
}

TEST(sip_stream_framer, oversize_header_section) {
  sip::parse_options opts;
  opts.max_message_size = 1000;
  sip::stream_framer framer{opts};
  events ev;
  drain(framer, framer.consume("OPTIONS sip:a@b SIP/2.0\r\n"), ev);
  for (int i = 0; i < 200 && ev.errors == 0; ++i)
    drain(framer, framer.consume("X-Filler: 0123456789\r\n"), ev);
  EXPECT_EQ(ev.errors, 1);
  EXPECT_LE(framer.buffered(), 2000u);
}

TEST(sip_stream_framer, oversize_body) {
  sip::parse_options opts;
  opts.max_message_size = 1000;
  sip::stream_framer framer{opts};
  auto r = framer.consume("OPTIONS sip:a@b SIP/2.0\r\nl: 5000\r\n\r\n");
  ASSERT_EQ(r.what, sip::framer_event::error);
  EXPECT_EQ(r.error.status, 513);
}

TEST(sip_stream_framer, waits_for_body) {
  sip::stream_framer framer;
  auto head = msg1.substr(0, msg1.size() - 5);
  EXPECT_EQ(framer.consume(head).what, sip::framer_event::need_more);
  EXPECT_EQ(framer.consume("hel").what, sip::framer_event::need_more);
  auto r = framer.consume("lo");
  ASSERT_EQ(r.what, sip::framer_event::message);
  EXPECT_EQ(r.frame, msg1);
}
