// Before the pages: a fresh box's first admin account, or signing in.

#include <algorithm>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "console/ui/pages.hpp"

namespace ivm::console::ui {

namespace {

/// A labelled input on one line; true when Enter was pressed in it.
bool field(const char* label, const char* id, std::string& value,
           bool password = false) {
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(label);
  ImGui::SameLine(180);
  ImGui::PushItemWidth(320);
  bool enter = ImGui::InputText(id, &value,
                                (password ? ImGuiInputTextFlags_Password : 0) |
                                    ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::PopItemWidth();
  return enter;
}

/// A framed panel in the middle of the window (the focus, if the shell
/// gives it, goes to this child window).
void centre_panel(const char* id, float height) {
  auto size = ImGui::GetContentRegionAvail();
  ImGui::SetCursorPos(ImVec2(std::max(0.0f, (size.x - 560) / 2),
                             std::max(0.0f, (size.y - height) / 3)));
  ImGui::BeginChild(id, ImVec2(560, height), true);
}

} // namespace

void draw_first_boot(model& m) {
  centre_panel("first-boot", 230);
  ImGui::TextUnformatted("Welcome: this box is not set up yet.");
  ImGui::Spacing();
  ImGui::TextWrapped("It already serves on its defaults. First make the "
                     "account you will administer it with (at least 10 "
                     "characters for the password).");
  ImGui::Separator();
  auto& f = m.first_form();
  bool enter = field("Admin name", "##name", f.name);
  enter |= field("Password", "##password", f.password, true);
  enter |= field("Password again", "##repeat", f.repeat, true);
  ImGui::Spacing();
  if (ImGui::Button("Create the account") || enter)
    m.create_first_admin();
  ImGui::EndChild();
}

void draw_sign_in(model& m) {
  centre_panel("sign-in", 170);
  ImGui::TextUnformatted("Sign in to administer this box.");
  ImGui::Separator();
  auto& f = m.login_form();
  bool enter = field("Admin name", "##name", f.name);
  enter |= field("Password", "##password", f.password, true);
  ImGui::Spacing();
  if (ImGui::Button("Sign in") || enter)
    m.sign_in();
  ImGui::EndChild();
}

} // namespace ivm::console::ui
