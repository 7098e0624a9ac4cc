#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/sip/header_name.hpp"

namespace ivm::sip {

/// One header field line (after unfolding).
struct header {
  /// Known id, or `header_id::unknown`.
  header_id id = header_id::unknown;

  /// The name as received, e.g. "v" or "MaX-fOrWaRdS".
  std::string name;

  /// Raw value: folding replaced by the whitespace that followed it, leading
  /// and trailing whitespace removed. May be empty.
  std::string value;

  /// Long canonical name for known headers, else the received name.
  std::string_view canonical_name() const noexcept {
    return id == header_id::unknown ? std::string_view{name}
                                    : sip::canonical_name(id);
  }
};

/// A SIP request or response (RFC 3261 §7). Plain data: the start line,
/// headers in order of appearance and the body. Header lookups take long or
/// compact names in any case.
class message {
public:
  // -- start line -------------------------------------------------------------

  /// Request method (case-sensitive, RFC 3261 §7.1); empty for responses.
  std::string method;

  /// Request-URI text exactly as received; empty for responses.
  std::string request_uri;

  /// Status code of a response; 0 for requests.
  int status_code = 0;

  /// Reason phrase of a response (may be empty, RFC 4475 §3.1.1.13).
  std::string reason;

  /// SIP-Version, "SIP/2.0".
  std::string version = "SIP/2.0";

  // -- content ----------------------------------------------------------------

  std::vector<header> headers;

  /// Body octets, framed by Content-Length.
  std::string body;

  // -- factories --------------------------------------------------------------

  static message make_request(std::string method, std::string request_uri);

  static message make_response(int status_code, std::string reason);

  // -- properties -------------------------------------------------------------

  bool is_request() const noexcept {
    return status_code == 0;
  }

  bool is_response() const noexcept {
    return status_code != 0;
  }

  // -- header lookup ----------------------------------------------------------

  /// First header called `name` (long or compact form), or null.
  const header* find(std::string_view name) const noexcept;

  /// First header with `id`, or null.
  const header* find(header_id id) const noexcept;

  /// All headers called `name`, in order.
  std::vector<const header*> find_all(std::string_view name) const;

  /// Number of header lines called `name`.
  size_t count(std::string_view name) const noexcept;

  /// Number of header lines with `id`.
  size_t count(header_id id) const noexcept;

  /// All comma-separated values of `name` across repeated lines, split
  /// outside quotes and <>. Trimmed; empty elements are kept.
  std::vector<std::string_view> values(std::string_view name) const;

  /// Shortcut: the value of the first header called `name`, or empty.
  std::string_view value_of(std::string_view name) const noexcept;

  // -- header modification ----------------------------------------------------

  /// Appends a header line.
  void add(std::string_view name, std::string value);

  /// Inserts a header line before all others (e.g. a new top Via).
  void push_front(std::string_view name, std::string value);

  /// Removes every header called `name`; returns how many were removed.
  size_t remove(std::string_view name);

  /// Replaces all headers called `name` by one line at the position of the
  /// first (appends when absent).
  void replace(std::string_view name, std::string value);

private:
  static header make_header(std::string_view name, std::string value);
};

/// True if `hdr` is the header called `name` (long or compact form).
bool matches(const header& hdr, std::string_view name) noexcept;

} // namespace ivm::sip
