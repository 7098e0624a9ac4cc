#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ivm::presence {

/// Who sent the dialog-creating request (RFC 4235 §4.1.1 `direction`).
enum class dialog_direction { initiator, recipient };

/// Dialog states of RFC 4235 §3.7.1.
enum class dialog_state { trying, proceeding, early, confirmed, terminated };

/// "initiator" or "recipient".
std::string_view to_string(dialog_direction x);

/// "trying", "proceeding", "early", "confirmed" or "terminated".
std::string_view to_string(dialog_state x);

/// One `<dialog>` of the watched user (RFC 4235 §4.1).
struct dialog {
  /// The `id` attribute, stable for the dialog's life.
  std::string id;

  /// `call-id`, `local-tag`, `remote-tag` attributes; omitted when empty.
  std::string call_id;
  std::string local_tag;
  std::string remote_tag;

  dialog_direction direction = dialog_direction::initiator;

  dialog_state state = dialog_state::trying;

  /// `<remote><identity display="...">` URI and display name; the
  /// `<remote>` element is omitted when the identity is empty.
  std::string remote_identity;
  std::string remote_display;

  /// `<local><identity>` URI; omitted when empty.
  std::string local_identity;
};

/// Writes an `application/dialog-info+xml` body (RFC 4235 §4) for `entity`
/// (the watched AOR): `version` counts the documents sent on the
/// subscription, `full` selects state="full" over state="partial".
std::string to_dialog_info(std::uint32_t version, bool full,
                           const std::string& entity,
                           const std::vector<dialog>& dialogs);

} // namespace ivm::presence
