// Gateways (issue 15): the media gateways the box is call agent of, each
// with its state (registering, up, down, since when) and stations (the
// user on each line, the line's phase, hook, lamp); a new gateway (name,
// address, optional domain); a user put on a line of the chosen gateway or
// taken off; the gateway deleted after a yes. RSIPs from unknown addresses
// (mgcp.accept_unknown) are listed for the admin to add. Tab walks the
// text fields, Enter sends the field's row; arrows and Space choose a
// gateway and press buttons.

#include <imgui.h>
#include <imgui_stdlib.h>

#include "console/ui/pages.hpp"

namespace ivm::console::ui {

namespace {

const ImVec4 amber{0.95f, 0.75f, 0.3f, 1.0f};
const ImVec4 green{0.4f, 0.85f, 0.4f, 1.0f};
const ImVec4 red{0.95f, 0.4f, 0.35f, 1.0f};

void create_row(model& m) {
  auto& f = m.gateway_form();
  ImGui::TextUnformatted("New gateway");
  bool enter = field("Name", "##gw-name", &f.name, "gw1", 110);
  ImGui::SameLine(0, 20);
  enter |= field("Address", "##gw-address", &f.address, "192.0.2.10:2427", 170);
  ImGui::SameLine(0, 20);
  enter |= field("Domain", "##gw-domain", &f.domain, "optional", 170);
  ImGui::SameLine(0, 20);
  ImGui::Checkbox("H.248", &f.megaco);
  ImGui::SameLine();
  if (ImGui::Button("Add gateway") || enter)
    m.add_gateway();
}

void chosen_row(model& m) {
  auto& f = m.gateway_form();
  auto* g = m.selected_gateway();
  if (!g) {
    ImGui::TextDisabled("No gateway chosen: add one above.");
    return;
  }
  auto gw = *g; // a copy: an action may reload the list while it is drawn
  ImGui::Text("Gateway %s (%s, %s): put a user on a line", gw.name.c_str(),
              gw.address.c_str(), gw.state.c_str());
  if (f.focus_endpoint) { // a gateway just added: its stations next
    ImGui::SetKeyboardFocusHere();
    f.focus_endpoint = false;
  }
  bool enter = field("Endpoint", "##st-endpoint", &f.endpoint, "aaln/1", 110);
  ImGui::SameLine(0, 20);
  enter |= field("Extension", "##st-extension", &f.extension, "205", 90, true);
  ImGui::SameLine();
  if (ImGui::Button("Add station") || enter)
    m.add_station();
  ImGui::SameLine(0, 30);
  if (ImGui::Button("Delete gateway"))
    m.ask_delete_gateway();
  if (f.confirm_delete == gw.name) {
    ImGui::SameLine();
    if (ImGui::Button("Yes, delete"))
      m.delete_gateway();
    ImGui::SameLine();
    if (ImGui::Button("Keep") ||
        ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false))
      m.keep_gateway();
    ImGui::TextColored(amber,
                       "Delete gateway %s and its %zu station(s)? Its phones "
                       "stop working with the box. Right, Space: yes; "
                       "Escape: keep.",
                       gw.name.c_str(), gw.stations.size());
  }
  if (gw.stations.empty()) {
    ImGui::TextDisabled("No stations on %s yet.", gw.name.c_str());
    return;
  }
  if (!begin_table("stations", 6, 160))
    return;
  ImGui::TableSetupColumn("Endpoint");
  ImGui::TableSetupColumn("User");
  ImGui::TableSetupColumn("Line");
  ImGui::TableSetupColumn("Hook");
  ImGui::TableSetupColumn("Lamp");
  ImGui::TableSetupColumn("");
  ImGui::TableHeadersRow();
  for (auto& s : gw.stations) {
    ImGui::TableNextRow();
    ImGui::PushID(s.endpoint.c_str());
    ImGui::TableSetColumnIndex(0);
    ImGui::TextUnformatted(s.endpoint.c_str());
    ImGui::TableSetColumnIndex(1);
    std::string user = s.extension;
    for (auto& u : m.users())
      if (u.extension == s.extension && !u.name.empty())
        user += " " + u.name;
    ImGui::TextUnformatted(user.c_str());
    ImGui::TableSetColumnIndex(2);
    ImGui::TextUnformatted(s.line.empty() ? "-" : s.line.c_str());
    ImGui::TableSetColumnIndex(3);
    ImGui::TextUnformatted(s.hook.empty() ? "-" : s.hook.c_str());
    ImGui::TableSetColumnIndex(4);
    ImGui::TextUnformatted(s.lamp ? "on" : "off");
    ImGui::TableSetColumnIndex(5);
    if (ImGui::SmallButton("Remove"))
      m.delete_station(s.endpoint);
    ImGui::PopID();
  }
  ImGui::EndTable();
}

void list(model& m) {
  if (!dataset_line(m, dataset::gateways))
    return;
  auto view = m.gateways(); // a copy, as above
  if (view.gateways.empty())
    ImGui::TextDisabled("No gateways yet.");
  else if (begin_table("gateways", 5, view.pending.empty() ? 0.0f : 200.0f)) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("Name");
    ImGui::TableSetupColumn("Address");
    ImGui::TableSetupColumn("State");
    ImGui::TableSetupColumn("Since");
    ImGui::TableSetupColumn("Stations");
    ImGui::TableHeadersRow();
    for (auto& g : view.gateways) {
      ImGui::TableNextRow();
      ImGui::PushID(g.name.c_str());
      ImGui::TableSetColumnIndex(0);
      if (ImGui::Selectable(g.name.c_str(), m.gateway_form().selected == g.name,
                            ImGuiSelectableFlags_SpanAllColumns))
        m.select_gateway(g.name);
      ImGui::TableSetColumnIndex(1);
      ImGui::TextUnformatted(g.address.c_str());
      ImGui::TableSetColumnIndex(2);
      ImGui::TextColored(g.state == "up"     ? green
                         : g.state == "down" ? red
                                             : amber,
                         "%s", g.state.c_str());
      ImGui::TableSetColumnIndex(3);
      ImGui::TextUnformatted(g.since.empty() ? "-" : g.since.c_str());
      ImGui::TableSetColumnIndex(4);
      ImGui::Text("%zu", g.stations.size());
      ImGui::PopID();
    }
    ImGui::EndTable();
  }
  if (view.pending.empty())
    return;
  ImGui::Spacing();
  ImGui::TextColored(amber, "Unknown gateways asking to register (add one "
                            "above by its address to accept it):");
  for (auto& p : view.pending)
    ImGui::BulletText("%s (%s), last %s", p.address.c_str(), p.endpoint.c_str(),
                      p.last_seen.c_str());
}

// PBX links (issue 17), read only: added with the API or ivmctl.
void pbx_list(model& m) {
  if (!dataset_line(m, dataset::pbx))
    return;
  auto links = m.pbx_links(); // a copy, as above
  ImGui::TextUnformatted("PBX links (CSTA)");
  if (links.empty()) {
    ImGui::TextDisabled("No PBX: ivmctl pbx add NAME ADDRESS, or POST "
                        "/api/v1/pbx.");
    return;
  }
  for (auto& p : links) {
    ImGui::PushID(p.name.c_str());
    ImGui::Text("%s  %s  %s", p.name.c_str(), p.address.c_str(),
                p.edition.c_str());
    ImGui::SameLine(0, 20);
    ImGui::TextColored(p.state == "up"     ? green
                       : p.state == "down" ? red
                                           : amber,
                       "%s", p.state.c_str());
    ImGui::SameLine(0, 20);
    ImGui::TextDisabled("since %s", p.since.empty() ? "-" : p.since.c_str());
    for (auto& d : p.devices)
      ImGui::BulletText("%s  user %s  %s  hook %s  lamp %s", d.device.c_str(),
                        d.extension.c_str(), d.activity.c_str(),
                        d.hook.empty() ? "-" : d.hook.c_str(),
                        d.lamp ? "on" : "off");
    ImGui::PopID();
  }
}

} // namespace

void draw_gateways(model& m) {
  ImGui::TextUnformatted("Media gateways");
  ImGui::SameLine(0, 30);
  ImGui::TextDisabled("Tab: next field   Enter: send that row   "
                      "arrows: gateways and buttons   Space: choose, press");
  ImGui::Separator();
  create_row(m);
  ImGui::Spacing();
  ImGui::Separator();
  chosen_row(m);
  ImGui::Spacing();
  ImGui::Separator();
  list(m);
  ImGui::Spacing();
  ImGui::Separator();
  pbx_list(m);
}

} // namespace ivm::console::ui
