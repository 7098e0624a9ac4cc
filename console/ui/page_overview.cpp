// Overview: the box at a glance (users, phones, phones waiting for an
// owner, DHCP), each line saying where to go next.

#include <cstdlib>
#include <string>

#include <imgui.h>

#include "console/ui/pages.hpp"

namespace ivm::console::ui {

void draw_overview(model& m) {
  ImGui::TextUnformatted("Overview");
  ImGui::Separator();
  auto& h = m.health();
  if (dataset_line(m, dataset::settings)) {
    auto& s = m.site();
    ImGui::Text("Site        %s",
                s.site_name.empty() ? "(no name yet)" : s.site_name.c_str());
    ImGui::Text("SIP domain  %s", s.domain.c_str());
    ImGui::Text("Serves on   %s%s%s", s.address.c_str(),
                s.interface.empty() ? "" : " on ", s.interface.c_str());
    ImGui::Text("Time zone   %s (UTC%+d:%02d)", s.time_zone.c_str(),
                s.utc_offset_minutes / 60, std::abs(s.utc_offset_minutes % 60));
    if (!s.restart_needed.empty()) {
      std::string what;
      for (auto& r : s.restart_needed)
        what += (what.empty() ? "" : ", ") + r;
      ImGui::TextColored(ImVec4(1.0f, 0.8f, 0.3f, 1.0f),
                         "            %s changed: in use after the next start "
                         "(systemctl restart ivm-appliance)",
                         what.c_str());
    }
    ImGui::Spacing();
  }
  if (dataset_line(m, dataset::health)) {
    ImGui::Text("Appliance   %s", h.reachable ? (h.ok ? "running" : "degraded")
                                              : "not reachable");
    ImGui::Text("Version     %s", h.version.c_str());
    ImGui::Text("Up          %s", format_uptime(h.uptime_s).c_str());
    ImGui::Text("Storage     %s", h.storage.c_str());
  }
  ImGui::Spacing();
  if (dataset_line(m, dataset::users))
    ImGui::Text("Users       %zu   (F2 to manage)", m.users().size());
  if (dataset_line(m, dataset::devices))
    ImGui::Text("Phones      %zu assigned", m.devices().size());
  if (dataset_line(m, dataset::unassigned)) {
    auto n = m.unassigned().size();
    if (n > 0)
      ImGui::TextColored(ImVec4(1.0f, 0.8f, 0.3f, 1.0f),
                         "            %zu seen on the network without an "
                         "owner (F3 to assign)",
                         n);
    else
      ImGui::TextUnformatted("            none waiting for an owner");
  }
  if (dataset_line(m, dataset::dhcp)) {
    auto& d = m.dhcp();
    if (d.enabled)
      ImGui::Text("DHCP        on %s, pool %s, %zu leases", d.interface.c_str(),
                  d.pool.c_str(), d.leases.size());
    else
      ImGui::TextUnformatted("DHCP        off (F4)");
    if (!d.rogue_servers.empty())
      ImGui::TextColored(ImVec4(0.95f, 0.35f, 0.35f, 1.0f),
                         "            another DHCP server answers: %s",
                         d.rogue_servers.front().c_str());
  }
}

} // namespace ivm::console::ui
