#pragma once

// The box's TLS certificate, shared by every listener that speaks TLS
// without one of its own (SIP TLS, HTTPS provisioning, the admin API off
// loopback).

#include <memory>
#include <string>

#include "appliance/common/expected.hpp"
#include "appliance/main/settings.hpp"
#include "appliance/net/tls_context.hpp"

namespace ivm::app {

/// `loaded` if not null; else sip.tls_certificate/tls_private_key if set;
/// else the self-signed pair in data_dir/tls/ (made at first use).
expected<std::shared_ptr<net::tls_context>, std::string>
box_certificate(const settings& cfg,
                const std::shared_ptr<net::tls_context>& loaded);

/// 127.0.0.0/8 or ::1 (the admin API speaks plain HTTP only there).
bool is_loopback_host(const std::string& host);

} // namespace ivm::app
