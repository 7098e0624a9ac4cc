// Fuzzes URI parsing, unescaping, address checks and name-addr parsing.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "appliance/sip/name_addr.hpp"
#include "appliance/sip/uri.hpp"

namespace sip = ivm::sip;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input{reinterpret_cast<const char*>(data), size};
  auto unescaped = sip::unescape(input);
  if (unescaped.size() > input.size())
    std::abort();
  sip::is_ipv6_address(input);
  sip::is_ipv4_address(input);
  sip::is_host(input);
  if (auto u = sip::parse_uri(input)) {
    if (u->is_sip() && u->host.empty())
      std::abort();
    sip::unescape(u->user);
    for (auto& p : u->params)
      sip::unescape(p.value);
  }
  if (auto a = sip::parse_name_addr(input)) {
    a->tag();
    sip::contact_q(*a);
    sip::contact_expires(*a);
  }
  sip::parse_contact(input);
  return 0;
}
