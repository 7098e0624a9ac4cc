// DHCP: on or off, the scope, the leases, other servers on the segment.

#include <imgui.h>
#include <imgui_stdlib.h>

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
  // The scope, editable: Tab walks the fields, Enter saves (the box
  // checks it as it checks [dhcp] and names a refused field).
  auto& f = m.scope_form();
  bool enter = false;
  auto field = [&](const char* label, const char* id, std::string& value,
                   const char* hint) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(label);
    ImGui::SameLine(120);
    ImGui::PushItemWidth(300);
    enter |= ImGui::InputTextWithHint(id, hint, &value,
                                      ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::PopItemWidth();
  };
  field("Interface", "##if", f.interface, "eth1");
  field("Pool", "##pool", f.pool, "192.0.2.100-192.0.2.199");
  field("Router", "##router", f.router, "192.0.2.1");
  field("DNS", "##dns", f.dns, "192.0.2.1, 192.0.2.2");
  field("Lease time", "##lease", f.lease_time_s, "seconds, e.g. 3600");
  if (ImGui::Button("Save the scope (Enter)") || enter)
    m.save_dhcp_scope();
  ImGui::SameLine();
  if (d.enabled) {
    if (ImGui::Button("Turn DHCP off"))
      m.set_dhcp_enabled(false);
  } else if (!d.interface.empty()) {
    if (ImGui::Button("Turn DHCP on"))
      m.set_dhcp_enabled(true);
  } else {
    ImGui::TextDisabled("Save an interface first.");
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
