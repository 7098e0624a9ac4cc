// Monitor: the box live, from the admin API's event stream: figures at a
// glance, request rates over the last minutes, the alerts (acknowledged by
// keyboard: arrows to the button, Space or Enter) and the log tail with a
// level filter (PageUp/PageDown scroll it).

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <utility>

#include <imgui.h>

#include "console/ui/pages.hpp"

namespace ivm::console::ui {

namespace {

const ImVec4 red{0.95f, 0.35f, 0.35f, 1.0f};
const ImVec4 green{0.45f, 0.85f, 0.45f, 1.0f};
const ImVec4 amber{1.0f, 0.8f, 0.3f, 1.0f};
constexpr std::size_t max_alert_rows = 5;

bool key_pressed(ImGuiKey_ k) {
  return ImGui::IsKeyPressed(ImGui::GetKeyIndex(k));
}

void link_line(const monitor_view& v) {
  switch (v.link()) {
    case link_state::idle:
    case link_state::connecting:
      ImGui::TextDisabled("connecting to the live feed ...");
      break;
    case link_state::live:
      ImGui::TextColored(green, "live");
      break;
    case link_state::down:
      ImGui::TextColored(red, "feed lost: %s (retrying)",
                         v.link_error().c_str());
      break;
  }
}

/// One figure: its caption, and its value below in `colour`.
void figure(const char* caption, const char* value, const ImVec4& colour) {
  ImGui::TableNextColumn();
  ImGui::TextDisabled("%s", caption);
  ImGui::TextColored(colour, "%s", value);
}

void figures(const model& m) {
  auto& v = m.monitor();
  auto* s = v.latest();
  if (!ImGui::BeginTable("figures", 6, ImGuiTableFlags_SizingStretchSame))
    return;
  const ImVec4 plain = ImGui::GetStyleColorVec4(ImGuiCol_Text);
  char buf[64];
  if (s->registered < 0)
    std::snprintf(buf, sizeof buf, "counting ...");
  else
    std::snprintf(buf, sizeof buf, "%lld",
                  static_cast<long long>(s->registered));
  figure("Phones registered", buf, plain);
  if (s->has_rates)
    std::snprintf(buf, sizeof buf, "%.0f %%", s->cpu_percent);
  else
    std::snprintf(buf, sizeof buf, "-");
  figure("CPU (% of a core)", buf, plain);
  std::snprintf(buf, sizeof buf, "%.0f MiB",
                static_cast<double>(s->rss_bytes) / (1024.0 * 1024.0));
  figure("Memory (RSS)", buf, plain);
  auto disk = s->disk_free_percent();
  std::snprintf(buf, sizeof buf, "%.0f %%", disk);
  figure("Disk free", buf, disk < 10 ? red : disk < 15 ? amber : plain);
  figure("Storage", s->storage_ok ? "ok" : "error",
         s->storage_ok ? green : red);
  auto open = v.open_alerts();
  std::snprintf(buf, sizeof buf, "%zu", open);
  figure("Open alerts", buf, open > 0 ? red : green);
  ImGui::EndTable();
  // What the box carries now: calls, voice sessions, the message queues.
  if (!ImGui::BeginTable("load", 6, ImGuiTableFlags_SizingStretchSame))
    return;
  auto count = [&](const char* caption, std::int64_t n) {
    if (n < 0)
      std::snprintf(buf, sizeof buf, "-");
    else
      std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(n));
    figure(caption, buf, plain);
  };
  count("Calls up", s->calls);
  count("Voice sessions", s->voice_sessions);
  count("Messages waiting", s->messages_waiting);
  if (s->oldest_waiting_s < 0 || s->messages_waiting <= 0)
    std::snprintf(buf, sizeof buf, "-");
  else
    std::snprintf(
        buf, sizeof buf, "%s",
        format_uptime(static_cast<std::uint64_t>(s->oldest_waiting_s)).c_str());
  // A day undelivered is worth a look (phones long off, a user gone).
  figure("Oldest waiting", buf,
         s->oldest_waiting_s >= 86400 && s->messages_waiting > 0 ? amber
                                                                 : plain);
  // Provisioned phones registered with their own credentials (the Phones
  // page lists which; Ctrl+R counts again).
  if (m.loaded(dataset::devices)) {
    std::size_t up = 0;
    for (auto& d : m.devices())
      up += d.registered ? 1 : 0;
    std::snprintf(buf, sizeof buf, "%zu of %zu registered", up,
                  m.devices().size());
    figure("Provisioned phones", buf, up < m.devices().size() ? amber : plain);
  } else {
    figure("Provisioned phones", "-", plain);
  }
  ImGui::TableNextColumn();
  ImGui::EndTable();
  // By model: which kinds of phone are not all registered.
  if (m.loaded(dataset::devices) && !m.devices().empty()) {
    std::map<std::string, std::pair<std::size_t, std::size_t>> by_model;
    for (auto& d : m.devices()) {
      auto& n = by_model[d.vendor + " " + d.model];
      n.first += d.registered ? 1 : 0;
      ++n.second;
    }
    std::string line;
    for (auto& [name, n] : by_model)
      line += (line.empty() ? "" : ",  ") + name + " " +
              std::to_string(n.first) + "/" + std::to_string(n.second);
    ImGui::TextDisabled("Registered by model: %s", line.c_str());
  }
  if (!s->storage_ok && !s->storage_error.empty())
    ImGui::TextColored(red, "storage: %s", s->storage_error.c_str());
}

struct series {
  const std::deque<stats_sample>* samples;
  std::size_t first;
  std::size_t index;
};

float value_at(void* data, int i) {
  auto& s = *static_cast<series*>(data);
  return (*s.samples)[s.first + static_cast<std::size_t>(i)].rates[s.index];
}

/// "REGISTER/s  2.5" and its plot over the samples kept.
void rate_plot(const monitor_view& v, rate r, const char* title,
               const char* extra = nullptr) {
  auto& samples = v.samples();
  series s{&samples, 0, static_cast<std::size_t>(r)};
  while (s.first < samples.size() && !samples[s.first].has_rates)
    ++s.first;
  auto n = static_cast<int>(samples.size() - s.first);
  float now = n > 0 ? samples.back().rates[s.index] : 0.0f;
  float peak = 0;
  for (int i = 0; i < n; ++i)
    peak = std::max(peak, value_at(&s, i));
  ImGui::TableNextColumn();
  bool counted = samples.back().counters[s.index] >= 0;
  if (!counted)
    ImGui::TextDisabled("%s  (no counter: %s)", title,
                        r == rate::dhcp_received ? "DHCP off" : "not counted");
  else if (n == 0)
    ImGui::Text("%s  -", title);
  else
    ImGui::Text("%s  %.1f   (peak %.1f)", title, now, peak);
  if (extra && counted) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", extra);
  }
  ImGui::PushID(title);
  // PlotLines takes no negative width ("to the edge"): the cell's width.
  ImGui::PlotLines("##plot", value_at, &s, n, 0,
                   n < 2 && counted ? "collecting ..." : nullptr, 0.0f,
                   std::max(1.0f, peak * 1.15f),
                   ImVec2(ImGui::GetContentRegionAvail().x, 64));
  ImGui::PopID();
}

void rates(const monitor_view& v) {
  auto& samples = v.samples();
  auto span = samples.back().at - samples.front().at;
  ImGui::Text("Requests per second");
  ImGui::SameLine();
  if (samples.size() < 2)
    ImGui::TextDisabled("(a sample every 2 s; 5 min kept)");
  else if (span < 60)
    ImGui::TextDisabled("(since %.0f s; a sample every 2 s, 5 min kept)", span);
  else
    ImGui::TextDisabled("(last %.0f min; a sample every 2 s)", span / 60);
  if (!ImGui::BeginTable("rates", 2, ImGuiTableFlags_SizingStretchSame))
    return;
  rate_plot(v, rate::registers, "REGISTER/s");
  rate_plot(v, rate::messages, "MESSAGE/s");
  char acks[64];
  std::snprintf(
      acks, sizeof acks, "ACK %.1f/s",
      samples.back().rates[static_cast<std::size_t>(rate::dhcp_acked)]);
  rate_plot(v, rate::dhcp_received, "DHCP/s", acks);
  char http[64];
  std::snprintf(
      http, sizeof http, "HTTP %.1f/s",
      samples.back().rates[static_cast<std::size_t>(rate::http_files)]);
  rate_plot(v, rate::tftp_files, "Phone files/s TFTP", http);
  ImGui::EndTable();
}

/// Newest first, at most `max_alert_rows`: the open ones, then the newest
/// acknowledged ones. Rows keep their places when one is acknowledged, so
/// the arrow keys go on to the next. A copy: acknowledging changes the
/// list.
std::vector<alert_row> shown_alerts(const std::vector<alert_row>& all) {
  std::vector<bool> take(all.size(), false);
  std::size_t n = 0;
  for (int pass = 0; pass < 2; ++pass)
    for (std::size_t i = all.size(); i-- > 0 && n < max_alert_rows;)
      if (!take[i] && (pass == 1 || !all[i].acknowledged)) {
        take[i] = true;
        ++n;
      }
  std::vector<alert_row> out;
  for (std::size_t i = all.size(); i-- > 0;)
    if (take[i])
      out.push_back(all[i]);
  return out;
}

void alerts(model& m) {
  auto& v = m.monitor();
  ImGui::Text("Alerts");
  ImGui::SameLine();
  ImGui::TextDisabled("(%zu open; arrows to a button, Space acknowledges)",
                      v.open_alerts());
  if (v.alerts().empty()) {
    ImGui::TextDisabled("No alerts.");
    return;
  }
  // No scrolling region (a child window the keyboard would have to enter
  // first): the newest alerts, open ones before acknowledged ones.
  if (!ImGui::BeginTable("alerts", 4,
                         ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders |
                             ImGuiTableFlags_SizingStretchProp))
    return;
  ImGui::TableSetupColumn("Raised", ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableSetupColumn("Kind", ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableSetupColumn("What", ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed);
  // Headers as text: TableHeadersRow's cells would be the first stops of
  // the arrow keys, before the buttons.
  ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
  for (const char* h : {"Raised", "Kind", "What", ""}) {
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(h);
  }
  auto list = shown_alerts(v.alerts());
  bool first = true;
  for (auto& a : list) {
    ImGui::TableNextRow();
    ImGui::PushID(static_cast<int>(a.id));
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(a.raised.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(a.kind.c_str());
    ImGui::TableNextColumn();
    if (a.acknowledged)
      ImGui::TextDisabled("%s", a.text.c_str());
    else
      ImGui::TextColored(amber, "%s", a.text.c_str());
    ImGui::TableNextColumn();
    if (a.acknowledged) {
      ImGui::TextDisabled("acknowledged");
    } else {
      bool press = ImGui::SmallButton("Acknowledge");
      if (first) // the page shown: Space acknowledges the newest
        ImGui::SetItemDefaultFocus();
      first = false;
      if (!press && ImGui::IsItemFocused() &&
          (key_pressed(ImGuiKey_Enter) || key_pressed(ImGuiKey_KeyPadEnter)))
        press = true;
      if (press)
        m.acknowledge_alert(a.id);
    }
    ImGui::PopID();
  }
  ImGui::EndTable();
  if (v.alerts().size() > list.size())
    ImGui::TextDisabled("... and %zu older (GET /api/v1/alerts lists them)",
                        v.alerts().size() - list.size());
}

void log_tail(model& m) {
  static const char* const levels[] = {"all", "info and above",
                                       "warnings and errors", "errors"};
  bool page_focused = ImGui::IsWindowFocused(ImGuiFocusedFlags_ChildWindows);
  ImGui::AlignTextToFramePadding();
  ImGui::Text("Log");
  ImGui::SameLine();
  int level = static_cast<int>(m.log_level());
  ImGui::SetNextItemWidth(220);
  if (ImGui::Combo("##level", &level, levels, 4))
    m.log_level() = static_cast<log_filter>(level);
  ImGui::SameLine();
  ImGui::TextDisabled("(PageUp/PageDown scroll, End: newest)");
  auto lines = m.monitor().log_lines(m.log_level());
  ImGui::BeginChild("log", ImVec2(0, 0), true,
                    ImGuiWindowFlags_HorizontalScrollbar);
  bool at_end = ImGui::GetScrollY() >= ImGui::GetScrollMaxY() - 1;
  if (page_focused) {
    auto page = ImGui::GetWindowHeight() * 0.8f;
    if (key_pressed(ImGuiKey_PageUp))
      ImGui::SetScrollY(ImGui::GetScrollY() - page);
    if (key_pressed(ImGuiKey_PageDown))
      ImGui::SetScrollY(ImGui::GetScrollY() + page);
    if (key_pressed(ImGuiKey_End))
      at_end = true;
  }
  if (lines.empty())
    ImGui::TextDisabled(m.monitor().log().empty() ? "No lines yet."
                                                  : "No lines at this level.");
  ImGuiListClipper clip;
  clip.Begin(static_cast<int>(lines.size()));
  while (clip.Step())
    for (int i = clip.DisplayStart; i < clip.DisplayEnd; ++i) {
      auto line = lines[static_cast<std::size_t>(i)];
      auto lvl = level_of(line);
      const char* b = line.data();
      if (lvl == "error" || lvl == "critical")
        ImGui::PushStyleColor(ImGuiCol_Text, red);
      else if (lvl == "warning")
        ImGui::PushStyleColor(ImGuiCol_Text, amber);
      else
        ImGui::PushStyleColor(ImGuiCol_Text,
                              ImGui::GetStyleColorVec4(ImGuiCol_Text));
      ImGui::TextUnformatted(b, b + line.size());
      ImGui::PopStyleColor();
    }
  clip.End();
  if (at_end)
    ImGui::SetScrollHereY(1.0f);
  ImGui::EndChild();
}

} // namespace

void draw_monitor(model& m) {
  auto& v = m.monitor();
  ImGui::TextUnformatted("Monitor");
  ImGui::SameLine(0, 30);
  link_line(v);
  if (auto* s = v.latest()) {
    ImGui::SameLine(0, 30);
    ImGui::TextDisabled(
        "box up %s",
        format_uptime(static_cast<std::uint64_t>(s->uptime_s)).c_str());
  }
  ImGui::Separator();
  if (!dataset_line(m, dataset::health))
    return;
  if (!v.latest()) {
    ImGui::TextDisabled("waiting for the first figures ...");
  } else {
    figures(m);
    ImGui::Spacing();
    rates(v);
  }
  ImGui::Spacing();
  alerts(m);
  ImGui::Spacing();
  log_tail(m);
}

} // namespace ivm::console::ui
