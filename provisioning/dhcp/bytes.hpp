#pragma once

// Network byte order for the codecs of provisioning/dhcp
// (appliance/common/byte_order.hpp).

#include "appliance/common/byte_order.hpp"

namespace ivm::provisioning::dhcp::detail {

using byte_order::put16;
using byte_order::put32;
using byte_order::read16;
using byte_order::read32;

} // namespace ivm::provisioning::dhcp::detail
