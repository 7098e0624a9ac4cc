// PUT, PATCH and DELETE of /api/v1/dhcp: the DHCP scope changed at run
// time. Checked as the [dhcp] section of the file is; the new sockets are
// opened before anything is stored, the scope is stored (family meta)
// before it is served, and a failure at any step changes nothing.

#include "actors/provisioning/provisioning_state.hpp"

#include <nlohmann/json.hpp>

#include "appliance/main/provisioning_scope.hpp"
#include "appliance/net/http_server.hpp"

namespace ivm::actors::prov {

namespace {

using json = nlohmann::json;

void reply(const net::http_responder& respond, int code, const json& body) {
  respond(net::http_response{code, "application/json", body.dump(), {}});
}

/// What replaces the current scope once stored.
struct next_scope {
  std::shared_ptr<app::settings> settings;
  std::optional<provisioning::dhcp::server_config> dhcp;
  dhcp_sockets sockets;
  bool from_store = true;
};

void close(dhcp_sockets& s) {
  if (s.server)
    s.server->close();
  if (s.probe)
    s.probe->close();
}

void switch_to(pointer self, next_scope next) {
  auto& st = self->state;
  stop_dhcp(self);
  st.cfg.settings = next.settings;
  st.cfg.dhcp_from_store = next.from_store;
  st.cfg.dhcp_error.reset();
  st.cfg.dhcp = std::move(next.dhcp);
  st.cfg.dhcp_interface = next.settings->dhcp.interface;
  st.cfg.dhcp_socket = std::move(next.sockets.server);
  st.cfg.probe_socket = std::move(next.sockets.probe);
  st.cfg.box = app::box_fields(*next.settings, st.cfg.dhcp);
  start_dhcp(self);
}

} // namespace

void on_dhcp_scope(pointer self, http_exchange& ex) {
  auto& st = self->state;
  auto& method = ex.request.method;
  if (st.scope_change_pending) {
    reply(ex.respond, 409,
          {{"error", "another change of the DHCP scope is being stored; "
                     "try again"}});
    return;
  }
  if (!st.cfg.settings || !st.cfg.open_dhcp) {
    reply(ex.respond, 501, {{"error", "DHCP cannot be changed at run time"}});
    return;
  }
  next_scope next;
  next.settings = std::make_shared<app::settings>(*st.cfg.settings);
  storage::write_batch batch;
  if (method == "DELETE") {
    // Back to the [dhcp] section of the configuration file.
    if (!st.cfg.file_dhcp) {
      reply(ex.respond, 501, {{"error", "the file's scope is not known"}});
      return;
    }
    next.settings->dhcp = *st.cfg.file_dhcp;
    next.from_store = false;
    batch.del(storage::family::meta, std::string{app::dhcp_scope_key});
  } else {
    if (auto bad = app::apply_dhcp_json(*next.settings, ex.request.body,
                                        method == "PUT")) {
      auto field = bad->what.substr(0, bad->what.find(':'));
      json body{{"error", bad->what}};
      if (field.rfind("dhcp.", 0) == 0)
        body["field"] = field.substr(5);
      reply(ex.respond, 422, body);
      return;
    }
    batch.put(storage::family::meta, std::string{app::dhcp_scope_key},
              app::dhcp_settings_json(next.settings->dhcp));
  }
  if (next.settings->dhcp.enabled) {
    auto made = app::make_dhcp_config(*next.settings);
    if (!made) {
      reply(ex.respond, 422, {{"error", made.error().what}});
      return;
    }
    next.dhcp = std::move(*made);
    // Opened anew even on the same interface (SO_REUSEADDR): the old ones
    // serve until the new scope is stored.
    auto opened = st.cfg.open_dhcp(next.settings->dhcp.interface);
    if (!opened) {
      reply(ex.respond, 422,
            {{"error", "dhcp.interface: " + opened.error()},
             {"field", "interface"}});
      return;
    }
    next.sockets = std::move(*opened);
  }
  st.scope_change_pending = true;
  auto respond = std::move(ex.respond);
  auto shared = std::make_shared<next_scope>(std::move(next));
  self->request(st.cfg.storage, std::chrono::seconds{10}, caf::put_atom::value,
                std::move(batch))
      .then(
          [self, shared, respond](caf::ok_atom) {
            auto& st = self->state;
            st.scope_change_pending = false;
            auto was = st.dhcp.has_value();
            switch_to(self, std::move(*shared));
            st.log->info("DHCP scope changed through the admin API ({} -> {})",
                         was ? "on" : "off", st.dhcp ? "on" : "off");
            respond(dhcp_view_response(self->state));
          },
          [self, shared, respond](const caf::error& err) {
            auto& st = self->state;
            st.scope_change_pending = false;
            close(shared->sockets);
            st.log->error("DHCP scope not stored: {}",
                          self->system().render(err));
            reply(respond, 500,
                  {{"error", "not stored: " + self->system().render(err)}});
          });
}

void on_site_change(pointer self, const site_change& c) {
  auto& st = self->state;
  st.cfg.box.timezone = c.time_zone;
  st.cfg.box.utc_offset_minutes = c.utc_offset_minutes;
  if (st.cfg.settings) {
    // A later change of the scope derives the files' fields from these.
    auto next = std::make_shared<app::settings>(*st.cfg.settings);
    next->provisioning.timezone = c.time_zone;
    next->provisioning.utc_offset_minutes = c.utc_offset_minutes;
    st.cfg.settings = std::move(next);
  }
  st.log->info("phone files now use time zone {}", c.time_zone);
}

} // namespace ivm::actors::prov
