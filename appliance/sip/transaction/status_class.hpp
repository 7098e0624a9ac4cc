#pragma once

#include <cstdint>

namespace ivm::sip {

/// The response classes the transaction layer tells apart (§7.2, §17).
enum class status_class : std::uint8_t {
  provisional, ///< 100-199
  success,     ///< 200-299
  failure,     ///< 300-699 ("final non-2xx")
  invalid,     ///< anything else
};

/// Classifies a status code.
constexpr status_class classify_status(int code) {
  if (code >= 100 && code <= 199)
    return status_class::provisional;
  if (code >= 200 && code <= 299)
    return status_class::success;
  if (code >= 300 && code <= 699)
    return status_class::failure;
  return status_class::invalid;
}

} // namespace ivm::sip
