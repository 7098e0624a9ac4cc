#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "appliance/common/expected.hpp"
#include "console/client/api_error.hpp"
#include "console/client/endpoint.hpp"
#include "console/client/group.hpp"
#include "console/client/http_transport.hpp"
#include "console/client/user.hpp"

namespace ivm::admin {

/// A decoded answer plus the JSON text exactly as the appliance sent it
/// (for `--json` output).
template <class T>
struct reply {
  T value;
  std::string body;
};

/// What a call returns: the answer or why there is none.
template <class T>
using result = expected<reply<T>, api_error>;

/// Blocking client of the appliance's admin API (`/api/v1`). One TCP
/// connection per call (TLS for https://, see exchange()); every call is
/// bounded by the timeouts. `notice` hears one-line notices such as a
/// certificate pinned on first use.
class client {
public:
  explicit client(endpoint ep, timeouts limits = {}, notice_fn notice = {});

  // -- users ------------------------------------------------------------------

  result<std::vector<user>> list_users();
  result<user> get_user(std::string_view extension);
  result<user> add_user(const new_user& u);
  result<user> update_user(std::string_view extension,
                           const user_update& changes);
  result<std::monostate> delete_user(std::string_view extension);

  // -- groups -----------------------------------------------------------------

  result<std::vector<group>> list_groups();
  result<group> get_group(std::string_view name);
  result<group> add_group(const new_group& g);
  result<group> update_group(std::string_view name,
                             const group_update& changes);
  result<std::monostate> delete_group(std::string_view name);

  // -- low level --------------------------------------------------------------

  /// Sends one request to `/api/v1/<path>` (path already encoded) with the
  /// bearer token; an error status becomes `api_error::kind::rejected`.
  expected<http_response, api_error>
  call(std::string_view method, std::string_view path, std::string body = {});

  const endpoint& target() const {
    return ep_;
  }

private:
  endpoint ep_;
  timeouts limits_;
  notice_fn notice_;
};

} // namespace ivm::admin
