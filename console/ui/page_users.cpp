// Users: the list, add one (extension, name, password), the chosen
// user's name and password, enable, disable, delete. Tab walks the text
// fields, Enter sends the field's row; arrows and Space choose a user and
// press buttons (ImGui 1.86's Tab skips buttons).

#include <imgui.h>
#include <imgui_stdlib.h>

#include "console/ui/pages.hpp"

namespace ivm::console::ui {

namespace {

void add_form(model& m) {
  auto& f = m.user_form();
  ImGui::TextUnformatted("Add a user");
  ImGui::PushItemWidth(160);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Extension");
  ImGui::SameLine();
  ImGui::InputText("##extension", &f.extension,
                   ImGuiInputTextFlags_CharsDecimal);
  ImGui::SameLine(0, 20);
  ImGui::TextUnformatted("Name");
  ImGui::SameLine();
  ImGui::InputText("##name", &f.name);
  ImGui::SameLine(0, 20);
  ImGui::TextUnformatted("Password");
  ImGui::SameLine();
  bool enter = ImGui::InputText("##password", &f.password,
                                ImGuiInputTextFlags_Password |
                                    ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::PopItemWidth();
  ImGui::SameLine();
  if (ImGui::Button("Add") || enter)
    m.add_user();
}

/// The chosen user's name and password (typed twice).
void edit_form(model& m) {
  auto* u = m.selected_user();
  if (!u)
    return;
  auto& f = m.user_edit();
  ImGui::Text("User %s", u->extension.c_str());
  ImGui::SameLine();
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Name");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(160);
  bool rename = ImGui::InputText("##edit-name", &f.name,
                                 ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::SameLine();
  if (ImGui::Button("Rename") || rename)
    m.rename_user();
  ImGui::SameLine(0, 30);
  ImGui::TextUnformatted("New password");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(140);
  ImGui::InputText("##new-password", &f.password, ImGuiInputTextFlags_Password);
  ImGui::SameLine();
  ImGui::TextUnformatted("again");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(140);
  bool set = ImGui::InputText("##repeat-password", &f.repeat,
                              ImGuiInputTextFlags_Password |
                                  ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::SameLine();
  if (ImGui::Button("Set password") || set)
    m.set_user_password();
}

} // namespace

void draw_users(model& m) {
  ImGui::TextUnformatted("Users");
  ImGui::SameLine(0, 30);
  ImGui::TextDisabled("Tab: next field   Enter: send that row   "
                      "arrows: users and buttons   Space: choose, press");
  ImGui::Separator();
  add_form(m);
  ImGui::Spacing();
  ImGui::Separator();
  edit_form(m);
  ImGui::Spacing();
  if (!dataset_line(m, dataset::users))
    return;
  if (m.users().empty()) {
    ImGui::TextDisabled("No users yet: add the first one above.");
    return;
  }
  if (!begin_table("users", 5))
    return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("Extension");
  ImGui::TableSetupColumn("Name");
  ImGui::TableSetupColumn("SIP user name");
  ImGui::TableSetupColumn("State");
  ImGui::TableSetupColumn("");
  ImGui::TableHeadersRow();
  // A copy: an action may reload the list while it is drawn.
  auto users = m.users();
  for (auto& u : users) {
    ImGui::TableNextRow();
    ImGui::PushID(u.extension.c_str());
    ImGui::TableSetColumnIndex(0);
    // Choosing a row fills the edit row above.
    if (ImGui::Selectable(u.extension.c_str(),
                          m.user_edit().selected == u.extension))
      m.select_user(u.extension);
    ImGui::TableSetColumnIndex(1);
    ImGui::TextUnformatted(u.name.c_str());
    ImGui::TableSetColumnIndex(2);
    ImGui::TextUnformatted(u.username.c_str());
    ImGui::TableSetColumnIndex(3);
    ImGui::TextUnformatted(u.enabled ? "enabled" : "disabled");
    ImGui::TableSetColumnIndex(4);
    if (ImGui::SmallButton(u.enabled ? "Disable" : "Enable"))
      m.set_user_enabled(u.extension, !u.enabled);
    ImGui::SameLine();
    if (ImGui::SmallButton("Delete"))
      ImGui::OpenPopup("confirm");
    if (ImGui::BeginPopup("confirm")) {
      ImGui::Text("Delete user %s? Their messages and phones' lines go.",
                  u.extension.c_str());
      if (ImGui::Button("Delete")) {
        m.delete_user(u.extension);
        ImGui::CloseCurrentPopup();
      }
      ImGui::SameLine();
      if (ImGui::Button("Keep"))
        ImGui::CloseCurrentPopup();
      ImGui::EndPopup();
    }
    ImGui::PopID();
  }
  ImGui::EndTable();
}

} // namespace ivm::console::ui
