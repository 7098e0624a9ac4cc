#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "appliance/common/expected.hpp"
#include "appliance/net/endpoint.hpp"

namespace ivm::net {

class io_pool;
class tls_context;

using http_fields = std::vector<std::pair<std::string, std::string>>;

struct http_request {
  std::string method;
  std::string target;
  http_fields headers;
  std::string body;
  endpoint remote;

  /// First value of header `name` (case-insensitive), or empty.
  std::string header(std::string_view name) const;
};

/// The body of a streamed response (server-sent events): it goes on until
/// either side ends it. Thread-safe.
class http_stream {
public:
  virtual ~http_stream() = default;
  /// Sends `chunk` as it is. A client that reads too slowly (more than
  /// 256 chunks waiting) is dropped.
  virtual void write(std::string chunk) = 0;
  /// False once the client went away or `close` was called.
  virtual bool open() const = 0;
  virtual void close() = 0;
};

struct http_response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  http_fields headers;
  /// Set: the head is sent without a length (`Connection: close`), `body`
  /// is ignored, and this is called (on an I/O thread) with the stream the
  /// rest of the body goes to.
  std::function<void(std::shared_ptr<http_stream>)> on_stream = nullptr;
};

/// Sends the response; thread-safe, call it once (later calls are ignored).
using http_responder = std::function<void(http_response)>;

/// Called on an I/O thread per request; must not block: hand the request to
/// an actor and call the responder when the answer is ready.
using http_handler = std::function<void(http_request, http_responder)>;

struct http_limits {
  std::size_t header_limit = 16 * 1024;
  std::size_t body_limit = std::size_t{16} << 20; // voice uploads
  /// Time allowed for a whole request to arrive (slow clients are dropped).
  std::chrono::seconds read_timeout{10};
  std::size_t max_connections = 256;
};

/// An HTTP/1.1 server (Boost.Beast) on an `io_pool`. Malformed requests get
/// 400 and the connection closes; oversized headers 431, bodies 413.
class http_server {
public:
  struct impl;

  static expected<std::unique_ptr<http_server>, std::string>
  open(io_pool& pool, const endpoint& local, http_limits limits = {});

  ~http_server();

  /// Serves HTTPS with `ctx` (call before `start`).
  void enable_tls(std::shared_ptr<tls_context> ctx);

  void start(http_handler handler);

  endpoint local_endpoint() const;

  void close();

  std::uint64_t requests_served() const;

private:
  explicit http_server(std::shared_ptr<impl> ptr);
  std::shared_ptr<impl> impl_;
};

/// Reason phrase of an HTTP status code ("Not Found").
std::string_view http_reason(int status);

} // namespace ivm::net
