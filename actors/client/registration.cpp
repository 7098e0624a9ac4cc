#include "actors/client/client_state.hpp"

#include <caf/actor_cast.hpp>

#include "actors/client/outgoing.hpp"
#include "storage/codec.hpp"

namespace ivm::actors::client {

std::vector<sip::core::contact_binding> bindings_of(const client_state& st) {
  std::vector<sip::core::contact_binding> out;
  for (auto& d : st.devices)
    out.push_back(d.binding);
  return out;
}

bool online(const client_state& st) {
  if (!st.stations.empty())
    return true;
  auto t = now_s();
  for (auto& d : st.devices)
    if (d.binding.expires_s > t)
      return true;
  return false;
}

std::size_t online_devices(const client_state& st) {
  auto t = now_s();
  std::size_t n = st.stations.size();
  for (auto& d : st.devices)
    if (d.binding.expires_s > t)
      ++n;
  return n;
}

void on_register(pointer self, sip_task& t) {
  auto& st = self->state;
  auto now = now_s();
  auto outcome = sip::core::apply_register(bindings_of(st), t.in.msg, now,
                                           st.cfg->registrar);
  if (outcome.code != 200) {
    answer(self, t, outcome.code, outcome.reason, outcome.headers);
    return;
  }
  storage::write_batch b;
  std::vector<device> next;
  for (auto& bd : outcome.bindings) {
    device d;
    d.binding = bd;
    auto up = std::find_if(outcome.upserted.begin(), outcome.upserted.end(),
                           [&](const sip::core::contact_binding& u) {
                             return u.contact == bd.contact;
                           });
    auto old = std::find_if(
        st.devices.begin(), st.devices.end(),
        [&](const device& x) { return x.binding.contact == bd.contact; });
    if (up != outcome.upserted.end()) {
      d.transport = static_cast<std::uint8_t>(t.in.flow.kind);
      d.source = t.in.flow.remote;
      d.user_agent = std::string{t.in.msg.value_of("User-Agent")};
      d.phone = t.device;
      if (t.in.flow.kind != sip_transport_kind::udp)
        d.flow = t.in.flow;
      storage::records::binding rec{bd.contact,
                                    bd.q,
                                    bd.expires_s,
                                    bd.call_id,
                                    bd.cseq,
                                    d.transport,
                                    net::to_string(d.source),
                                    d.user_agent,
                                    d.phone};
      b.put(storage::family::bindings,
            storage::records::binding_key(st.user.extension, bd.contact),
            storage::records::encode(rec));
    } else if (old != st.devices.end()) {
      d = *old;
      d.binding = bd;
    }
    next.push_back(std::move(d));
  }
  // Removed and expired bindings leave storage too.
  for (auto& d : st.devices)
    if (std::none_of(next.begin(), next.end(), [&](const device& x) {
          return x.binding.contact == d.binding.contact;
        }))
      b.del(
          storage::family::bindings,
          storage::records::binding_key(st.user.extension, d.binding.contact));
  auto respond = [self, t, outcome, next = std::move(next)]() mutable {
    auto& st = self->state;
    bool was_online = online(st);
    st.devices = std::move(next);
    answer(self, t, 200, "OK", outcome.headers);
    st.log->info("{} {}: {} device(s)", st.user.extension,
                 st.devices.empty() ? "unregistered" : "registered",
                 st.devices.size());
    if (!was_online || st.retry_token != 0) {
      st.retry_token = 0; // a device (re)appeared: try now
    }
    if (st.book_)
      run(self, st.book_->set_devices(online_devices(st), now_s()));
    if (!t.device.empty() && st.cfg->directory) {
      // A provisioned phone: the admin sees it registered (or not).
      device_sighting seen;
      seen.mac = t.device;
      seen.source = "register";
      seen.address = t.in.flow.remote.host;
      seen.user_agent = std::string{t.in.msg.value_of("User-Agent")};
      for (auto& d : st.devices)
        if (d.phone == t.device)
          seen.expires_s = std::max(seen.expires_s, d.binding.expires_s);
      self->send(st.cfg->directory, atoms::seen_atom::value, std::move(seen));
    }
    pump(self);
  };
  if (b.empty()) {
    respond();
    return;
  }
  store(
      self, b, [respond]() mutable { respond(); },
      [self, t](const caf::error& err) {
        self->state.log->error("{}: bindings not saved: {}",
                               self->state.user.extension,
                               self->system().render(err));
        answer(self, t, 500, "Server Internal Error");
      });
}

// Tells the phone `mac` (registered with its own credentials) to fetch its
// configuration, then forgets its registrations when they were revoked.
void on_check_sync(pointer self, const std::string& mac,
                   const std::string& event, bool revoke) {
  auto& st = self->state;
  auto now = now_s();
  storage::write_batch b;
  std::size_t sent = 0;
  for (auto& d : st.devices) {
    if (d.phone != mac || d.binding.expires_s <= now)
      continue;
    if (!event.empty()) {
      auto out = make_check_sync(*st.cfg, st.user, event, d.binding.contact,
                                 d.transport, d.source, d.flow);
      if (out) {
        auto shard =
            shard_of(out->request.value_of("Call-ID"), st.cfg->routers.size());
        self->send(
            st.cfg->routers[shard], atoms::sipsend_atom::value,
            sip_request_task{st.next_token++, caf::actor_cast<caf::actor>(self),
                             std::move(out->request), out->flow, out->dest});
        ++sent;
      }
    }
    if (revoke)
      b.del(
          storage::family::bindings,
          storage::records::binding_key(st.user.extension, d.binding.contact));
  }
  if (sent > 0)
    st.log->info("{}: {} sent to phone {}", st.user.extension, event, mac);
  if (!revoke || b.empty())
    return;
  st.devices.erase(
      std::remove_if(st.devices.begin(), st.devices.end(),
                     [&](const device& d) { return d.phone == mac; }),
      st.devices.end());
  st.log->info("{}: registrations of phone {} revoked", st.user.extension, mac);
  save_batch(self, std::move(b));
  if (st.book_)
    run(self, st.book_->set_devices(online_devices(st), now));
}

} // namespace ivm::actors::client
