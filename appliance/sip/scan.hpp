#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/sip/param.hpp"

/// Lexical helpers shared by the parsers (RFC 3261 §25.1). Internal API.
namespace ivm::sip::detail {

/// `token` characters: alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" /
/// "`" / "'" / "~".
bool is_token_char(char c) noexcept;

bool is_alpha(char c) noexcept;
bool is_digit(char c) noexcept;
bool is_hex(char c) noexcept;
bool is_wsp(char c) noexcept;

/// True if `str` is a non-empty token.
bool is_token(std::string_view str) noexcept;

/// Removes leading and trailing SP / HTAB.
std::string_view trim(std::string_view str) noexcept;

/// Parses 1*DIGIT into a value <= `max`, overflow-safe. Leading zeros are
/// fine ("0068"); anything but digits is an error.
std::optional<uint64_t> parse_uint(std::string_view digits,
                                   uint64_t max) noexcept;

/// A cursor over an unfolded header value.
struct cursor {
  std::string_view text;
  size_t pos = 0;

  bool at_end() const noexcept {
    return pos >= text.size();
  }

  char peek() const noexcept {
    return at_end() ? '\0' : text[pos];
  }

  /// Skips SP / HTAB; returns whether anything was skipped.
  bool skip_ws() noexcept;

  /// Consumes `c` if it is next.
  bool accept(char c) noexcept;

  /// Reads a (possibly empty) token.
  std::string_view token() noexcept;

  /// Reads the rest of the text.
  std::string_view rest() noexcept;
};

/// Reads a quoted-string at the cursor (which must be on the opening quote)
/// and returns its unescaped content; nullopt if unterminated or if it holds
/// a CR or LF.
std::optional<std::string> quoted_string(cursor& in);

/// Parses `*( SEMI generic-param )` (LWS allowed around ';' and '=') until
/// the end of the cursor or a character in `stop`. Values: token, host
/// (including IPv6 with or without brackets) or quoted-string. Returns
/// nullopt on a syntax error (e.g. empty names as in ";;").
std::optional<param_list> header_params(cursor& in, std::string_view stop = {});

/// Splits a comma-separated header value, ignoring commas inside quoted
/// strings and <...>. Elements are trimmed; empty elements are kept so that
/// callers can reject them.
std::vector<std::string_view> split_list(std::string_view value);

/// Lowercases ASCII.
std::string to_lower(std::string_view str);

} // namespace ivm::sip::detail
