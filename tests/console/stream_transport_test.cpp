// console/client/stream_transport: a long-lived GET against a one-shot
// server of the test on loopback: the body handed on as it arrives, a
// refusal returned with its body, the caller's descriptor ends a silent
// stream at once, a closed port is an error. Over TLS (a server of the
// test with a self-signed certificate): the events arrive, a first use
// pins, a wrong pin is refused before a byte is written, the cancel
// descriptor ends an idle TLS stream.

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <future>
#include <sstream>
#include <string>
#include <thread>
#include <utility>

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "console/client/pin_store.hpp"
#include "console/client/stream_transport.hpp"
#include "tests/console/tls_test_server.hpp"

using namespace ivm::admin;
using ivm::test::tls_test_server;

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

/// A pin store in a fresh directory of its own (removed at the end).
class pin_dir {
public:
  pin_dir() {
    char tmpl[] = "/tmp/ivm-stream-pins-XXXXXX";
    dir_ = ::mkdtemp(tmpl) != nullptr ? tmpl : "";
    EXPECT_FALSE(dir_.empty());
  }
  ~pin_dir() {
    std::remove(file().c_str());
    ::rmdir(dir_.c_str());
  }
  std::string file() const {
    return dir_ + "/known-boxes";
  }
  std::string text() const {
    std::ifstream in{file()};
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  void write(const std::string& text) const {
    std::ofstream{file()} << text;
  }

private:
  std::string dir_;
};

endpoint tls_endpoint(std::uint16_t port, const pin_dir& pins) {
  endpoint ep;
  ep.host = "127.0.0.1";
  ep.port = port;
  ep.tls = true;
  ep.pin_file = pins.file();
  return ep;
}

const std::string wrong_pin(64, '0');

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

TEST(stream_transport, over_tls_the_events_arrive_and_a_first_use_pins) {
  tls_test_server srv{{std::string{head} + "event: stats\n", "data: 1\n\n",
                       "event: log\ndata: []\n\n"}};
  pin_dir pins;
  std::vector<std::string> notices;
  int opened = 0;
  std::string body;
  stream_limits limits;
  limits.idle = std::chrono::seconds{30};
  auto end = open_stream(
      tls_endpoint(srv.port(), pins), events_request(), limits, -1,
      [&] { ++opened; }, [&](std::string_view b) { body.append(b); },
      [&](const std::string& n) { notices.push_back(n); });
  EXPECT_EQ(opened, 1);
  EXPECT_EQ(body, "event: stats\ndata: 1\n\nevent: log\ndata: []\n\n");
  EXPECT_EQ(end.status, 200);
  EXPECT_EQ(end.error, "the box closed the stream");
  EXPECT_NE(srv.received().find("Authorization: Bearer t0k\r\n"),
            std::string::npos);
  auto key = "127.0.0.1:" + std::to_string(srv.port());
  EXPECT_EQ(pins.text(), key + ' ' + srv.fingerprint() + '\n');
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0], first_use_message(pins.file(), key, srv.fingerprint()));
}

TEST(stream_transport, over_tls_records_held_by_the_session_are_not_held_up) {
  // Records sent together, then silence: the session decrypts one at a
  // time from what the socket gave at once; all are handed on without
  // waiting for the socket (which has nothing more to say).
  tls_test_server srv{
      {std::string{head} + "data: 1\n\n", "data: 2\n\n", "data: 3\n\n"}, true};
  pin_dir pins;
  int cancel[2];
  ASSERT_EQ(::pipe(cancel), 0);
  stream_limits limits;
  limits.idle = std::chrono::seconds{30}; // the failure: silent for 30 s
  std::string body;
  auto end = open_stream(
      tls_endpoint(srv.port(), pins), events_request(), limits, cancel[0],
      [] {},
      [&](std::string_view b) {
        body.append(b);
        char c = 1;
        if (body == "data: 1\n\ndata: 2\n\ndata: 3\n\n") {
          ASSERT_EQ(::write(cancel[1], &c, 1), 1);
        }
      });
  EXPECT_TRUE(end.cancelled) << end.error;
  EXPECT_EQ(body, "data: 1\n\ndata: 2\n\ndata: 3\n\n");
  ::close(cancel[0]);
  ::close(cancel[1]);
}

TEST(stream_transport, over_tls_a_wrong_pin_is_refused_with_nothing_written) {
  tls_test_server srv{{std::string{head} + ": hello\n\n"}};
  pin_dir pins;
  auto key = "127.0.0.1:" + std::to_string(srv.port());
  pins.write(key + ' ' + wrong_pin + '\n');
  bool called = false;
  auto end = open_stream(
      tls_endpoint(srv.port(), pins), events_request(), {}, -1,
      [&] { called = true; }, [&](std::string_view) { called = true; });
  EXPECT_FALSE(called);
  EXPECT_EQ(end.status, 0);
  EXPECT_FALSE(end.cancelled);
  EXPECT_NE(end.error.find("the certificate of " + key + " has changed"),
            std::string::npos)
      << end.error;
  EXPECT_NE(end.error.find("nothing was sent"), std::string::npos);
  EXPECT_EQ(srv.received(), ""); // not the request, not the token
  EXPECT_EQ(pins.text(), key + ' ' + wrong_pin + '\n');
}

TEST(stream_transport, over_tls_an_explicit_fingerprint_decides) {
  tls_test_server refused{{std::string{head}}};
  pin_dir pins;
  auto ep = tls_endpoint(refused.port(), pins);
  ep.fingerprint = wrong_pin;
  auto end = open_stream(
      ep, events_request(), {}, -1, [] {}, [](std::string_view) {});
  EXPECT_NE(end.error.find("as --fingerprint (IVM_ADMIN_FINGERPRINT) says; "
                           "nothing was sent"),
            std::string::npos)
      << end.error;
  EXPECT_EQ(refused.received(), "");
  tls_test_server srv{{std::string{head} + "data: 2\n\n"}};
  ep = tls_endpoint(srv.port(), pins);
  ep.fingerprint = srv.fingerprint();
  std::string body;
  end = open_stream(
      ep, events_request(), {}, -1, [] {},
      [&](std::string_view b) { body.append(b); });
  EXPECT_EQ(end.status, 200);
  EXPECT_EQ(body, "data: 2\n\n");
  EXPECT_EQ(pins.text(), ""); // the store was not consulted
}

TEST(stream_transport, over_tls_the_cancel_descriptor_ends_an_idle_stream) {
  tls_test_server srv{{std::string{head} + ": hello\n\n"}, true};
  pin_dir pins;
  int cancel[2];
  ASSERT_EQ(::pipe(cancel), 0);
  std::promise<void> data_came;
  // Another thread cancels once the stream is open and silent (as the
  // window closes).
  std::thread canceller{[&, came = data_came.get_future()]() mutable {
    came.wait();
    char c = 1;
    EXPECT_EQ(::write(cancel[1], &c, 1), 1);
  }};
  stream_limits limits;
  limits.idle = std::chrono::minutes{10}; // only the cancel ends it
  bool first = true;
  auto end = open_stream(
      tls_endpoint(srv.port(), pins), events_request(), limits, cancel[0],
      [] {},
      [&](std::string_view) {
        if (std::exchange(first, false))
          data_came.set_value();
      });
  canceller.join();
  EXPECT_TRUE(end.cancelled);
  EXPECT_EQ(end.error, "stopped");
  ::close(cancel[0]);
  ::close(cancel[1]);
}
