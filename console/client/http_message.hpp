#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ivm::admin {

/// One HTTP/1.1 request as the client sends it.
struct http_request {
  std::string method;
  /// Origin-form target, e.g. `/api/v1/users/201`.
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

/// One HTTP/1.1 response, body already de-chunked.
struct http_response {
  int status = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  /// The first header named `name` (case-insensitive), or empty.
  std::string_view header(std::string_view name) const;
};

/// Renders `req` for the wire, adding `Content-Length` when there is a body.
std::string serialize(const http_request& req);

/// Outcome of `parse_response`.
enum class parse_state {
  /// `out` holds the whole response.
  complete,
  /// The buffer ends before the response does.
  need_more,
  /// Not an HTTP/1.x response; `error` says why.
  invalid,
};

/// Parses a response from the start of `buf`. `at_eof` tells that the peer
/// closed the connection, which ends a response without a length. Pure, so
/// the reader can call it again after each read.
parse_state parse_response(std::string_view buf, bool at_eof,
                           http_response& out, std::string& error);

} // namespace ivm::admin
