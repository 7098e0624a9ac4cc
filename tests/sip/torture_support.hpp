#pragma once

// Helpers shared by the RFC 4475 torture tests.

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "appliance/sip/message.hpp"
#include "appliance/sip/parser.hpp"
#include "appliance/sip/validate.hpp"
#include "appliance/sip/via.hpp"

namespace ivm::test {

/// The bytes of tests/vectors/sip/torture/NAME.
inline std::string load(const std::string& name) {
  std::ifstream in{std::string{IVM_SOURCE_DIR} + "/tests/vectors/sip/torture/" +
                       name,
                   std::ios::binary};
  EXPECT_TRUE(in.good()) << name;
  return {std::istreambuf_iterator<char>{in}, {}};
}

/// Parses a vector that must be valid and pass validation.
inline sip::message valid(const std::string& name) {
  auto msg = sip::parse(load(name));
  EXPECT_TRUE(msg.has_value()) << name << ": " << msg.error().reason;
  if (!msg)
    return {};
  auto err = msg->is_request() ? sip::validate_request(*msg)
                               : sip::validate_response(*msg);
  EXPECT_FALSE(err.has_value()) << name << ": " << err->reason;
  return std::move(*msg);
}

/// Every Via value of `msg`, in order.
inline std::vector<sip::via> all_vias(const sip::message& msg) {
  std::vector<sip::via> result;
  for (auto hdr : msg.find_all("Via")) {
    auto vias = sip::parse_via(hdr->value);
    EXPECT_TRUE(vias.has_value()) << hdr->value;
    if (vias)
      result.insert(result.end(), vias->begin(), vias->end());
  }
  return result;
}

} // namespace ivm::test
