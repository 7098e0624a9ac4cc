#pragma once

// The console's pages: each one file with `draw_<page>(model&)`, ImGui
// only, called inside the content area of the shell. Later issues add
// theirs (gateways, PBX links, cluster) the same way.

#include "console/model/console_model.hpp"

namespace ivm::console::ui {

/// The key codes the shell reads from io.KeysDown: GLFW's, which the glfw
/// backend writes there (tests write the same values).
inline constexpr int key_f1 = 290;
inline constexpr int key_r = 82;

/// The whole console: navigation (F1..F9), status bar, the current page.
/// Draws into the full display (io.DisplaySize).
void draw_console(model& m);

void draw_first_boot(model& m);
void draw_sign_in(model& m);
void draw_overview(model& m);
void draw_users(model& m);
void draw_devices(model& m);
void draw_dhcp(model& m);
void draw_firmware(model& m);
void draw_monitor(model& m);
void draw_groups(model& m);
void draw_templates(model& m);
void draw_gateways(model& m);

// -- shared bits
// ---------------------------------------------------------------

/// "loading ..." or the load error of `d` in red; true when `d` has data.
bool dataset_line(const model& m, dataset d);

/// A label, then a text field with a grey hint (digits only if `digits`);
/// true on Enter.
bool field(const char* label, const char* id, std::string* text,
           const char* hint, float width, bool digits = false);

/// Begins a table with `n` columns that fills the width and scrolls within
/// `height` (0: the rest of the window). End it with ImGui::EndTable().
bool begin_table(const char* id, int n, float height = 0.0f);

} // namespace ivm::console::ui
