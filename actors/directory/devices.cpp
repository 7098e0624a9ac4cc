// The directory's phones (issue 11): the device API, sightings from the
// provisioning actor, lookups for configuration files, check-sync.

#include "actors/directory/directory_state.hpp"

#include <caf/actor_system.hpp>

#include "appliance/voice/crypto.hpp"
#include "provisioning/phone/vendor.hpp"

namespace ivm::actors::dir {

namespace {

constexpr std::size_t password_length = 20;

std::uint64_t now_s() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count());
}

std::string aad_of(std::string_view mac) {
  return "device:" + std::string{mac};
}

// Sends `event` to the registrations phone `mac` made as `extension`, then
// drops them when `revoke`.
void tell_phone(pointer self, const std::string& extension,
                const std::string& mac, std::string event, bool revoke) {
  if (!self->state.dir.by_extension(extension))
    return;
  auto run = [self, mac, event, revoke](const client_actor& c) {
    self->send(c, atoms::checksync_atom::value, mac, event, revoke);
  };
  with_client(self, extension, run);
}

std::string event_for(const directory::directory& d, const std::string& mac) {
  namespace phone = provisioning::phone;
  auto dev = d.devices().by_mac(mac);
  auto v = dev ? phone::parse_vendor(dev->vendor) : std::nullopt;
  return std::string{
      phone::check_sync_event(v.value_or(phone::vendor::unknown))};
}

} // namespace

void on_devices_admin(pointer self, http_exchange ex) {
  auto& st = self->state;
  auto path = ex.request.target.substr(0, ex.request.target.find('?'));
  auto rest =
      std::string_view{path}.substr(std::string_view{"/api/v1/devices"}.size());
  directory::device_crypto crypto;
  crypto.new_password = [] { return voice::random_password(password_length); };
  auto key = st.cfg.box_key;
  crypto.seal = [key](std::string_view password, std::string_view mac) {
    return voice::seal(password, key, aad_of(mac));
  };
  auto out = st.dir.devices().handle(ex.request.method, rest, ex.request.body,
                                     now_s(), st.dir, crypto);
  auto send = [](net::http_responder& respond, int status, std::string body) {
    respond(net::http_response{
        status, "application/json", status == 204 ? std::string{} : body, {}});
  };
  if (out.batch.empty()) {
    send(ex.respond, out.status, out.body);
    next_admin(self);
    return;
  }
  st.admin_busy = true;
  auto respond = std::move(ex.respond);
  self->request(st.cfg.clients->storage, caf::infinite, caf::put_atom::value,
                out.batch)
      .then(
          [self, out, respond, send](caf::ok_atom) mutable {
            auto& st = self->state;
            // Events are chosen by the vendor as it is now (before a PATCH
            // changes it, the phone is the old vendor's).
            std::vector<std::string> events;
            for (auto& [ext, mac] : out.check_sync)
              events.push_back(event_for(st.dir, mac));
            st.dir.devices().commit(out, st.dir.realm());
            for (auto& mac : out.del)
              st.log->info("device {} deleted", mac);
            for (auto& [d, _] : out.put)
              st.log->info("device {} saved (user {})", d.mac, d.extension);
            for (std::size_t i = 0; i < out.check_sync.size(); ++i) {
              auto& [ext, mac] = out.check_sync[i];
              tell_phone(self, ext, mac, events[i], false);
            }
            for (auto& [ext, mac] : out.revoked)
              tell_phone(self, ext, mac, {}, true);
            send(respond, out.status, out.body);
            next_admin(self);
          },
          [self, respond, send](const caf::error& err) mutable {
            self->state.log->error("device change not saved: {}",
                                   self->system().render(err));
            send(respond, 500,
                 R"({"error":"storage failure: nothing changed"})");
            next_admin(self);
          });
}

void check_sync_user(pointer self, const std::string& extension) {
  auto& st = self->state;
  for (auto& mac : st.dir.devices().devices_of(extension))
    tell_phone(self, extension, mac, event_for(st.dir, mac), false);
}

void on_sighting(pointer self, device_sighting s) {
  auto& st = self->state;
  if (st.dir.devices().by_mac(s.mac) != nullptr) {
    // A provisioned phone: what it did, for the admin (not stored).
    st.dir.devices().active(s.mac, s.source, s.file, s.address, s.user_agent,
                            s.expires_s, now_s());
    return;
  }
  storage::records::seen_device rec;
  rec.mac = std::move(s.mac);
  rec.source = std::move(s.source);
  rec.address = std::move(s.address);
  rec.vendor_class = std::move(s.vendor_class);
  rec.host_name = std::move(s.host_name);
  rec.vendor = std::move(s.vendor);
  rec.model = std::move(s.model);
  rec.user_agent = std::move(s.user_agent);
  rec.file = std::move(s.file);
  auto mac = rec.mac;
  bool fresh = st.dir.devices().seen().count(mac) == 0;
  auto store = st.dir.devices().sighted(std::move(rec), now_s());
  if (!store)
    return;
  if (fresh)
    st.log->info("unassigned phone {} ({} from {}{}{})", mac, store->source,
                 store->address, store->vendor.empty() ? "" : ", ",
                 store->vendor);
  storage::write_batch b;
  b.put(storage::family::devices, storage::records::seen_key(mac),
        storage::records::encode(*store));
  self->request(st.cfg.clients->storage, caf::infinite, caf::put_atom::value,
                std::move(b))
      .then([](caf::ok_atom) {},
            [self](const caf::error& err) {
              self->state.log->warn("sighting not saved: {}",
                                    self->system().render(err));
            });
}

device_lookup lookup_device(pointer self, const std::string& mac) {
  device_lookup out;
  if (auto cfg = self->state.dir.devices().config_of(mac, self->state.dir)) {
    out.found = true;
    out.cfg = std::move(*cfg);
  }
  return out;
}

void load_devices(storage::store& db, directory::directory& into,
                  const std::string& box_key) {
  auto log = log::get("directory");
  auto& book = into.devices();
  auto read_device = [&](const std::string&, const std::string& value) {
    auto d = storage::records::decode_device(value);
    if (!d) {
      log->error("bad device record: {}", d.error().message);
      return;
    }
    auto password = voice::open(d->sealed_password, box_key, aad_of(d->mac));
    if (!password) {
      // Another box key (a data dir moved without voice.key): the phone
      // needs new credentials (PATCH rotate_credentials).
      log->error("device {}: its password does not open with this box's "
                 "key; set rotate_credentials",
                 d->mac);
      password = std::string{};
    }
    book.load(std::move(*d), std::move(*password), into.realm());
  };
  auto read_seen = [&](const std::string&, const std::string& value) {
    if (auto s = storage::records::decode_seen(value))
      book.load(std::move(*s));
  };
  for (auto st :
       {storage::scan_all(db, storage::family::devices,
                          storage::records::device_prefix(), read_device),
        storage::scan_all(db, storage::family::devices,
                          storage::records::seen_prefix(), read_seen)})
    if (st)
      log->error("cannot read devices: {}", st->message);
}

} // namespace ivm::actors::dir
