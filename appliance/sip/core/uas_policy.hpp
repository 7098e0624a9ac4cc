#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "appliance/sip/message.hpp"

namespace ivm::sip::core {

/// Who the box is, for deciding whether a request is addressed to it.
struct uas_config {
  /// The SIP domain served (settings `domain`).
  std::string domain = "127.0.0.1";
  /// Hosts (IP literals or names) that mean this box, besides the domain.
  std::vector<std::string> local_hosts;
  /// Value of the Server header.
  std::string server = "ivm-appliance";
  /// Accounts exist: REGISTER goes to the registrar, MESSAGE to users goes
  /// to messaging.
  bool directory = false;
};

/// Which service handles a request the checks let through.
enum class service : std::uint8_t {
  none,      ///< `uas_answer` is the answer
  registrar, ///< REGISTER to the box's domain (RFC 3261 §10)
  messaging, ///< MESSAGE to a user of the box (RFC 3428)
  presence,  ///< SUBSCRIBE/PUBLISH to a user of the box (RFC 6665, 3903)
  proxy,     ///< a new INVITE to a user of the box (RFC 3261 §16)
  user,      ///< any other request to a user of the box, out of a dialog:
             ///< answered once the sender has authenticated
};

/// What the box answers to a request it handles itself.
struct uas_answer {
  int code = 200;
  std::string reason = "OK";
  std::vector<std::pair<std::string, std::string>> headers;
  /// When not `none`, the request goes to that service instead.
  service delegate = service::none;
};

/// The methods the box implements as a UAS (ACK and CANCEL are handled by
/// the transaction layer), as in its Allow header.
const std::string& allow_header(const uas_config& cfg = {});

/// True for the methods of RFC 3261 and its extensions that the box knows
/// about (implemented or not), false for unknown ones (answered 501).
bool is_known_method(const std::string& method);

/// Decides the answer to a parsed and validated request (RFC 3261 §8.2,
/// RFC 4475 §3.3), in this order: 416 unsupported URI scheme, 483 for
/// Max-Forwards 0 on a request the box would forward, 420 for unknown
/// Require/Proxy-Require option tags, 501 for unknown methods, 415 for
/// bodies it cannot handle, 406 when the answer's type is not acceptable,
/// 405 for known methods it does not implement (with Allow), 404 for users
/// it does not have, 200 for OPTIONS to the box (with Allow, Accept,
/// Supported). With `cfg.directory`, REGISTER to the box and MESSAGE to a
/// user at the box's domain are delegated (`uas_answer::delegate`) after the
/// checks, and so are SUBSCRIBE/PUBLISH to a user (presence) and a new
/// INVITE to a user (proxy; only Proxy-Require is checked for it, RFC 3261
/// §16.3). Other requests to a user at the box's domain are delegated too
/// (`service::user`) when out of a dialog, and answered 481 when they carry
/// a To tag of a dialog nobody has: nothing about the user is revealed
/// before the sender authenticates. Returns nullopt for ACK (never
/// answered).
std::optional<uas_answer> decide(const message& request, const uas_config& cfg);

/// Builds the response message for `answer` (RFC 3261 §8.2.6), adding a To
/// tag when the request had none.
message build_response(const message& request, const uas_answer& answer,
                       const std::string& to_tag, const uas_config& cfg);

/// A random To tag / branch suffix (hex, 16 characters).
std::string random_tag();

} // namespace ivm::sip::core
