// Before the pages: a fresh box's first admin account, or signing in.

#include <algorithm>
#include <string>
#include <vector>

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
  // Enter ends the edit; the field keeps the keyboard (a refused value is
  // corrected in place).
  if (enter)
    ImGui::SetKeyboardFocusHere(-1);
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

namespace {

constexpr int key_down = 264;
constexpr int key_up = 265;
constexpr int key_page_up = 266;
constexpr int key_page_down = 267;
constexpr int key_enter = 257;
constexpr int key_keypad_enter = 335;

bool pressed(int key) {
  return ImGui::IsKeyPressed(key, false);
}

/// Network: the addresses to choose from, Up/Down to move, and what each
/// means to an admin.
void choose_address(model& m) {
  auto& f = m.setup();
  struct choice {
    std::string address;
    std::string label;
  };
  std::vector<choice> choices;
  for (auto& i : m.site().interfaces)
    for (auto& a : i.addresses) {
      bool lo = a.rfind("127.", 0) == 0;
      choices.push_back(
          {a, a + "  on " + i.name +
                  (lo ? "  (this machine only: for trying out)" : "")});
    }
  choices.push_back({"0.0.0.0", "0.0.0.0  every interface"});
  std::size_t at = 0;
  for (std::size_t i = 0; i < choices.size(); ++i)
    if (choices[i].address == f.address)
      at = i;
  if (pressed(key_down) && at + 1 < choices.size())
    f.address = choices[++at].address;
  if (pressed(key_up) && at > 0)
    f.address = choices[--at].address;
  if (f.address.empty())
    f.address = choices[at].address;
  for (std::size_t i = 0; i < choices.size(); ++i) {
    if (i == at)
      ImGui::TextColored(ImVec4(0.45f, 0.85f, 0.45f, 1.0f), "> %s",
                         choices[i].label.c_str());
    else
      ImGui::Text("  %s", choices[i].label.c_str());
  }
}

} // namespace

void draw_first_boot(model& m) {
  auto step = m.step();
  centre_panel("first-boot", 330);
  if (step == setup_step::done) {
    ImGui::TextUnformatted("Welcome: this box is not set up yet.");
    ImGui::EndChild();
    return;
  }
  ImGui::Text("Set up this box          step %d of %d: %s",
              static_cast<int>(step) + 1, setup_steps, step_title(step));
  ImGui::Separator();
  auto& f = m.setup();
  bool next = false;
  switch (step) {
    case setup_step::site:
      ImGui::TextWrapped("It already serves on its defaults. Name the site "
                         "it serves: the console and the cluster show it.");
      ImGui::Spacing();
      next = field("Site name", "##site", f.site_name);
      break;
    case setup_step::domain:
      ImGui::TextWrapped("The SIP domain of the users' addresses "
                         "(201@office.example): a name of the office, or the "
                         "box's address. Used after the next start.");
      ImGui::Spacing();
      next = field("SIP domain", "##domain", f.domain);
      break;
    case setup_step::network:
      ImGui::TextWrapped("The address the phones reach the box at (SIP, "
                         "phone files). Up and Down choose, Enter takes it. "
                         "Used after the next start.");
      ImGui::Spacing();
      choose_address(m);
      next = pressed(key_enter) || pressed(key_keypad_enter);
      break;
    case setup_step::time_zone:
      ImGui::TextWrapped("The site's time zone, as an IANA name "
                         "(Europe/Berlin, America/New_York, UTC): the phones "
                         "show their clocks in it.");
      ImGui::Spacing();
      next = field("Time zone", "##zone", f.time_zone);
      break;
    case setup_step::admin: {
      ImGui::TextWrapped("The account you administer the box with (at "
                         "least 10 characters for the password).");
      ImGui::Spacing();
      auto& a = m.first_form();
      next = field("Admin name", "##name", a.name);
      next |= field("Password", "##password", a.password, true);
      next |= field("Password again", "##repeat", a.repeat, true);
      break;
    }
    case setup_step::dhcp:
      ImGui::TextWrapped("Optional: the box hands the phones their addresses "
                         "and points them at their files. Leave it off when "
                         "the office's router or server does DHCP.");
      ImGui::Spacing();
      if (f.dhcp_pool.empty())
        f.dhcp_pool = suggest_pool(f.address);
      next = field("Address pool", "##pool", f.dhcp_pool);
      next |= field("Router (optional)", "##router", f.dhcp_router);
      break;
    case setup_step::done:
      break;
  }
  ImGui::Spacing();
  if (step == setup_step::dhcp) {
    if (ImGui::Button("Turn DHCP on (Enter)") || next)
      m.setup_dhcp(true);
    ImGui::SameLine();
    if (ImGui::Button("Leave DHCP off (Page Down)") || pressed(key_page_down))
      m.setup_dhcp(false);
  } else {
    if (step != setup_step::site) {
      if (ImGui::Button("Back (Page Up)") || pressed(key_page_up))
        m.setup_back();
      ImGui::SameLine();
    }
    if (ImGui::Button(step == setup_step::admin ? "Create the account (Enter)"
                                                : "Next (Enter)") ||
        next)
      m.setup_next();
  }
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
