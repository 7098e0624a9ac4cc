#pragma once

// Event and signal names (RFC 3435 §2.1.7, packages of RFC 3660) and the
// parameter values built of them: RequestedEvents (R:), SignalRequests
// (S:), ObservedEvents (O:), with actions and embedded requests. Pure.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/common/expected.hpp"

namespace ivm::mgcp {

/// `[package/]event[@connection]`: "L/hd", "D/[0-9#*T]", "hu", "R/oc@A3F5".
/// Package and event names are compared without regard to case.
struct event_name {
  std::string package;    ///< "" when the name has none (default package)
  std::string name;       ///< "hd", "[0-9#*T]", "all", "*"
  std::string connection; ///< after "@": a connection id, "$" or "*"

  /// Same package (an empty one matches `default_package`) and name.
  bool is(std::string_view pkg, std::string_view event,
          std::string_view default_package = "L") const;
};

/// What an endpoint does when a requested event occurs (RFC 3435 §2.3.3).
enum class action : std::uint8_t {
  notify,     ///< N
  accumulate, ///< A
  digit_map,  ///< D: accumulate per the digit map
  swap,       ///< S
  ignore,     ///< I
  keep,       ///< K: keep signals active
  embedded,   ///< E(...)
};

/// An embedded request E(R(...),S(...),D(...)): the raw values.
struct embedded_request {
  std::string requested_events; ///< R(...) content, "" if absent
  std::string signals;          ///< S(...)
  std::string digit_map;        ///< D(...)
  bool has_r = false, has_s = false, has_d = false;
};

struct requested_event {
  event_name event;
  std::vector<action> actions; ///< none given: notify (RFC 3435 §3.2.2.4)
  embedded_request embedded;   ///< with action::embedded
  std::vector<std::string> params;
};

/// A signal (S:) or an observed event (O:): a name and its parameters
/// ("L/vmwi(+)", "L/ci(10/14/17/26,2015551212,\"Alice\")").
struct event_with_params {
  event_name event;
  std::vector<std::string> params;
};

/// Why a list value was refused, with the return code to answer: 510
/// (syntax), 523 (unknown action or illegal combination), 538 (parameter).
struct value_error {
  int code = 510;
  std::string reason;
};

expected<event_name, value_error> parse_event_name(std::string_view s);
std::string to_string(const event_name& e);

/// R: — an empty value is an empty list (stop detecting).
expected<std::vector<requested_event>, value_error>
parse_requested_events(std::string_view value);
std::string to_string(const std::vector<requested_event>& events);

/// S: and O:.
expected<std::vector<event_with_params>, value_error>
parse_event_list(std::string_view value);
std::string to_string(const std::vector<event_with_params>& events);

} // namespace ivm::mgcp
