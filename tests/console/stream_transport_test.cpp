// console/client/stream_transport: a long-lived GET against a one-shot
// server of the test on loopback: the body handed on as it arrives, a
// refusal returned with its body, the caller's descriptor ends a silent
// stream at once, a closed port is an error.

#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "console/client/stream_transport.hpp"

using namespace ivm::admin;

namespace {

/// Accepts one connection, reads the request head, writes `parts` one
/// after the other, then closes (or, `linger`, waits for the client to go).
class one_shot_server {
public:
  one_shot_server(std::vector<std::string> parts, bool linger = false) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&a), len), 0);
    EXPECT_EQ(::listen(fd_, 1), 0);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread{[this, parts = std::move(parts), linger] {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0)
        return;
      char buf[4096];
      while (request_.find("\r\n\r\n") == std::string::npos) {
        auto n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0)
          break;
        request_.append(buf, static_cast<std::size_t>(n));
      }
      for (auto& p : parts)
        ::send(c, p.data(), p.size(), MSG_NOSIGNAL);
      if (linger)
        while (::recv(c, buf, sizeof buf, 0) > 0) {
          // until the client hangs up
        }
      ::close(c);
    }};
  }
  ~one_shot_server() {
    thread_.join();
    ::close(fd_);
  }
  std::uint16_t port() const {
    return port_;
  }
  /// The request as received (read after the stream ended).
  const std::string& request() const {
    return request_;
  }

private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::string request_;
  std::thread thread_;
};

http_request events_request() {
  http_request req;
  req.method = "GET";
  req.target = "/api/v1/events";
  req.headers = {{"Host", "127.0.0.1"},
                 {"Authorization", "Bearer t0k"},
                 {"Connection", "close"}};
  return req;
}

const char* const head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream"
                         "\r\nConnection: close\r\n\r\n";

} // namespace

TEST(stream_transport, the_body_arrives_as_it_comes_until_the_box_closes) {
  one_shot_server srv{{std::string{head} + "event: stats\n", "data: 1\n\n",
                       "event: log\ndata: []\n\n"}};
  int opened = 0;
  std::string body;
  auto end = open_stream(
      "127.0.0.1", srv.port(), events_request(), {}, -1, [&] { ++opened; },
      [&](std::string_view b) { body.append(b); });
  EXPECT_EQ(opened, 1);
  EXPECT_EQ(body, "event: stats\ndata: 1\n\nevent: log\ndata: []\n\n");
  EXPECT_EQ(end.status, 200);
  EXPECT_FALSE(end.cancelled);
  EXPECT_EQ(end.error, "the box closed the stream");
  EXPECT_NE(srv.request().find("Authorization: Bearer t0k\r\n"),
            std::string::npos);
}

TEST(stream_transport, a_refusal_comes_back_with_its_body) {
  one_shot_server srv{
      {"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n"
       "Content-Length: 24\r\n\r\n{\"error\":\"unauthorized\"}"}};
  bool called = false;
  auto end = open_stream(
      "127.0.0.1", srv.port(), events_request(), {}, -1, [&] { called = true; },
      [&](std::string_view) { called = true; });
  EXPECT_FALSE(called);
  EXPECT_EQ(end.status, 401);
  EXPECT_EQ(end.body, "{\"error\":\"unauthorized\"}");
}

TEST(stream_transport, the_cancel_descriptor_ends_a_silent_stream_at_once) {
  one_shot_server srv{{std::string{head} + ": hello\n\n"}, true};
  int cancel[2];
  ASSERT_EQ(::pipe(cancel), 0);
  stream_limits limits;
  limits.idle = std::chrono::minutes{10}; // only the cancel ends it
  auto end = open_stream(
      "127.0.0.1", srv.port(), events_request(), limits, cancel[0], [] {},
      [&](std::string_view) {
        char c = 1;
        ASSERT_EQ(::write(cancel[1], &c, 1), 1); // as the window closes
      });
  EXPECT_TRUE(end.cancelled);
  ::close(cancel[0]);
  ::close(cancel[1]);
}

TEST(stream_transport, a_closed_port_is_an_error) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), len), 0);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd); // bound, never listened: nobody there
  auto end = open_stream(
      "127.0.0.1", ntohs(a.sin_port), events_request(), {}, -1, [] {},
      [](std::string_view) {});
  EXPECT_EQ(end.status, 0);
  EXPECT_FALSE(end.cancelled);
  EXPECT_EQ(end.error, "Connection refused");
}
