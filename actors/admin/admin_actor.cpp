#include "actors/admin/admin_state.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/api/provisioning.hpp"
#include "appliance/common/log.hpp"
#include "appliance/common/metrics.hpp"
#include "appliance/common/process_info.hpp"
#include "ivm/version.hpp"

namespace ivm::actors {

namespace admin {

net::http_response json_response(int status, const json& body) {
  return net::http_response{status, "application/json", body.dump(), {}};
}

net::http_response error_response(int status, const std::string& why) {
  return json_response(status, json{{"error", why}});
}

} // namespace admin

namespace {

using namespace admin;

double uptime_s(const admin_context& ctx) {
  using namespace std::chrono;
  return duration_cast<duration<double>>(steady_clock::now() - ctx.started)
      .count();
}

void health(pointer self, net::http_responder respond) {
  auto up = static_cast<std::uint64_t>(uptime_s(self->state.ctx));
  // A fresh box is unconfigured until its first admin account exists (the
  // console's first boot creates it); it serves on its defaults meanwhile.
  bool configured = !self->state.admins.empty();
  // PBX links (issue 17): how many are configured and up.
  json pbx;
  if (auto& r = self->state.ctx.metrics) {
    std::int64_t links = 0, links_up = 0;
    for (auto& [name, v] : r->snapshot())
      if (name == "ivm_pbx_links")
        links = static_cast<std::int64_t>(v);
      else if (name == "ivm_pbx_links_up")
        links_up = static_cast<std::int64_t>(v);
    if (links > 0)
      pbx = {{"configured", links}, {"up", links_up}};
  }
  self->request(self->state.ctx.storage, std::chrono::seconds(2),
                atoms::stats_atom::value)
      .then(
          [respond, up, configured, pbx](const storage_stats& st) {
            json body{{"status", st.healthy ? "ok" : "degraded"},
                      {"version", IVM_VERSION_STRING},
                      {"uptime_s", up},
                      {"storage", st.healthy ? "ok" : "error"},
                      {"configured", configured}};
            if (!pbx.is_null())
              body["pbx_links"] = pbx;
            respond(json_response(st.healthy ? 200 : 503, body));
          },
          [respond, up, configured](const caf::error&) {
            respond(json_response(503, json{{"status", "degraded"},
                                            {"version", IVM_VERSION_STRING},
                                            {"uptime_s", up},
                                            {"storage", "unavailable"},
                                            {"configured", configured}}));
          });
}

void metrics_page(pointer self, net::http_responder respond) {
  auto registry = self->state.ctx.metrics;
  auto up = uptime_s(self->state.ctx);
  self->request(self->state.ctx.storage, std::chrono::seconds(2),
                atoms::stats_atom::value)
      .then(
          [respond, registry, up](const storage_stats& st) {
            std::string out;
            auto proc = read_process_info();
            using metrics::append;
            append(out, "ivm_uptime_seconds", "Seconds since start.", "gauge",
                   up);
            append(out, "process_resident_memory_bytes", "Resident memory.",
                   "gauge", static_cast<double>(proc.resident_bytes));
            append(out, "process_cpu_seconds_total",
                   "User and system CPU time.", "counter", proc.cpu_seconds);
            append(out, "process_open_fds", "Open file descriptors.", "gauge",
                   static_cast<double>(proc.open_fds));
            append(out, "process_threads", "Threads.", "gauge",
                   static_cast<double>(proc.threads));
            append(out, "ivm_storage_up", "1 if the last storage write worked.",
                   "gauge", st.healthy ? 1 : 0);
            append(out, "ivm_storage_reads_total", "Record reads.", "counter",
                   static_cast<double>(st.reads));
            append(out, "ivm_storage_scans_total", "Range scans.", "counter",
                   static_cast<double>(st.scans));
            append(out, "ivm_storage_writes_total",
                   "Durable write requests acknowledged.", "counter",
                   static_cast<double>(st.writes));
            append(out, "ivm_storage_write_errors_total",
                   "Durable write requests failed.", "counter",
                   static_cast<double>(st.write_errors));
            append(out, "ivm_storage_commits_total",
                   "Group commits (one WAL sync each).", "counter",
                   static_cast<double>(st.commits));
            append(out, "ivm_storage_records_written_total",
                   "Records written by commits.", "counter",
                   static_cast<double>(st.records));
            append(out, "ivm_storage_largest_commit",
                   "Most write requests merged into one commit.", "gauge",
                   static_cast<double>(st.largest_commit));
            if (registry)
              registry->render(out);
            respond(
                net::http_response{200, "text/plain; version=0.0.4", out, {}});
          },
          [respond](const caf::error&) {
            respond(error_response(503, "storage unavailable"));
          });
}

void route(pointer self, http_exchange& ex) {
  auto& req = ex.request;
  auto path = req.target.substr(0, req.target.find('?'));
  if (path == "/health" || path == "/metrics") {
    if (req.method != "GET" && req.method != "HEAD") {
      auto resp = error_response(405, "method not allowed");
      resp.headers.emplace_back("Allow", "GET, HEAD");
      ex.respond(std::move(resp));
      return;
    }
    if (path == "/health")
      health(self, std::move(ex.respond));
    else
      metrics_page(self, std::move(ex.respond));
    return;
  }
  if (path.rfind("/api/v1/", 0) == 0) {
    auto& ctx = self->state.ctx;
    // Voice messages: users authenticate with their SIP credentials (HTTP
    // Digest, checked by the directory), not with the admin token.
    bool user_api = path == "/api/v1/voice-messages" ||
                    path.rfind("/api/v1/voice-messages/", 0) == 0 ||
                    path == "/api/v1/calls" || path == "/api/v1/faxes" ||
                    path.rfind("/api/v1/faxes/", 0) == 0 ||
                    path.rfind("/api/v1/me/", 0) == 0;
    auto who = user_api ? std::nullopt : authorized(self, req);
    if (on_accounts(self, ex, path, who))
      return;
    if (path == "/api/v1/settings" && on_settings(self, ex, who))
      return;
    if (who && on_monitor(self, ex, path))
      return;
    if (!user_api && !who) {
      auto resp = error_response(401, "sign in or give the bearer token");
      resp.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"ivm\"");
      ex.respond(std::move(resp));
      return;
    }
    auto under = [&](std::string_view base) {
      return path == base || (path.size() > base.size() &&
                              path.compare(0, base.size(), base) == 0 &&
                              path[base.size()] == '/');
    };
    if (under("/api/v1/firmware") || under("/api/v1/dhcp") ||
        under("/api/v1/templates") || device_files_mac(path)) {
      if (ctx.provisioning) {
        ctx.provisioning(std::move(ex));
        return;
      }
      ex.respond(error_response(404, "provisioning is off"));
      return;
    }
    if (under("/api/v1/gateways") || under("/api/v1/stations") ||
        under("/api/v1/pbx")) {
      if (ctx.legacy) {
        ctx.legacy(std::move(ex));
        return;
      }
      ex.respond(error_response(
          404, "legacy phones are off (mgcp.listen and megaco.listen)"));
      return;
    }
    if (ctx.directory) {
      self->send(ctx.directory, atoms::http_atom::value, std::move(ex));
      return;
    }
  }
  ex.respond(error_response(404, "no such resource: " + path));
}

admin_actor::behavior_type admin_impl(pointer self, admin_context ctx) {
  self->state.ctx = std::move(ctx);
  init_accounts(self);
  return {
      [self](atoms::http_atom, http_exchange& ex) { route(self, ex); },
      [self](atoms::http_atom, event_subscriber& s) {
        add_subscriber(self, std::move(s));
      },
      [self](atoms::stats_atom) { on_tick(self); },
  };
}

} // namespace

admin_actor spawn_admin(caf::actor_system& sys, admin_context ctx) {
  return sys.spawn(admin_impl, std::move(ctx));
}

} // namespace ivm::actors
