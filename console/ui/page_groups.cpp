// Groups: the list (name, extension, members), a new group (name,
// optional extension, members as "201, 202"), the chosen group's members
// added or removed, its extension changed, the group deleted after a yes.
// Tab walks the text fields, Enter sends the field's row; arrows and Space
// choose a group and press buttons (ImGui 1.86's Tab skips buttons).

#include <imgui.h>
#include <imgui_stdlib.h>

#include "console/ui/pages.hpp"

namespace ivm::console::ui {

namespace {

const ImVec4 amber{0.95f, 0.75f, 0.3f, 1.0f};

void create_row(model& m) {
  auto& f = m.group_form();
  ImGui::TextUnformatted("New group");
  bool enter = field("Name", "##name", &f.name, "sales", 140);
  ImGui::SameLine(0, 20);
  enter |=
      field("Extension", "##extension", &f.extension, "optional", 90, true);
  ImGui::SameLine(0, 20);
  enter |= field("Members", "##members", &f.members, "201, 202", 220);
  ImGui::SameLine();
  if (ImGui::Button("Create") || enter)
    m.add_group();
}

void chosen_row(model& m) {
  auto& f = m.group_form();
  auto* g = m.selected_group();
  if (!g) {
    ImGui::TextDisabled("No group chosen: create one above.");
    return;
  }
  // A copy: an action may reload the list while it is drawn.
  auto group = *g;
  ImGui::Text("Group %s (%s): %s", group.name.c_str(),
              group.extension.empty() ? "no extension"
                                      : group.extension.c_str(),
              describe_members(group.members, m.users()).c_str());
  if (f.focus_member) { // a group just created: its members next
    ImGui::SetKeyboardFocusHere();
    f.focus_member = false;
  }
  if (field("Member", "##member", &f.member, "201", 90, true))
    m.add_group_member();
  ImGui::SameLine();
  if (ImGui::Button("Add"))
    m.add_group_member();
  ImGui::SameLine();
  if (ImGui::Button("Remove"))
    m.remove_group_member();
  ImGui::SameLine(0, 30);
  if (field("Extension", "##new-extension", &f.new_extension, "none", 90, true))
    m.set_group_extension();
  ImGui::SameLine();
  if (ImGui::Button("Change"))
    m.set_group_extension();
  ImGui::SameLine(0, 30);
  if (ImGui::Button("Delete group"))
    m.ask_delete_group();
  if (f.confirm_delete != group.name)
    return;
  // Right of the button pressed: Right arrow, Space says yes.
  ImGui::SameLine();
  if (ImGui::Button("Yes, delete"))
    m.delete_group();
  ImGui::SameLine();
  if (ImGui::Button("Keep") ||
      ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false))
    m.keep_group();
  ImGui::TextColored(amber,
                     "Delete group %s? Messages to its name or number stop "
                     "reaching its members. Right, Space: yes; Escape: keep.",
                     group.name.c_str());
}

void list(model& m) {
  if (!dataset_line(m, dataset::groups))
    return;
  if (m.groups().empty()) {
    ImGui::TextDisabled("No groups yet.");
    return;
  }
  if (!begin_table("groups", 3))
    return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("Name", ImGuiTableColumnFlags_WidthStretch, 1);
  ImGui::TableSetupColumn("Extension", ImGuiTableColumnFlags_WidthStretch, 1);
  ImGui::TableSetupColumn("Members", ImGuiTableColumnFlags_WidthStretch, 4);
  ImGui::TableHeadersRow();
  auto groups = m.groups();
  for (auto& g : groups) {
    ImGui::TableNextRow();
    ImGui::PushID(g.name.c_str());
    ImGui::TableSetColumnIndex(0);
    if (ImGui::Selectable(g.name.c_str(), m.group_form().selected == g.name,
                          ImGuiSelectableFlags_SpanAllColumns))
      m.select_group(g.name);
    ImGui::TableSetColumnIndex(1);
    ImGui::TextUnformatted(g.extension.empty() ? "-" : g.extension.c_str());
    ImGui::TableSetColumnIndex(2);
    ImGui::TextUnformatted(describe_members(g.members, m.users()).c_str());
    ImGui::PopID();
  }
  ImGui::EndTable();
}

} // namespace

void draw_groups(model& m) {
  ImGui::TextUnformatted("Groups");
  ImGui::SameLine(0, 30);
  ImGui::TextDisabled("Tab: next field   Enter: send that row   "
                      "arrows: groups and buttons   Space: choose, press");
  ImGui::Separator();
  create_row(m);
  ImGui::Spacing();
  ImGui::Separator();
  chosen_row(m);
  ImGui::Spacing();
  ImGui::Separator();
  list(m);
}

} // namespace ivm::console::ui
