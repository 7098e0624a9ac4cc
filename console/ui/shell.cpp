#include <cstdio>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "console/ui/pages.hpp"

namespace ivm::console::ui {

namespace {

const ImVec4 red{0.95f, 0.35f, 0.35f, 1.0f};
const ImVec4 green{0.45f, 0.85f, 0.45f, 1.0f};

/// Keyboard first: a page (or gate) shown gets the focus, so Tab walks its
/// fields at once (what was shown is kept in the window's storage).
void focus_when_new(int shown) {
  auto* seen = ImGui::GetStateStorage();
  auto key = ImGui::GetID("shown-page");
  if (seen->GetInt(key, -1) != shown) {
    seen->SetInt(key, shown);
    ImGui::SetNextWindowFocus();
  }
}

void shortcuts(model& m) {
  auto& io = ImGui::GetIO();
  if (m.access() != gate::open)
    return;
  auto& pages = all_pages();
  for (std::size_t i = 0; i < pages.size(); ++i)
    if (ImGui::IsKeyPressed(key_f1 + static_cast<int>(i), false))
      m.show(pages[i].id);
  if (io.KeyCtrl && ImGui::IsKeyPressed(key_r, false))
    m.refresh();
}

void navigation(model& m) {
  ImGui::BeginChild("nav", ImVec2(170, 0), true);
  ImGui::TextUnformatted("IVM appliance");
  ImGui::Separator();
  for (auto& p : all_pages()) {
    char label[64];
    std::snprintf(label, sizeof label, "%-9s %s", p.title, p.key);
    if (ImGui::Selectable(label, m.current() == p.id))
      m.show(p.id);
  }
  ImGui::Separator();
  if (ImGui::Button("Refresh (Ctrl+R)"))
    m.refresh();
  ImGui::EndChild();
}

void status_bar(const model& m) {
  auto& h = m.health();
  ImGui::Separator();
  if (!m.loaded(dataset::health) && m.load_error(dataset::health).empty())
    ImGui::TextUnformatted("connecting ...");
  else if (!m.load_error(dataset::health).empty())
    ImGui::TextColored(red, "appliance not reachable: %s",
                       m.load_error(dataset::health).c_str());
  else
    ImGui::TextColored(h.ok ? green : red, "%s", h.summary.c_str());
  if (!m.status().empty()) {
    ImGui::SameLine(0, 30);
    if (m.status_is_error())
      ImGui::TextColored(red, "%s", m.status().c_str());
    else
      ImGui::TextUnformatted(m.status().c_str());
  }
  if (m.in_flight() > 0) {
    ImGui::SameLine(0, 30);
    ImGui::TextDisabled("(%zu pending)", m.in_flight());
  }
}

} // namespace

void draw_console(model& m) {
  shortcuts(m);
  auto& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  ImGui::Begin("console", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoBringToFrontOnFocus);
  auto bar = ImGui::GetFrameHeightWithSpacing() + 6;
  if (m.access() != gate::open) {
    // The gate's panel is the next window begun: it takes the focus.
    focus_when_new(100 + 10 * static_cast<int>(m.access()) +
                   static_cast<int>(m.step()));
    if (m.access() == gate::first_boot)
      draw_first_boot(m);
    else if (m.access() == gate::sign_in)
      draw_sign_in(m);
    else
      ImGui::TextDisabled("Connecting to the appliance ...");
    ImGui::SetCursorPosY(ImGui::GetWindowHeight() - bar -
                         ImGui::GetStyle().WindowPadding.y);
    status_bar(m);
    ImGui::End();
    return;
  }
  ImGui::BeginChild("body", ImVec2(0, -bar), false);
  navigation(m);
  ImGui::SameLine();
  focus_when_new(static_cast<int>(m.current()));
  ImGui::BeginChild("page", ImVec2(0, 0), false);
  switch (m.current()) {
    case page::overview:
      draw_overview(m);
      break;
    case page::users:
      draw_users(m);
      break;
    case page::devices:
      draw_devices(m);
      break;
    case page::dhcp:
      draw_dhcp(m);
      break;
    case page::firmware:
      draw_firmware(m);
      break;
    case page::monitor:
      draw_monitor(m);
      break;
    case page::groups:
      draw_groups(m);
      break;
    case page::templates:
      draw_templates(m);
      break;
    case page::gateways:
      draw_gateways(m);
      break;
  }
  ImGui::EndChild();
  ImGui::EndChild();
  status_bar(m);
  ImGui::End();
}

bool field(const char* label, const char* id, std::string* text,
           const char* hint, float width, bool digits) {
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(label);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(width);
  ImGuiInputTextFlags flags = ImGuiInputTextFlags_EnterReturnsTrue;
  if (digits)
    flags |= ImGuiInputTextFlags_CharsDecimal;
  return ImGui::InputTextWithHint(id, hint, text, flags);
}

bool dataset_line(const model& m, dataset d) {
  if (!m.load_error(d).empty()) {
    ImGui::TextColored(red, "not loaded: %s", m.load_error(d).c_str());
    return m.loaded(d);
  }
  if (!m.loaded(d)) {
    ImGui::TextDisabled("loading ...");
    return false;
  }
  return true;
}

bool begin_table(const char* id, int n, float height) {
  return ImGui::BeginTable(id, n,
                           ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders |
                               ImGuiTableFlags_ScrollY |
                               ImGuiTableFlags_SizingStretchProp,
                           ImVec2(0, height));
}

} // namespace ivm::console::ui
