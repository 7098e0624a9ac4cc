#pragma once

// Stored common replies and messages (issue 17; seed 000 claims 28-31):
// box-wide and per-user texts with fields filled when sent. Pure.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/common/expected.hpp"

namespace ivm::directory {

/// At most this many texts per list, each at most `max_canned_text` bytes.
inline constexpr std::size_t max_canned = 20;
inline constexpr std::size_t max_canned_text = 200;

/// The storage keys (family meta): the box's list and a user's.
std::string canned_key_box();
std::string canned_key_user(std::string_view ext);

/// A list as stored (one text per line) and back.
std::string encode_canned(const std::vector<std::string>& texts);
std::vector<std::string> decode_canned(std::string_view stored);

/// `{"replies":["...", ...]}` checked: strings of 1..200 bytes of UTF-8
/// without line breaks or other control characters, at most 20. The error
/// says what is wrong.
expected<std::vector<std::string>, std::string>
parse_canned_json(std::string_view body);

/// `{"replies":[...]}`.
std::string canned_json(const std::vector<std::string>& texts);

/// `text` with each `{name}` whose name is in `fields` replaced by its
/// value; other braces are kept as written.
std::string fill_fields(std::string_view text,
                        const std::map<std::string, std::string>& fields);

/// The fields every text can use: my_name, my_extension, time (HH:MM),
/// date (YYYY-MM-DD) at `now_s` in local time; `caller` and `status` are
/// set by the caller when known.
std::map<std::string, std::string> standard_fields(std::string my_name,
                                                   std::string my_extension,
                                                   std::uint64_t now_s);

} // namespace ivm::directory
