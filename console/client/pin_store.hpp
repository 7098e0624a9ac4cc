#pragma once

// Trust on first use for the box's self-signed certificate, like ssh's
// known_hosts: a file of `host:port sha256-hex` lines. The parsing and the
// decision are pure functions; check_pin() adds the file I/O.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/common/expected.hpp"

namespace ivm::admin {

/// One line of the pin store.
struct pin_entry {
  /// `host:port`, IPv6 literals in brackets (see pin_key).
  std::string key;
  /// 64 lowercase hex digits.
  std::string fingerprint;
  /// 1-based line number in the file, for messages.
  int line = 0;
};

/// `$XDG_CONFIG_HOME/ivm/known-boxes`, else `$HOME/.config/ivm/known-boxes`;
/// empty when neither variable is set.
std::string default_pin_file();

/// The store's key for a server: `host:port`, `[v6]:port`.
std::string pin_key(const std::string& host, std::uint16_t port);

/// A SHA-256 fingerprint as 64 lowercase hex digits, from hex in either
/// case with or without colons (`AA:BB:...` as openssl prints it); nullopt
/// when it is not 32 bytes of hex.
std::optional<std::string> normalize_fingerprint(std::string_view text);

/// `AA:BB:...` for messages, from normalized hex.
std::string display_fingerprint(std::string_view hex);

/// The entries of a pin store; blank lines, `#` comments and malformed
/// lines are skipped.
std::vector<pin_entry> parse_pins(std::string_view text);

/// The line to append for `key`, with its newline.
std::string format_pin(const std::string& key, std::string_view fingerprint);

/// What the store says about a server's certificate.
enum class pin_verdict {
  /// The first line for the key has this fingerprint.
  matches,
  /// No line for the key yet: record it.
  unknown,
  /// The first line for the key has another fingerprint.
  differs,
};

struct pin_decision {
  pin_verdict verdict = pin_verdict::unknown;
  /// The line that decided (`matches`, `differs`).
  pin_entry entry;
};

/// Looks `key` up in `entries` and compares `fingerprint` (normalized).
pin_decision decide_pin(const std::vector<pin_entry>& entries,
                        const std::string& key, std::string_view fingerprint);

/// The one-line refusal for a changed certificate: both fingerprints, the
/// file and the line to remove.
std::string mismatch_message(const std::string& file, const std::string& key,
                             const pin_entry& pinned,
                             std::string_view fingerprint);

/// The notice after a first connection recorded a pin.
std::string first_use_message(const std::string& file, const std::string& key,
                              std::string_view fingerprint);

/// Reads `file` (missing: empty), decides, and on first use appends the pin
/// (creating the directory, mode 0700, and file, 0600). Returns the notice
/// to show (empty when the pin matched) or the refusal.
expected<std::string, std::string> check_pin(const std::string& file,
                                             const std::string& key,
                                             std::string_view fingerprint);

} // namespace ivm::admin
