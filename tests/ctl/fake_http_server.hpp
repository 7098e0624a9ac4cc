#pragma once

// A tiny HTTP/1.1 server on 127.0.0.1 written with POSIX sockets for the
// ivmctl tests: it records each request and answers with what the test's
// handler returns. One connection at a time, `Connection: close`.

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace ivm::test {

struct recorded_request {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  /// First header named `name` (case-insensitive), or empty.
  std::string header(std::string_view name) const;
};

struct canned_response {
  canned_response(int code = 200, std::string text = {})
    : status(code), body(std::move(text)) {
    // nop
  }

  int status;
  std::string body;
  /// Sent verbatim instead of a response built from status and body.
  std::string raw;
  /// Send the body with `Transfer-Encoding: chunked`.
  bool chunked = false;
  /// Never answer; keep the connection open until the server stops.
  bool hang = false;
};

class fake_http_server {
public:
  using handler = std::function<canned_response(const recorded_request&)>;

  explicit fake_http_server(handler h);
  fake_http_server(const fake_http_server&) = delete;
  fake_http_server& operator=(const fake_http_server&) = delete;
  ~fake_http_server();

  std::uint16_t port() const {
    return port_;
  }

  /// "http://127.0.0.1:<port>".
  std::string url() const;

  /// The requests seen so far, in order.
  std::vector<recorded_request> requests() const;

private:
  void run();
  void serve(int fd);

  handler handler_;
  int listen_fd_ = -1;
  int stop_pipe_[2] = {-1, -1};
  std::uint16_t port_ = 0;
  mutable std::mutex mtx_;
  std::vector<recorded_request> requests_;
  std::thread thread_;
};

/// A loopback port nobody listens on (bound, then closed).
std::uint16_t unused_port();

} // namespace ivm::test
