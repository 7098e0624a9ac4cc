#pragma once

// The console's window (GLFW + OpenGL 3, Dear ImGui's backends): the frame
// loop, the worker, screenshots.

#include <string>

#include "console/client/endpoint.hpp"
#include "console/model/console_model.hpp"

namespace ivm::console {

struct window_options {
  int width = 1280;
  int height = 800;
  page start_page = page::overview;
  /// Non-empty: render `page` once its data settled, write the PNG, exit.
  std::string screenshot;
};

/// Runs until the window closes (exit code 0), or for a screenshot until it
/// is written (0) or the page's data failed to load (1).
int run_window(const admin::endpoint& ep, const window_options& opts);

/// Writes the current framebuffer (width x height) as a PNG.
bool write_screenshot(const std::string& path, int width, int height);

} // namespace ivm::console
