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
  if (!begin_table("devices", 7, m.device_files().mac.empty() ? 0.0f : 160))
    return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("MAC");
  ImGui::TableSetupColumn("User");
  ImGui::TableSetupColumn("Phone");
  ImGui::TableSetupColumn("Firmware");
  ImGui::TableSetupColumn("Registered");
  ImGui::TableSetupColumn("Last file fetch");
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
    // Since the box started: registered now with its own credentials (and
    // when last), its last configuration fetch.
    ImGui::TableSetColumnIndex(4);
    if (d.registered)
      ImGui::TextColored(ImVec4(0.45f, 0.85f, 0.45f, 1.0f), "yes %s",
                         d.last_registration.c_str());
    else
      ImGui::TextDisabled("no %s", d.last_registration.c_str());
    ImGui::TableSetColumnIndex(5);
    ImGui::TextUnformatted(d.last_fetch.empty() ? "-" : d.last_fetch.c_str());
    ImGui::TableSetColumnIndex(6);
    if (ImGui::SmallButton("Files"))
      m.show_device_files(m.device_files().mac == d.mac ? "" : d.mac);
    ImGui::SameLine();
    if (ImGui::SmallButton("Remove"))
      m.delete_device(d.mac);
    ImGui::PopID();
  }
  ImGui::EndTable();
}

/// The chosen phone's files as the box serves them, passwords masked.
void files(model& m) {
  auto& p = m.device_files();
  if (p.mac.empty())
    return;
  ImGui::Separator();
  ImGui::Text("Files of %s (secrets shown as ********)", p.mac.c_str());
  ImGui::SameLine(0, 20);
  if (ImGui::SmallButton("Close"))
    m.show_device_files("");
  if (p.pending) {
    ImGui::TextDisabled("loading ...");
    return;
  }
  if (!p.error.empty()) {
    ImGui::TextColored(ImVec4(0.95f, 0.35f, 0.35f, 1.0f), "not loaded: %s",
                       p.error.c_str());
    return;
  }
  // Read-only and scrolling; ImGui's default font is monospace.
  ImGui::BeginChild("device-files", ImVec2(0, 0), true,
                    ImGuiWindowFlags_HorizontalScrollbar);
  for (auto& f : p.files) {
    ImGui::TextColored(ImVec4(0.45f, 0.75f, 0.95f, 1.0f), "%s", f.name.c_str());
    ImGui::SameLine();
    ImGui::TextDisabled("(%s, %s)", f.kind.c_str(), f.content_type.c_str());
    ImGui::TextUnformatted(f.text.data(), f.text.data() + f.text.size());
    ImGui::Separator();
  }
  if (p.files.empty())
    ImGui::TextDisabled("The box generates no file for this phone.");
  ImGui::EndChild();
}

} // namespace

void draw_devices(model& m) {
  ImGui::TextUnformatted("Phones");
  ImGui::Separator();
  unassigned(m);
  ImGui::Spacing();
  ImGui::Separator();
  assigned(m);
  files(m);
}

} // namespace ivm::console::ui
