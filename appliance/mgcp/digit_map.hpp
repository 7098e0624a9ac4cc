#pragma once

// Digit maps (RFC 3435 §2.1.5): "(0T|00T|[1-7]xxx|8xxxxxxx|#xxxxxxx|*xx|
// 91xxxxxxxxxx|9011x.T)". A map is a set of patterns; a pattern a sequence
// of positions (a digit, a letter A-D, * or #, x for any digit, a range
// [1-7#], the timer T), each optionally followed by "." (zero or more of
// it). The matcher tells what a string of collected digits amounts to.
// Pure; used by the call agent and by the H.248 "dd" package alike.

#include <bitset>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/common/expected.hpp"

namespace ivm::mgcp {

class digit_map {
public:
  /// 0-9, * (10), # (11), A-D (12-15), T (16: the inter-digit timer).
  using symbols = std::bitset<17>;

  struct position {
    symbols accepts;
    bool repeat = false; ///< followed by "."
  };
  using pattern = std::vector<position>;

  /// What the digits collected so far amount to.
  enum class result : std::uint8_t {
    /// No pattern can match, whatever comes next: report them (reorder).
    no_match,
    /// A prefix of some pattern: collect more.
    partial,
    /// A pattern matches and no longer one could: report them now.
    full,
    /// A pattern matches but a longer one still could: wait for the
    /// inter-digit timer (its expiry is the symbol T).
    full_but_longer,
  };

  /// Parses a digit map; errors carry the text position.
  static expected<digit_map, std::string> parse(std::string_view text);

  /// Classifies `digits` (0-9 * # A-D, and T for a timer expiry). More
  /// than 128 of them match nothing.
  result match(std::string_view digits) const;

  const std::vector<pattern>& patterns() const {
    return patterns_;
  }

  /// The map written back (normalised: "x" for any digit, lower case).
  std::string to_string() const;

  /// The symbol index of `c`, or -1 if it is not a digit-map letter.
  static int symbol_of(char c);

private:
  std::vector<pattern> patterns_;
};

} // namespace ivm::mgcp
