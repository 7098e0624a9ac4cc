#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/sip/message.hpp"

namespace ivm::sip::proxy {

/// Dialog states of the dialog event package (RFC 4235 §3.7.1).
enum class dialog_state : std::uint8_t { trying, early, confirmed, terminated };

/// RFC 4235 §4.1.2 direction, seen from the user.
enum class dialog_direction : std::uint8_t { initiator, recipient };

const char* to_string(dialog_state x) noexcept;
const char* to_string(dialog_direction x) noexcept;

/// One call (dialog or early dialog) through the proxy.
struct tracked_dialog {
  std::string call_id;
  std::string caller_tag;  ///< From tag of the INVITE
  std::string callee_tag;  ///< To tag, empty while trying
  std::string caller_user; ///< local user placing the call, may be empty
  std::string callee_user; ///< local user called, may be empty
  std::string caller_uri;  ///< From URI
  std::string caller_display;
  std::string callee_uri; ///< To URI
  std::string callee_display;
  dialog_state state = dialog_state::trying;
};

/// A dialog as one user sees it, for a dialog-info body (RFC 4235 §4).
struct dialog_view {
  std::string id; ///< stable id: Call-ID, caller tag and callee tag
  std::string call_id;
  std::string local_tag;
  std::string remote_tag;
  dialog_direction direction = dialog_direction::initiator;
  dialog_state state = dialog_state::trying;
  std::string peer_uri;
  std::string peer_display;
};

/// Follows the calls the proxy forwards for busy lamps (RFC 4235 states):
/// INVITE forwarded -> trying, 1xx with To tag -> early, 2xx -> confirmed,
/// BYE, CANCEL or a final non-2xx -> terminated. Keyed by Call-ID, caller
/// tag and callee tag (a forked INVITE may make several early dialogs).
class dialog_tracker {
public:
  /// An initial INVITE (no To tag) was forwarded. `caller_user` and
  /// `callee_user` name the local users involved (empty when not local).
  /// Returns false when the INVITE lacks Call-ID or From tag.
  bool on_invite(const message& invite, std::string caller_user,
                 std::string callee_user);

  /// A response to an INVITE passed through; returns true if a dialog
  /// changed state.
  bool on_response(const message& resp);

  /// An in-dialog or CANCEL request passed through (BYE, CANCEL); returns
  /// true if a dialog changed state.
  bool on_request(const message& req);

  /// Every dialog `user` takes part in, terminated ones included until
  /// `purge_terminated`.
  std::vector<dialog_view> dialogs_of(std::string_view user) const;

  /// Forgets terminated dialogs (after their last NOTIFY); returns how many.
  size_t purge_terminated();

  const std::vector<tracked_dialog>& dialogs() const noexcept {
    return dialogs_;
  }

private:
  std::vector<tracked_dialog> dialogs_;
};

} // namespace ivm::sip::proxy
