// Fuzzes the typed header parsers: the first octet selects the parser, the
// rest is the header value. Message-shaped inputs (e.g. the replayed
// vectors) also run every parser over every header of the message.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "appliance/sip/auth.hpp"
#include "appliance/sip/header_values.hpp"
#include "appliance/sip/message.hpp"
#include "appliance/sip/name_addr.hpp"
#include "appliance/sip/parser.hpp"
#include "appliance/sip/via.hpp"

namespace sip = ivm::sip;

namespace {

void run(unsigned selector, std::string_view value) {
  switch (selector % 17) {
    case 0:
      sip::parse_via(value);
      break;
    case 1:
      sip::parse_name_addr(value);
      break;
    case 2:
      sip::parse_contact(value);
      break;
    case 3:
      sip::parse_cseq(value);
      break;
    case 4:
      sip::parse_max_forwards(value);
      break;
    case 5:
      sip::parse_expires(value);
      break;
    case 6:
      sip::parse_content_length(value);
      break;
    case 7:
      sip::parse_content_type(value);
      break;
    case 8:
      sip::parse_accept(value);
      break;
    case 9:
      sip::parse_event(value);
      break;
    case 10:
      sip::parse_subscription_state(value);
      break;
    case 11:
      sip::parse_token_list(value);
      break;
    case 12:
      sip::parse_auth(value);
      break;
    case 13:
      sip::parse_call_id(value);
      break;
    case 14:
      sip::parse_retry_after(value);
      break;
    case 15:
      sip::parse_warning(value);
      break;
    default:
      sip::is_valid_date(value);
      sip::parse_name_addr_list(value);
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0)
    return 0;
  std::string_view input{reinterpret_cast<const char*>(data), size};
  run(data[0], input.substr(1));
  if (auto msg = sip::parse(input))
    for (auto& hdr : msg->headers)
      for (unsigned i = 0; i < 17; ++i)
        run(i, hdr.value);
  return 0;
}
