// appliance/net/http_server: answers, errors and hostile clients.

#include <gtest/gtest.h>

#include "appliance/net/http_server.hpp"
#include "appliance/net/io_pool.hpp"
#include "tests/support/posix_client.hpp"

using namespace ivm;

namespace {

class http_server_test : public ::testing::Test {
protected:
  void SetUp() override {
    net::http_limits limits;
    limits.header_limit = 1024;
    limits.body_limit = 64;
    limits.read_timeout = std::chrono::seconds(1);
    auto s = net::http_server::open(io_, {"127.0.0.1", 0}, limits);
    ASSERT_TRUE(s);
    server_ = std::move(*s);
    server_->start([](net::http_request req, net::http_responder respond) {
      respond(net::http_response{200,
                                 "text/plain",
                                 req.method + " " + req.target + " " + req.body,
                                 {}});
    });
    io_.start();
  }

  void TearDown() override {
    server_->close();
    io_.stop();
  }

  std::string exchange(const std::string& request) {
    int fd = test::tcp_connect(server_->local_endpoint().port);
    EXPECT_GE(fd, 0);
    test::send_all(fd, request);
    auto out = test::read_all(fd);
    ::close(fd);
    return out;
  }

  net::io_pool io_;
  std::unique_ptr<net::http_server> server_;
};

TEST_F(http_server_test, answers_a_request) {
  auto out = exchange("POST /x?y=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n"
                      "Connection: close\r\n\r\nhi");
  EXPECT_EQ(out.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << out;
  EXPECT_NE(out.find("POST /x?y=1 hi"), std::string::npos);
}

TEST_F(http_server_test, keeps_the_connection_alive) {
  int fd = test::tcp_connect(server_->local_endpoint().port);
  test::send_all(fd, "GET /a HTTP/1.1\r\nHost: a\r\n\r\n"
                     "GET /b HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
  auto out = test::read_all(fd);
  ::close(fd);
  EXPECT_NE(out.find("GET /a"), std::string::npos);
  EXPECT_NE(out.find("GET /b"), std::string::npos);
}

TEST_F(http_server_test, garbage_gets_400_and_the_server_goes_on) {
  auto out = exchange("\x01\x02 garbage \xff\r\n\r\n");
  EXPECT_EQ(out.rfind("HTTP/1.1 400", 0), 0u) << out;
  EXPECT_NE(out.find("\"error\""), std::string::npos);
  auto ok = exchange("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(ok.rfind("HTTP/1.1 200", 0), 0u);
}

TEST_F(http_server_test, oversized_header_gets_431) {
  auto out = exchange(
      "GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(4096, 'a') + "\r\n\r\n");
  EXPECT_EQ(out.rfind("HTTP/1.1 431", 0), 0u) << out;
}

TEST_F(http_server_test, oversized_body_gets_413) {
  auto out =
      exchange("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\n" +
               std::string(1000, 'b'));
  EXPECT_EQ(out.rfind("HTTP/1.1 413", 0), 0u) << out;
}

TEST_F(http_server_test, slow_client_is_disconnected) {
  int fd = test::tcp_connect(server_->local_endpoint().port);
  test::send_all(fd, "GET / HTTP/1.1\r\nHo"); // and never finishes
  EXPECT_EQ(test::read_all(fd), "");          // the server closes
  ::close(fd);
  auto ok = exchange("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(ok.rfind("HTTP/1.1 200", 0), 0u);
}

} // namespace
