// Firmware: the images uploaded for the phones (served over TFTP and
// HTTP by name).

#include <imgui.h>
#include <imgui_stdlib.h>

#include "console/ui/pages.hpp"

namespace ivm::console::ui {

void draw_firmware(model& m) {
  ImGui::TextUnformatted("Firmware");
  ImGui::Separator();
  auto& u = m.upload();
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Upload a file from this machine: path");
  ImGui::SameLine();
  ImGui::PushItemWidth(420);
  bool enter =
      ImGui::InputText("##path", &u.path, ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::PopItemWidth();
  ImGui::SameLine();
  if (ImGui::Button("Upload") || enter)
    m.upload_firmware();
  if (!u.result.empty())
    ImGui::Text("Stored %s", u.result.c_str());
  ImGui::Spacing();
  if (!dataset_line(m, dataset::firmware))
    return;
  if (m.firmware().empty()) {
    ImGui::TextDisabled("No firmware uploaded.");
    return;
  }
  if (!begin_table("firmware", 3))
    return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("Name");
  ImGui::TableSetupColumn("Size");
  ImGui::TableSetupColumn("SHA-256");
  ImGui::TableHeadersRow();
  for (auto& f : m.firmware()) {
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    ImGui::TextUnformatted(f.name.c_str());
    ImGui::TableSetColumnIndex(1);
    ImGui::TextUnformatted(format_size(f.size).c_str());
    ImGui::TableSetColumnIndex(2);
    ImGui::TextUnformatted(f.sha256.substr(0, 16).c_str());
  }
  ImGui::EndTable();
}

} // namespace ivm::console::ui
