// Fuzzes the whole-message path: parse, validate, serialize (round trip
// must be stable), transaction keys, response building and stream framing.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "appliance/rtp/telephone_event.hpp"
#include "appliance/sip/parser.hpp"
#include "appliance/sip/response.hpp"
#include "appliance/sip/serializer.hpp"
#include "appliance/sip/stream_framer.hpp"
#include "appliance/sip/transaction_key.hpp"
#include "appliance/sip/validate.hpp"

namespace sip = ivm::sip;

namespace {

void check(bool condition) {
  if (!condition)
    std::abort();
}

void check_round_trip(const sip::message& msg) {
  auto wire = sip::serialize(msg);
  auto again = sip::parse(wire);
  check(again.has_value());
  check(again->method == msg.method);
  check(again->request_uri == msg.request_uri);
  check(again->status_code == msg.status_code);
  check(again->reason == msg.reason);
  check(again->body == msg.body);
  check(sip::serialize(*again) == wire);
}

void framer(std::string_view input) {
  sip::stream_framer f;
  auto half = input.size() / 2;
  for (auto part : {input.substr(0, half), input.substr(half)}) {
    for (auto r = f.consume(part); r.what != sip::framer_event::need_more;
         r = f.next()) {
      if (r.what == sip::framer_event::error)
        return;
      if (r.what == sip::framer_event::message)
        sip::parse(r.frame, sip::stream_framer::stream_defaults());
    }
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input{reinterpret_cast<const char*>(data), size};
  framer(input);
  auto msg = sip::parse(input);
  if (!msg)
    return 0;
  check_round_trip(*msg);
  // A SIP INFO's key (the box's menus): one key at most, a keypad's.
  if (auto key =
          ivm::rtp::dtmf_of_info(msg->value_of("Content-Type"), msg->body))
    check(std::string_view{"0123456789*#ABCD"}.find(*key) !=
          std::string_view::npos);
  if (msg->is_request()) {
    auto err = sip::validate_request(*msg);
    sip::server_transaction_key(*msg);
    if (!err) {
      auto resp = sip::make_response(*msg, 486, "Busy Here", "tag1");
      check(!sip::validate_response(resp).has_value());
      check(!sip::client_transaction_key(resp).empty() ||
            sip::client_transaction_key(*msg).empty());
    }
  } else {
    sip::validate_response(*msg);
    sip::client_transaction_key(*msg);
  }
  return 0;
}
