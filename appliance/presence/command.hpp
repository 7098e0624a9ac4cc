#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "appliance/presence/compose.hpp"

namespace ivm::presence {

/// "status available|away|busy|dnd [note]".
struct set_status_command {
  /// available, away, busy or dnd.
  user_status status = user_status::available;

  /// The rest of the line, as typed (controls dropped, at most
  /// `max_note_size` bytes); may be empty.
  std::string note;
};

/// "signin": the user is present at the box again.
struct sign_in_command {};

/// "signout": the user appears offline whatever their devices say.
struct sign_out_command {};

/// "accept <extension>": allow that user to watch my presence.
struct accept_command {
  std::string extension;
};

/// "decline <extension>": refuse that user's watch request.
struct decline_command {
  std::string extension;
};

/// "help": `text` is the reply to send.
struct help_command {
  std::string text;
};

/// Anything else: `help` is a short reply saying what is understood.
struct unknown_command {
  std::string help;
};

/// A text command sent by MESSAGE to the box's service address.
using command = std::variant<set_status_command, sign_in_command,
                             sign_out_command, accept_command, decline_command,
                             help_command, unknown_command>;

/// Longest note kept from a status command, in bytes.
inline constexpr std::size_t max_note_size = 200;

/// The full help text (the reply to "help").
std::string_view command_help();

/// Parses one command. Keywords are case-insensitive; surrounding white
/// space is ignored and words may be separated by any white space.
/// Extensions are 1..32 of `A-Z a-z 0-9 . _ - +`.
command parse_command(std::string_view text);

} // namespace ivm::presence
