#include "actors/sip/transport_actor.hpp"

#include <functional>
#include <unordered_map>

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/api/overload.hpp"
#include "actors/sip/outbound.hpp"
#include "appliance/common/log.hpp"
#include "appliance/common/metrics.hpp"
#include "appliance/sip/core/routing.hpp"
#include "appliance/sip/core/uas_policy.hpp"
#include "appliance/sip/stream_framer.hpp"
#include "appliance/sip/validate.hpp"

namespace ivm::actors {

namespace {

struct connection {
  sip::stream_framer framer;
  net::endpoint remote;
};

struct transport_state {
  sip_transport_config cfg;
  sip::parse_options stream_limits;
  std::unordered_map<net::conn_id, connection> conns;
  metrics::counter* received = nullptr;
  metrics::counter* stale = nullptr;
  metrics::counter* malformed = nullptr;
  std::shared_ptr<spdlog::logger> log = log::get("sip");
  static inline const char* name = "sip_transport";
};

using pointer = sip_transport_actor::stateful_pointer<transport_state>;

// Answers a request that did not parse, if it carries enough to answer.
void reject(pointer self, std::string_view raw, const sip::parse_error& err,
            const sip_flow& flow) {
  self->state.malformed->inc();
  self->state.log->debug("malformed {} from {}: {} {}", to_string(flow.kind),
                         net::to_string(flow.remote), err.status, err.reason);
  if (!err.is_request)
    return; // bad responses are dropped (RFC 3261 §18.1.2)
  auto resp = sip::core::raw_error_response(raw, err, sip::core::random_tag(),
                                            self->state.cfg.server);
  if (resp)
    self->state.cfg.out->send(flow, flow.remote, std::move(*resp));
}

void dispatch(pointer self, sip::message msg, const sip_flow& flow,
              std::chrono::steady_clock::time_point received = {}) {
  self->state.received->inc();
  if (msg.is_response() && sip::validate_response(msg)) {
    self->state.malformed->inc();
    return; // RFC 4475 §3.1.2.5, §3.1.2.19: discard
  }
  auto& shards = self->state.cfg.shards;
  auto call_id = msg.value_of("Call-ID");
  auto idx = shard_of(call_id, shards.size());
  self->send(shards[idx], atoms::recv_atom::value,
             sip_inbound{std::move(msg), flow, received});
}

// A request that starts a transaction (not a response, ACK, CANCEL or
// BYE, which end or complete work already paid for), judged by its first
// bytes.
bool starts_work(const std::string& payload) {
  auto starts = [&payload](const char* p) {
    return payload.compare(0, std::char_traits<char>::length(p), p) == 0;
  };
  return !starts("SIP/2.0") && !starts("ACK ") && !starts("CANCEL ") &&
         !starts("BYE ");
}

void on_datagram(pointer self, const datagram& d) {
  // CRLF keep-alives over UDP carry nothing to answer.
  if (d.payload.find_first_not_of("\r\n \t") == std::string::npos)
    return;
  auto& cfg = self->state.cfg;
  if (cfg.max_queue_delay.count() > 0 &&
      d.received != std::chrono::steady_clock::time_point{} &&
      std::chrono::steady_clock::now() - d.received > cfg.max_queue_delay &&
      starts_work(d.payload)) {
    // Too far behind: as a full socket buffer would, drop it before the
    // parse; the sender retransmits (RFC 3261 §17.1.2.2) and the
    // retransmission finds a shorter queue.
    self->state.stale->inc();
    return;
  }
  sip_flow flow{sip_transport_kind::udp, 0, d.from};
  auto parsed = sip::parse(d.payload, self->state.cfg.limits);
  if (!parsed) {
    reject(self, d.payload, parsed.error(), flow);
    return;
  }
  dispatch(self, std::move(*parsed), flow, d.received);
}

void on_stream(pointer self, net::conn_id id, const std::string& bytes) {
  auto& st = self->state;
  auto it = st.conns.find(id);
  if (it == st.conns.end())
    return;
  auto& conn = it->second;
  sip_flow flow{st.cfg.kind, id, conn.remote};
  for (auto r = conn.framer.consume(bytes);
       r.what != sip::framer_event::need_more; r = conn.framer.next()) {
    switch (r.what) {
      case sip::framer_event::message: {
        auto parsed = sip::parse(r.frame, st.stream_limits);
        if (parsed)
          dispatch(self, std::move(*parsed), flow);
        else
          reject(self, r.frame, parsed.error(), flow);
        break;
      }
      case sip::framer_event::ping:
        st.cfg.out->send(flow, conn.remote, "\r\n"); // RFC 5626 §3.5.1
        break;
      case sip::framer_event::error:
        // Framing is lost for good (RFC 4475 §3.1.2.3, §3.3.9): answer the
        // request if its header section is known, then close.
        if (!r.frame.empty())
          reject(self, r.frame, r.error, flow);
        else
          st.malformed->inc();
        st.log->info("closing {} connection from {}: {}", to_string(flow.kind),
                     net::to_string(conn.remote), r.error.reason);
        st.cfg.out->close(flow);
        st.conns.erase(it);
        return;
      default:
        break;
    }
  }
}

sip_transport_actor::behavior_type transport_impl(pointer self,
                                                  sip_transport_config cfg) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.stream_limits = st.cfg.limits;
  st.stream_limits.stream = true;
  st.received = &st.cfg.metrics->make_counter("ivm_sip_messages_received_total",
                                              "SIP messages parsed.");
  st.stale = &sip_overload_counter(*st.cfg.metrics);
  st.malformed = &st.cfg.metrics->make_counter(
      "ivm_sip_malformed_total",
      "SIP messages rejected or dropped as malformed.");
  return {
      [self](atoms::recv_atom, const datagram& d) {
        --*self->state.cfg.inflight;
        on_datagram(self, d);
      },
      [self](atoms::conn_atom, net::conn_id id, const net::endpoint& remote) {
        self->state.conns.emplace(
            id,
            connection{sip::stream_framer{self->state.stream_limits}, remote});
      },
      [self](atoms::conn_atom, net::conn_id id, const std::string& bytes) {
        --*self->state.cfg.inflight;
        on_stream(self, id, bytes);
      },
      [self](caf::close_atom, net::conn_id id) { self->state.conns.erase(id); },
  };
}

} // namespace

sip_transport_actor spawn_sip_transport(caf::actor_system& sys,
                                        sip_transport_config cfg) {
  return sys.spawn(transport_impl, std::move(cfg));
}

} // namespace ivm::actors
