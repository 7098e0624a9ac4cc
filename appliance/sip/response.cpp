#include "appliance/sip/response.hpp"

#include "appliance/sip/name_addr.hpp"

namespace ivm::sip {

message make_response(const message& request, int code, std::string_view reason,
                      std::string_view to_tag) {
  auto result = message::make_response(code, std::string{reason});
  result.version = request.version;
  for (auto& hdr : request.headers) {
    switch (hdr.id) {
      case header_id::via:
      case header_id::from:
      case header_id::call_id:
      case header_id::cseq:
        result.headers.push_back(hdr);
        break;
      case header_id::timestamp:
        if (code == 100)
          result.headers.push_back(hdr);
        break;
      case header_id::to: {
        result.headers.push_back(hdr);
        if (code > 100 && !to_tag.empty()) {
          auto addr = parse_name_addr(hdr.value);
          if (addr && !addr->tag()) {
            auto& value = result.headers.back().value;
            value += ";tag=";
            value += to_tag;
          }
        }
        break;
      }
      default:
        break;
    }
  }
  return result;
}

} // namespace ivm::sip
