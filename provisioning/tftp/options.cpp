#include "provisioning/tftp/options.hpp"

#include <algorithm>
#include <limits>
#include <string>

#include "provisioning/tftp/codec.hpp"

namespace ivm::provisioning::tftp {

namespace {

constexpr std::uint64_t min_block_size = 8;
constexpr std::uint64_t max_timeout_s = 255;
constexpr std::uint64_t max_window = 65535;

void grant(negotiation& n, const option& asked, std::uint64_t value) {
  n.acknowledged.push_back(option{asked.name, std::to_string(value)});
}

} // namespace

std::optional<std::uint64_t> parse_option_number(std::string_view x) {
  if (x.empty() || x.size() > 20)
    return std::nullopt;
  std::uint64_t result = 0;
  for (auto c : x) {
    if (c < '0' || c > '9')
      return std::nullopt;
    auto digit = static_cast<std::uint64_t>(c - '0');
    if (result > (std::numeric_limits<std::uint64_t>::max() - digit) / 10)
      return std::nullopt;
    result = result * 10 + digit;
  }
  return result;
}

negotiation negotiate(const std::vector<option>& requested,
                      const server_config& cfg, std::uint64_t file_size) {
  negotiation n;
  n.timeout = cfg.retransmit_timeout;
  if (!cfg.options_enabled)
    return n;
  auto max_block = std::clamp<std::uint64_t>(cfg.max_block_size, min_block_size,
                                             max_block_size);
  auto max_win = std::max<std::uint64_t>(cfg.max_window_size, 1);
  for (auto& x : requested) {
    auto value = parse_option_number(x.value);
    if (!value)
      continue;
    if (iequals(x.name, "blksize")) {
      if (*value < min_block_size)
        continue;
      n.block_size = static_cast<std::size_t>(std::min(*value, max_block));
      grant(n, x, n.block_size);
    } else if (iequals(x.name, "tsize")) {
      grant(n, x, file_size);
    } else if (iequals(x.name, "timeout")) {
      if (*value < 1 || *value > max_timeout_s)
        continue;
      n.timeout = std::chrono::seconds{*value};
      grant(n, x, *value);
    } else if (iequals(x.name, "windowsize")) {
      if (*value < 1 || *value > max_window)
        continue;
      n.window_size = static_cast<std::uint16_t>(std::min(*value, max_win));
      grant(n, x, n.window_size);
    }
  }
  return n;
}

} // namespace ivm::provisioning::tftp
