// Templates: the files the box generates for the phones come from these
// (built-in, or the admin's override). Choose one with the arrows, read
// its text, edit and save it (the box checks it and names a bad line), or
// go back to the built-in one.

#include <imgui.h>
#include <imgui_stdlib.h>

#include "console/ui/pages.hpp"

namespace ivm::console::ui {

namespace {

const ImVec4 red{0.95f, 0.35f, 0.35f, 1.0f};
const ImVec4 amber{0.95f, 0.75f, 0.3f, 1.0f};

void template_list(model& m) {
  ImGui::BeginChild("template-list", ImVec2(300, 0), true);
  auto& chosen = m.template_view().name;
  auto rows = m.templates();
  for (auto& t : rows) {
    bool override = t.source == "override";
    if (override)
      ImGui::PushStyleColor(ImGuiCol_Text, amber);
    if (ImGui::Selectable(t.name.c_str(), chosen == t.name) && chosen != t.name)
      m.show_template(t.name);
    if (override)
      ImGui::PopStyleColor();
    ImGui::SameLine(220);
    ImGui::TextDisabled("%s", t.source.c_str());
  }
  ImGui::EndChild();
}

void template_text(model& m) {
  ImGui::BeginChild("template-text", ImVec2(0, 0), false);
  auto& t = m.template_view();
  if (t.name.empty()) {
    ImGui::TextDisabled("No template chosen.");
  } else if (t.pending && t.doc.name.empty()) {
    ImGui::TextDisabled("loading %s ...", t.name.c_str());
  } else if (!t.error.empty()) {
    ImGui::TextColored(red, "not loaded: %s", t.error.c_str());
  } else {
    ImGui::Text("%s (%s)", t.doc.name.c_str(), t.doc.source.c_str());
    ImGui::SameLine(0, 30);
    if (ImGui::Button("Save"))
      m.save_template();
    if (t.doc.source == "override") {
      ImGui::SameLine();
      if (ImGui::Button("Back to built-in"))
        m.reset_template();
    }
    if (t.edit != t.doc.text) {
      ImGui::SameLine(0, 20);
      ImGui::TextColored(amber, "edited, not saved");
    }
    ImGui::InputTextMultiline("##text", &t.edit, ImVec2(-1, -1),
                              ImGuiInputTextFlags_AllowTabInput);
  }
  ImGui::EndChild();
}

} // namespace

void draw_templates(model& m) {
  ImGui::TextUnformatted("Templates of the phones' files");
  ImGui::TextDisabled("An override replaces the built-in template at once; "
                      "the box refuses one that does not parse.");
  ImGui::Separator();
  if (!dataset_line(m, dataset::templates))
    return;
  template_list(m);
  ImGui::SameLine();
  template_text(m); // ImGui's default font is monospace
}

} // namespace ivm::console::ui
