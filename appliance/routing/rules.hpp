#pragma once

// A user's call-routing profile and rules (issue 18, seeds 001/002): what
// happens to a call for them, decided from the time in the box's time zone,
// the caller and the user's presence. Pure; docs/call-routing.md.

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/common/expected.hpp"
#include "appliance/routing/tz.hpp"

namespace ivm::routing {

/// Minutes of the day [from, to); `to` <= `from` crosses midnight.
struct time_range {
  int from_min = 0;
  int to_min = 0;
  bool contains(int minute) const;
};

/// Civil days since the epoch, both ends included.
struct date_range {
  std::int64_t from_day = 0;
  std::int64_t to_day = 0;
  bool contains(std::int64_t day) const {
    return day >= from_day && day <= to_day;
  }
};

enum class action : std::uint8_t {
  ring,      ///< the user's devices (the default)
  offer,     ///< offered by IM first; the answer decides
  forward,   ///< the box calls `to` instead
  deflect,   ///< the caller is redirected to `to` (302)
  voicemail, ///< the caller leaves a voice message
  ask,       ///< the caller chooses: talk, voice message or fax (a menu)
  notify,    ///< IM and terminate: the user gets the caller's details
  decline,   ///< busy
};
std::string_view to_string(action a);
std::optional<action> action_of(std::string_view name);

struct conditions {
  std::uint8_t days = 0x7f; ///< bit d: weekday d (0 Sunday)
  std::optional<time_range> time;
  std::vector<date_range> dates; ///< any of them (none: any date)
  /// Caller patterns: digits/letters, 'X' one digit, trailing '*' any rest.
  std::vector<std::string> callers;
  std::optional<bool> caller_is_contact;
  /// available, away, busy, dnd, on-the-phone, offline (none: any).
  std::vector<std::string> presence;
  /// "in" (within the profile's hours and not an exception), "out", "".
  std::string schedule;
};

struct rule {
  std::string name;
  bool enabled = true;
  conditions when;
  action act = action::ring;
  std::string to; ///< forward/deflect: a number, extension or "mobile"...
  /// offer: what happens when the offer is not answered in time.
  /// ask: `timeout_s` is how long the user's devices ring when the caller
  /// chose to talk (then the caller leaves a voice message).
  std::optional<action> fallback;
  std::string fallback_to;
  std::uint32_t timeout_s = 20;
};

/// Where a user's rules and profile are kept (family meta).
std::string rules_key(std::string_view ext);
std::string profile_key(std::string_view ext);

/// At most this many rules per user.
inline constexpr std::size_t max_rules = 32;

struct profile {
  std::string pin_hash; ///< salted SHA-256 hex ("" no PIN), see set_pin
  std::string email;
  std::map<std::string, std::string> destinations; ///< "mobile" -> number
  std::array<std::vector<time_range>, 7> hours;    ///< the working week
  std::vector<date_range> exceptions;              ///< holidays
  std::string delivery = "im-then-email";          ///< or "im", "email"
  bool has_hours() const;
};

/// What a call meets: who calls, whether they are a contact, the user's
/// presence word.
struct call_facts {
  std::string caller; ///< extension or number
  bool caller_is_contact = false;
  std::string presence; ///< as in conditions::presence
};

struct decision {
  int rule = -1; ///< index of the matching rule, -1 none (ring)
  std::string rule_name;
  action act = action::ring;
  std::string to; ///< destinations resolved through the profile
  std::optional<action> fallback;
  std::string fallback_to;
  std::uint32_t timeout_s = 20;
};

/// The first enabled rule whose conditions all hold at `unix` in `tz`.
decision decide(const std::vector<rule>& rules, const profile& p,
                const call_facts& call, std::int64_t unix, const time_zone& tz);

/// Whether `caller` matches `pattern`.
bool caller_matches(std::string_view pattern, std::string_view caller);

/// A field error: what is wrong and where ("rules[2].when.time").
struct field_error {
  std::string field;
  std::string message;
};

/// `{"rules":[...]}` as in docs/call-routing.md, checked whole.
expected<std::vector<rule>, field_error> parse_rules(std::string_view json);
std::string rules_json(const std::vector<rule>& rules);

/// A profile document; "pin" (4-12 digits, or "" to remove) is hashed with
/// `salt` into pin_hash, other fields replace the old ones (`base`).
expected<profile, field_error> parse_profile(std::string_view json,
                                             const profile& base,
                                             std::string_view salt);
/// The profile as shown: "pin_set" instead of the PIN.
std::string profile_json(const profile& p);
/// The stored form (with the PIN hash) and back.
std::string encode_profile(const profile& p);
profile decode_profile(std::string_view stored);

/// salt + "$" + hex(SHA-256(salt + pin)).
std::string hash_pin(std::string_view pin, std::string_view salt);
bool pin_matches(const profile& p, std::string_view pin);

} // namespace ivm::routing
