// Phones: those seen on the network without an owner first (assign one to
// a user in one step), then the assigned ones.

#include <imgui.h>
#include <imgui_stdlib.h>

#include "console/ui/pages.hpp"

namespace ivm::console::ui {

namespace {

/// The assign row comes first and is always there, so what is typed after
/// F3 and Tab lands in it even before the list has arrived.
void assign_row(model& m) {
  auto& f = m.device_form();
  ImGui::AlignTextToFramePadding();
  ImGui::Text("Assign %s to user",
              f.mac.empty() ? "(no phone chosen)" : f.mac.c_str());
  ImGui::SameLine();
  ImGui::PushItemWidth(120);
  bool enter = ImGui::InputText("##user", &f.user,
                                ImGuiInputTextFlags_CharsDecimal |
                                    ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::PopItemWidth();
  ImGui::SameLine();
  if (ImGui::Button("Assign") || enter)
    m.assign_device();
}

void unassigned(model& m) {
  ImGui::TextUnformatted("Seen on the network, not assigned");
  assign_row(m);
  if (!dataset_line(m, dataset::unassigned))
    return;
  if (m.unassigned().empty()) {
    ImGui::TextDisabled("None: every phone that asked is assigned.");
    return;
  }
  auto& f = m.device_form();
  if (!begin_table("unassigned", 5, 180))
    return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("MAC");
  ImGui::TableSetupColumn("Seen by");
  ImGui::TableSetupColumn("Address");
  ImGui::TableSetupColumn("Phone");
  ImGui::TableSetupColumn("Last seen");
  ImGui::TableHeadersRow();
  for (auto& s : m.unassigned()) {
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    if (ImGui::Selectable(s.mac.c_str(), f.mac == s.mac,
                          ImGuiSelectableFlags_SpanAllColumns))
      f.mac = s.mac;
    ImGui::TableSetColumnIndex(1);
    ImGui::TextUnformatted(s.source.c_str());
    ImGui::TableSetColumnIndex(2);
    ImGui::TextUnformatted(s.address.c_str());
    ImGui::TableSetColumnIndex(3);
    ImGui::Text("%s %s", s.vendor.c_str(), s.model.c_str());
    ImGui::TableSetColumnIndex(4);
    ImGui::TextUnformatted(s.last_seen.c_str());
  }
  ImGui::EndTable();
}

void assigned(model& m) {
  ImGui::TextUnformatted("Assigned phones");
  if (!dataset_line(m, dataset::devices))
    return;
  if (m.devices().empty()) {
    ImGui::TextDisabled("None yet.");
    return;
  }
  if (!begin_table("devices", 5))
    return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("MAC");
  ImGui::TableSetupColumn("User");
  ImGui::TableSetupColumn("Phone");
  ImGui::TableSetupColumn("Firmware");
  ImGui::TableSetupColumn("");
  ImGui::TableHeadersRow();
  auto devices = m.devices();
  for (auto& d : devices) {
    ImGui::TableNextRow();
    ImGui::PushID(d.mac.c_str());
    ImGui::TableSetColumnIndex(0);
    ImGui::TextUnformatted(d.mac.c_str());
    ImGui::TableSetColumnIndex(1);
    ImGui::TextUnformatted(d.user.c_str());
    ImGui::TableSetColumnIndex(2);
    ImGui::Text("%s %s", d.vendor.c_str(), d.model.c_str());
    ImGui::TableSetColumnIndex(3);
    ImGui::TextUnformatted(d.firmware.empty() ? "-" : d.firmware.c_str());
    ImGui::TableSetColumnIndex(4);
    if (ImGui::SmallButton("Remove"))
      m.delete_device(d.mac);
    ImGui::PopID();
  }
  ImGui::EndTable();
}

} // namespace

void draw_devices(model& m) {
  ImGui::TextUnformatted("Phones");
  ImGui::Separator();
  unassigned(m);
  ImGui::Spacing();
  ImGui::Separator();
  assigned(m);
}

} // namespace ivm::console::ui
