#pragma once

#include <optional>
#include <string>

#include "actors/api/sip.hpp"
#include "actors/client/client_actor.hpp"
#include "storage/records/records.hpp"

namespace ivm::actors {

/// A MESSAGE the box sends to one device, and where to send it.
struct outgoing {
  sip::message request;
  sip_flow flow;
  net::endpoint dest;
};

/// Where to send a request to a device known by its Contact `contact`, the
/// transport and source address of its REGISTER or SUBSCRIBE, and its
/// connection (TCP/TLS): UDP goes to the contact's address when it is an IP
/// literal, else to the source; TCP/TLS needs the connection.
std::optional<std::pair<sip_flow, net::endpoint>>
reach(const std::string& contact, std::uint8_t transport,
      const net::endpoint& source, const std::optional<sip_flow>& flow);

/// A fresh top Via for a request the box sends over `kind`.
std::string make_via(const client_config& cfg, sip_transport_kind kind);

/// Builds the delivery of `msg` to the device registered as `contact` (RFC
/// 3428 §4): Request-URI the contact, From the original sender, To the
/// recipient's address, Call-ID the message id (stable across attempts),
/// CSeq the attempt, Date the time the box accepted it. UDP goes to the
/// contact's address when it is an IP literal, else to where the REGISTER
/// came from; TCP/TLS needs the connection the device registered on.
/// nullopt when the device cannot be reached that way now.
std::optional<outgoing>
make_outgoing(const client_config& cfg, const storage::records::account& user,
              const storage::records::queued_message& msg,
              const std::string& contact, std::uint8_t transport,
              const net::endpoint& source, const std::optional<sip_flow>& flow);

/// A NOTIFY with `Event: event` ("check-sync") to the phone registered as
/// `contact`: the phone fetches its configuration again (an unsolicited
/// NOTIFY, as Asterisk, FreeSWITCH and the phone makers use it).
std::optional<outgoing>
make_check_sync(const client_config& cfg, const storage::records::account& user,
                const std::string& event, const std::string& contact,
                std::uint8_t transport, const net::endpoint& source,
                const std::optional<sip_flow>& flow);

} // namespace ivm::actors
