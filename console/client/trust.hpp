#pragma once

// The decision whether a TLS server may hear a request: shared by the
// request/response transport and the event stream. Private to the client
// library.

#include <chrono>
#include <optional>
#include <string>

#include "console/client/byte_stream.hpp"
#include "console/client/endpoint.hpp"
#include "console/client/http_transport.hpp"

namespace ivm::admin::detail {

class tls_channel;

/// Judges the certificate `tls` presented for `ep` after the handshake,
/// before anything is written: it must equal `ep.fingerprint` when set,
/// else verify against the system's CAs, else match the pin store (the
/// first connection records it and tells `notice`). Returns the refusal,
/// one line for the user, or nullopt when the server is trusted.
std::optional<std::string> check_trust(const endpoint& ep,
                                       const tls_channel& tls,
                                       const notice_fn& notice);

/// "TLS handshake with host:port failed: <why>", with a hint when the
/// server seems to speak plain HTTP; `limit` names a timeout.
std::string handshake_failure(const endpoint& ep, const io_error& err,
                              std::chrono::milliseconds limit);

} // namespace ivm::admin::detail
