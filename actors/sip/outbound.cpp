#include "actors/sip/outbound.hpp"

#include "actors/api/services.hpp"
#include "appliance/sip/core/uas_policy.hpp"
#include "appliance/sip/response.hpp"

#include <functional>

#include "appliance/net/tcp_server.hpp"
#include "appliance/net/udp_socket.hpp"

namespace ivm::actors {

std::string_view to_string(sip_transport_kind k) {
  switch (k) {
    case sip_transport_kind::udp:
      return "UDP";
    case sip_transport_kind::tcp:
      return "TCP";
    case sip_transport_kind::tls:
      return "TLS";
  }
  return "?";
}

sip::message
make_answer(const sip_task& t, int code, std::string_view reason,
            const std::vector<std::pair<std::string, std::string>>& headers,
            std::string_view server) {
  auto resp =
      sip::make_response(t.in.msg, code, reason, sip::core::random_tag());
  for (auto& [k, v] : headers)
    resp.add(k, v);
  resp.add("Server", std::string{server});
  return resp;
}

std::size_t shard_of(std::string_view call_id, std::size_t shards) {
  return shards == 0 ? 0 : std::hash<std::string_view>{}(call_id) % shards;
}

sip_outbound::sip_outbound(std::shared_ptr<net::udp_socket> udp,
                           std::shared_ptr<net::tcp_server> tcp,
                           std::shared_ptr<net::tcp_server> tls)
  : udp_(std::move(udp)), tcp_(std::move(tcp)), tls_(std::move(tls)) {
  // nop
}

void sip_outbound::send(const sip_flow& flow, const net::endpoint& dest,
                        std::string bytes) const {
  switch (flow.kind) {
    case sip_transport_kind::udp:
      if (udp_)
        udp_->send_to(std::move(bytes), dest);
      break;
    case sip_transport_kind::tcp:
      if (tcp_)
        tcp_->send(flow.conn, std::move(bytes));
      break;
    case sip_transport_kind::tls:
      if (tls_)
        tls_->send(flow.conn, std::move(bytes));
      break;
  }
}

void sip_outbound::close(const sip_flow& flow) const {
  if (flow.kind == sip_transport_kind::tcp && tcp_)
    tcp_->close(flow.conn);
  else if (flow.kind == sip_transport_kind::tls && tls_)
    tls_->close(flow.conn);
}

} // namespace ivm::actors
