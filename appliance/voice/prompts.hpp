#pragma once

// The words of the box's spoken prompts (issue 18: a caller asked what they
// want), in the languages the box speaks (`voice.language`). Pure: the
// speech itself is appliance/voice/speech.

#include <optional>
#include <string>
#include <string_view>

namespace ivm::voice {

enum class prompt {
  menu,        ///< talk (1), voice message (2), fax (3)
  connecting,  ///< the caller chose to talk: the user's phones ring
  unavailable, ///< nobody answered: leave a message after the tone
  leave,       ///< leave a message after the tone
  fax,         ///< start the fax now
};

/// The espeak-ng voice of a supported language ("en", "de", "fr", "es"),
/// nullopt for others.
std::optional<std::string_view> prompt_language(std::string_view language);

/// The text of `p` in `language` (English when unsupported); `name` is the
/// called user as the caller knows them (control characters removed).
std::string prompt_text(prompt p, std::string_view language,
                        std::string_view name);

} // namespace ivm::voice
