// DHCP: on or off, the scope, the leases, other servers on the segment.

#include <imgui.h>

#include "console/ui/pages.hpp"

namespace ivm::console::ui {

void draw_dhcp(model& m) {
  ImGui::TextUnformatted("DHCP");
  ImGui::Separator();
  if (!dataset_line(m, dataset::dhcp))
    return;
  auto& d = m.dhcp();
  ImGui::Text("State       %s%s", d.enabled ? "on" : "off",
              d.source == "api" ? " (set from the console or API)"
                                : " (configuration file)");
  if (!d.error.empty())
    ImGui::TextColored(ImVec4(0.95f, 0.35f, 0.35f, 1.0f), "            %s",
                       d.error.c_str());
  ImGui::Text("Interface   %s",
              d.interface.empty() ? "(none)" : d.interface.c_str());
  ImGui::Text("Pool        %s", d.pool.c_str());
  ImGui::Text("Router      %s", d.router.empty() ? "-" : d.router.c_str());
  ImGui::Text("DNS         %s", d.dns.empty() ? "-" : d.dns.c_str());
  ImGui::Text("Lease time  %lld s", static_cast<long long>(d.lease_time_s));
  if (d.enabled) {
    if (ImGui::Button("Turn DHCP off"))
      m.set_dhcp_enabled(false);
  } else if (!d.interface.empty()) {
    if (ImGui::Button("Turn DHCP on"))
      m.set_dhcp_enabled(true);
  } else {
    ImGui::TextDisabled("Set an interface first (admin API or [dhcp]).");
  }
  for (auto& r : d.rogue_servers)
    ImGui::TextColored(ImVec4(0.95f, 0.35f, 0.35f, 1.0f),
                       "Another DHCP server answers on this segment: %s",
                       r.c_str());
  ImGui::Spacing();
  ImGui::Text("Leases (%zu)", d.leases.size());
  if (!begin_table("leases", 4))
    return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("MAC");
  ImGui::TableSetupColumn("Address");
  ImGui::TableSetupColumn("State");
  ImGui::TableSetupColumn("Expires in");
  ImGui::TableHeadersRow();
  for (auto& l : d.leases) {
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    ImGui::TextUnformatted(l.mac.c_str());
    ImGui::TableSetColumnIndex(1);
    ImGui::TextUnformatted(l.address.c_str());
    ImGui::TableSetColumnIndex(2);
    ImGui::TextUnformatted(l.state.c_str());
    ImGui::TableSetColumnIndex(3);
    ImGui::TextUnformatted(
        format_uptime(static_cast<std::uint64_t>(l.expires_s)).c_str());
  }
  ImGui::EndTable();
}

} // namespace ivm::console::ui
