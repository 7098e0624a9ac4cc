// Live monitoring for the console: GET /api/v1/events streams server-sent
// events (every 2 s a "stats" snapshot of the box's figures, "alert" when
// one is raised, "log" for new log lines) while someone watches; the same
// data one-shot from /api/v1/stats, /api/v1/alerts and /api/v1/log.

#include "actors/admin/admin_state.hpp"

#include <charconv>
#include <cstdlib>
#include <ctime>
#include <sys/statvfs.h>

#include <caf/actor_system.hpp>

#include "appliance/common/process_info.hpp"
#include "storage/records/records.hpp"

namespace ivm::actors::admin {

namespace {

constexpr auto tick = std::chrono::seconds{2};
constexpr auto count_every = std::chrono::seconds{10};

std::string now_rfc3339() {
  auto t =
      std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

struct disk_space {
  std::uint64_t total = 0;
  std::uint64_t free = 0;
};

disk_space disk_of(const std::filesystem::path& dir) {
  struct statvfs v {};
  if (dir.empty() || ::statvfs(dir.c_str(), &v) != 0)
    return {};
  return {static_cast<std::uint64_t>(v.f_blocks) * v.f_frsize,
          static_cast<std::uint64_t>(v.f_bavail) * v.f_frsize};
}

json alert_json(const monitor::alert& a) {
  return json{{"id", a.id},
              {"kind", a.kind},
              {"text", a.text},
              {"raised", a.raised},
              {"acknowledged", a.acknowledged}};
}

json alerts_json(const admin_state& st) {
  auto out = json::array();
  for (auto& a : st.alerts.all())
    out.push_back(alert_json(a));
  return out;
}

/// The figures of the box now, and the sample the alert rules look at.
json stats_json(const admin_state& st, const storage_stats& storage,
                monitor::sample& sample) {
  auto proc = read_process_info();
  auto disk = disk_of(st.ctx.data_dir);
  json metrics = json::object();
  if (st.ctx.metrics)
    for (auto& [name, value] : st.ctx.metrics->snapshot()) {
      metrics[name] = value;
      sample.metrics[name] = value;
    }
  sample.storage_ok = storage.healthy;
  sample.disk_free =
      disk.total ? static_cast<double>(disk.free) / disk.total : 1.0;
  sample.registered = st.registered;
  sample.t_s = std::chrono::duration<double>(
                   std::chrono::steady_clock::now().time_since_epoch())
                   .count();
  return json{
      {"time", now_rfc3339()},
      {"uptime_s", std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::steady_clock::now() - st.ctx.started)
                       .count()},
      {"cpu_seconds", proc.cpu_seconds},
      {"rss_bytes", proc.resident_bytes},
      {"threads", proc.threads},
      {"open_fds", proc.open_fds},
      {"disk_total_bytes", disk.total},
      {"disk_free_bytes", disk.free},
      {"storage",
       {{"healthy", storage.healthy},
        {"writes", storage.writes},
        {"write_errors", storage.write_errors},
        {"commits", storage.commits},
        {"last_error", storage.last_error}}},
      {"registered", st.registered},
      {"alerts_open", st.alerts.unacknowledged()},
      {"metrics", metrics}};
}

std::string event(const char* name, const json& data) {
  return std::string{"event: "} + name + "\ndata: " + data.dump() + "\n\n";
}

void broadcast(pointer self, const std::string& chunk) {
  auto& subs = self->state.subscribers;
  subs.erase(std::remove_if(subs.begin(), subs.end(),
                            [](auto& s) { return !s->open(); }),
             subs.end());
  for (auto& s : subs)
    s->write(chunk);
}

/// Log lines written since the last call (at most 50).
std::vector<std::string> new_log_lines(admin_state& st) {
  auto lines = log::recent(50);
  std::size_t from = 0;
  if (!st.last_log.empty())
    for (std::size_t i = lines.size(); i-- > 0;)
      if (lines[i] == st.last_log) {
        from = i + 1;
        break;
      }
  std::vector<std::string> out(lines.begin() + static_cast<long>(from),
                               lines.end());
  if (!lines.empty())
    st.last_log = lines.back();
  return out;
}

/// Counts registered bindings (family bindings, not expired): an office
/// box has hundreds, the scan is cheap every 10 s; it stops at 100,000.
void count_registered(pointer self) {
  auto& st = self->state;
  auto now = std::chrono::steady_clock::now();
  if (st.counted != std::chrono::steady_clock::time_point{} &&
      now - st.counted < count_every)
    return;
  st.counted = now;
  self->request(st.ctx.storage, std::chrono::seconds{5},
                atoms::scan_atom::value, storage::family::bindings,
                std::string{}, std::string{}, std::uint64_t{100000})
      .then(
          [self](const key_values& rows) {
            auto t = static_cast<std::uint64_t>(std::time(nullptr));
            std::int64_t n = 0;
            for (auto& [key, value] : rows)
              if (auto b = storage::records::decode_binding(value);
                  b && b->expires_s > t)
                ++n;
            self->state.registered = n;
          },
          [](const caf::error&) {});
}

void with_stats(pointer self, std::function<void(json)> then) {
  self->request(self->state.ctx.storage, std::chrono::seconds{2},
                atoms::stats_atom::value)
      .then(
          [self, then](const storage_stats& s) {
            monitor::sample sample;
            auto j = stats_json(self->state, s, sample);
            for (auto& a : self->state.alerts.observe(sample, now_rfc3339())) {
              self->state.log->warn("alert: {}", a.text);
              broadcast(self, event("alert", alert_json(a)));
            }
            then(std::move(j));
          },
          [self, then](const caf::error&) {
            storage_stats down;
            down.healthy = false;
            down.last_error = "storage unavailable";
            monitor::sample sample;
            then(stats_json(self->state, down, sample));
          });
}

} // namespace

void add_subscriber(pointer self, event_subscriber s) {
  auto& st = self->state;
  if (!s.stream || !s.stream->open())
    return;
  // What the console needs at once: the alerts and the log so far.
  s.stream->write(event("alerts", alerts_json(st)));
  json lines = log::recent(100);
  s.stream->write(event("log", lines));
  st.subscribers.push_back(std::move(s.stream));
  if (!st.ticking) {
    st.ticking = true;
    self->send(self, atoms::stats_atom::value);
  }
}

void on_tick(pointer self) {
  auto& st = self->state;
  broadcast(self, ""); // drops the clients that went away
  if (st.subscribers.empty()) {
    st.ticking = false;
    return;
  }
  count_registered(self);
  with_stats(self, [self](json stats) {
    broadcast(self, event("stats", stats));
    auto lines = new_log_lines(self->state);
    if (!lines.empty())
      broadcast(self, event("log", json(lines)));
  });
  self->delayed_send(self, tick, atoms::stats_atom::value);
}

bool on_monitor(pointer self, http_exchange& ex, const std::string& path) {
  auto& st = self->state;
  auto& req = ex.request;
  if (path == "/api/v1/events") {
    if (req.method != "GET") {
      ex.respond(error_response(405, "method not allowed"));
      return true;
    }
    auto handle = caf::actor_cast<admin_actor>(self);
    net::http_response head{200, "text/event-stream", {}, {}};
    head.on_stream = [handle](std::shared_ptr<net::http_stream> s) {
      caf::anon_send(handle, atoms::http_atom::value,
                     event_subscriber{std::move(s)});
    };
    ex.respond(std::move(head));
    return true;
  }
  if (path == "/api/v1/stats" && req.method == "GET") {
    count_registered(self);
    auto respond = std::move(ex.respond);
    with_stats(self, [respond](json j) { respond(json_response(200, j)); });
    return true;
  }
  if (path == "/api/v1/alerts" && req.method == "GET") {
    ex.respond(json_response(200, json{{"alerts", alerts_json(st)}}));
    return true;
  }
  constexpr std::string_view alerts = "/api/v1/alerts/";
  if (path.rfind(alerts, 0) == 0 && req.method == "POST" &&
      path.size() > alerts.size() + 4 &&
      path.compare(path.size() - 4, 4, "/ack") == 0) {
    auto id_text = path.substr(alerts.size(), path.size() - alerts.size() - 4);
    std::uint64_t id = 0;
    auto [end, ec] =
        std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
    if (ec != std::errc{} || end != id_text.data() + id_text.size() ||
        !st.alerts.acknowledge(id)) {
      ex.respond(error_response(404, "no alert " + id_text));
      return true;
    }
    broadcast(self, event("alerts", alerts_json(st)));
    ex.respond(json_response(200, json{{"acknowledged", id}}));
    return true;
  }
  if (path == "/api/v1/log" && req.method == "GET") {
    std::size_t n = 100;
    auto q = req.target.find("lines=");
    if (q != std::string::npos)
      n = std::min<std::size_t>(
          500, std::strtoul(req.target.c_str() + q + 6, nullptr, 10));
    ex.respond(json_response(200, json{{"lines", log::recent(n)}}));
    return true;
  }
  return false;
}

} // namespace ivm::actors::admin
