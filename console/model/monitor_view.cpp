#include "console/model/monitor_view.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace ivm::console {

namespace {

using json = nlohmann::json;

double number(const json& j, const char* key, double fallback) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : fallback;
}

std::uint64_t count(const json& j, const char* key) {
  auto v = number(j, key, 0);
  return v > 0 ? static_cast<std::uint64_t>(v) : 0;
}

std::string text(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

/// What a counter grew by. A counter smaller than before, or a box whose
/// uptime went back, restarted from zero: it grew by its value (never a
/// negative rate).
double increase(double now, double before, bool restarted) {
  if (now < 0 || before < 0)
    return 0;
  if (restarted || now < before)
    return now;
  return now - before;
}

alert_row alert_of(const json& j) {
  alert_row a;
  a.id = count(j, "id");
  a.kind = text(j, "kind");
  a.text = text(j, "text");
  a.raised = text(j, "raised");
  auto it = j.find("acknowledged");
  a.acknowledged = it != j.end() && it->is_boolean() && it->get<bool>();
  return a;
}

int rank(std::string_view level) {
  if (level == "trace")
    return 0;
  if (level == "debug")
    return 1;
  if (level == "info")
    return 2;
  if (level == "warning" || level == "warn")
    return 3;
  if (level == "error" || level == "err")
    return 4;
  if (level == "critical")
    return 5;
  return -1;
}

} // namespace

const char* metric_of(rate r) {
  switch (r) {
    case rate::registers:
      return "ivm_sip_register_requests_total";
    case rate::messages:
      return "ivm_sip_message_requests_total";
    case rate::sip_requests:
      return "ivm_sip_requests_total";
    case rate::dhcp_received:
      return "ivm_dhcp_received_total";
    case rate::dhcp_acked:
      return "ivm_dhcp_acked_total";
    case rate::tftp_files:
      return "ivm_tftp_requests_total";
    case rate::http_files:
      return "ivm_http_file_requests_total";
    case rate::count_:
      break;
  }
  return "";
}

double stats_sample::disk_free_percent() const {
  if (disk_total_bytes == 0)
    return 100;
  return 100.0 * static_cast<double>(disk_free_bytes) /
         static_cast<double>(disk_total_bytes);
}

std::string_view level_of(std::string_view line) {
  // `2024-05-01T10:00:00.123 info  [sip] text`: the second word.
  auto sp = line.find(' ');
  if (sp == std::string_view::npos)
    return {};
  auto from = line.find_first_not_of(' ', sp);
  if (from == std::string_view::npos)
    return {};
  auto to = line.find(' ', from);
  auto word =
      line.substr(from, to == std::string_view::npos ? line.npos : to - from);
  return rank(word) < 0 ? std::string_view{} : word;
}

bool passes(std::string_view line, log_filter f) {
  if (f == log_filter::all)
    return true;
  int min = f == log_filter::info ? 2 : f == log_filter::warn ? 3 : 4;
  return rank(level_of(line)) >= min;
}

// -- the stream
// ----------------------------------------------------------------

void monitor_view::connecting() {
  link_ = link_state::connecting;
}

void monitor_view::connected() {
  parser_.reset();
  link_ = link_state::live;
  link_error_.clear();
  // The box sends its log tail at once: the old one would repeat.
  log_.clear();
}

void monitor_view::dropped(std::string why) {
  parser_.reset();
  link_ = link_state::down;
  link_error_ = std::move(why);
}

void monitor_view::feed(std::string_view bytes, double now) {
  for (auto& e : parser_.feed(bytes))
    apply(e, now);
}

void monitor_view::apply(const sse_event& e, double now) {
  if (e.name == "stats") {
    if (!add_stats(e.data, now))
      ++bad_events_;
  } else if (e.name == "alerts") {
    set_alerts(e.data);
  } else if (e.name == "alert") {
    add_alert(e.data);
  } else if (e.name == "log") {
    add_log(e.data);
  }
}

bool monitor_view::add_stats(std::string_view body, double now) {
  auto j = json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("uptime_s"))
    return false;
  stats_sample s;
  s.at = now;
  s.uptime_s = number(j, "uptime_s", 0);
  s.cpu_seconds = number(j, "cpu_seconds", 0);
  s.rss_bytes = count(j, "rss_bytes");
  s.disk_total_bytes = count(j, "disk_total_bytes");
  s.disk_free_bytes = count(j, "disk_free_bytes");
  if (auto st = j.find("storage"); st != j.end() && st->is_object()) {
    auto h = st->find("healthy");
    s.storage_ok = h == st->end() || !h->is_boolean() || h->get<bool>();
    s.storage_error = text(*st, "last_error");
  }
  s.registered = static_cast<std::int64_t>(number(j, "registered", -1));
  s.alerts_open = static_cast<std::int64_t>(number(j, "alerts_open", 0));
  s.counters.fill(-1);
  if (auto m = j.find("metrics"); m != j.end() && m->is_object()) {
    for (std::size_t i = 0; i < rate_count; ++i)
      s.counters[i] = number(*m, metric_of(static_cast<rate>(i)), -1);
    auto level = [&](const char* name) {
      return static_cast<std::int64_t>(number(*m, name, -1));
    };
    s.calls = level("ivm_calls_active");
    s.voice_sessions = level("ivm_voice_sessions_active");
    s.messages_waiting = level("ivm_messages_waiting");
    s.oldest_waiting_s = level("ivm_oldest_waiting_message_age_seconds");
  }
  while (!samples_.empty() && now - samples_.back().at < min_interval_s)
    samples_.pop_back();
  if (!samples_.empty()) {
    auto& p = samples_.back();
    auto dt = now - p.at;
    bool restarted = s.uptime_s < p.uptime_s;
    for (std::size_t i = 0; i < rate_count; ++i)
      s.rates[i] = static_cast<float>(
          increase(s.counters[i], p.counters[i], restarted) / dt);
    s.cpu_percent = static_cast<float>(
        100 * increase(s.cpu_seconds, p.cpu_seconds, restarted) / dt);
    s.has_rates = true;
  }
  samples_.push_back(std::move(s));
  while (samples_.size() > max_samples)
    samples_.pop_front();
  return true;
}

void monitor_view::set_alerts(std::string_view body) {
  auto j = json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("alerts"))
    j = j["alerts"];
  if (!j.is_array()) {
    ++bad_events_;
    return;
  }
  alerts_.clear();
  for (auto& a : j)
    if (a.is_object())
      alerts_.push_back(alert_of(a));
  if (alerts_.size() > max_alerts)
    alerts_.erase(alerts_.begin(),
                  alerts_.end() - static_cast<long>(max_alerts));
}

void monitor_view::add_alert(std::string_view body) {
  auto j = json::parse(body, nullptr, false);
  if (!j.is_object()) {
    ++bad_events_;
    return;
  }
  auto a = alert_of(j);
  for (auto& known : alerts_)
    if (known.id == a.id) {
      known = std::move(a);
      return;
    }
  alerts_.push_back(std::move(a));
  if (alerts_.size() > max_alerts)
    alerts_.erase(alerts_.begin());
}

void monitor_view::add_log(std::string_view body) {
  auto j = json::parse(body, nullptr, false);
  if (j.is_string())
    j = json::array({j});
  if (!j.is_array()) {
    ++bad_events_;
    return;
  }
  for (auto& line : j)
    if (line.is_string())
      log_.push_back(line.get<std::string>());
  while (log_.size() > max_log)
    log_.pop_front();
}

// -- what the page shows
// -------------------------------------------------------

std::size_t monitor_view::open_alerts() const noexcept {
  return static_cast<std::size_t>(
      std::count_if(alerts_.begin(), alerts_.end(),
                    [](const alert_row& a) { return !a.acknowledged; }));
}

void monitor_view::mark_acknowledged(std::uint64_t id) {
  for (auto& a : alerts_)
    if (a.id == id)
      a.acknowledged = true;
}

std::vector<std::string_view> monitor_view::log_lines(log_filter f) const {
  std::vector<std::string_view> out;
  for (auto& line : log_)
    if (passes(line, f))
      out.emplace_back(line);
  return out;
}

} // namespace ivm::console
