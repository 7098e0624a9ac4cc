#pragma once

// The console's UI tests: an ImGui context without a window or GL, frames
// driven by the test, keys injected as imgui_impl_glfw maps them (GLFW key
// codes into io.KeysDown, as the console's window does).

#include <utility>

#include <gtest/gtest.h>
#include <imgui.h>

#include "console/ui/pages.hpp"

namespace ivm::console {

class headless_ui : public ::testing::Test {
protected:
  void SetUp() override {
    ImGui::CreateContext();
    auto& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(1280, 800);
    io.DeltaTime = 1.0f / 60;
    io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
    const std::pair<ImGuiKey_, int> keys[] = {
        {ImGuiKey_Tab, 258},        {ImGuiKey_LeftArrow, 263},
        {ImGuiKey_RightArrow, 262}, {ImGuiKey_UpArrow, 265},
        {ImGuiKey_DownArrow, 264},  {ImGuiKey_PageUp, 266},
        {ImGuiKey_PageDown, 267},   {ImGuiKey_Home, 268},
        {ImGuiKey_End, 269},        {ImGuiKey_Insert, 260},
        {ImGuiKey_Delete, 261},     {ImGuiKey_Backspace, 259},
        {ImGuiKey_Space, 32},       {ImGuiKey_Enter, 257},
        {ImGuiKey_Escape, 256},     {ImGuiKey_KeyPadEnter, 335},
        {ImGuiKey_A, 65},           {ImGuiKey_C, 67},
        {ImGuiKey_V, 86},           {ImGuiKey_X, 88},
        {ImGuiKey_Y, 89},           {ImGuiKey_Z, 90},
    };
    for (auto [k, code] : keys)
      io.KeyMap[k] = code;
    unsigned char* pixels = nullptr;
    int w = 0;
    int h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
  }
  void TearDown() override {
    ImGui::DestroyContext();
  }

  /// The console the frames draw.
  virtual model& drawn() = 0;

  /// One frame; `key` (if any) is down during it.
  void frame(int key = -1) {
    auto& io = ImGui::GetIO();
    if (key >= 0)
      io.KeysDown[key] = true;
    ImGui::NewFrame();
    ui::draw_console(drawn());
    ImGui::Render();
    if (key >= 0)
      io.KeysDown[key] = false;
  }

  void press(int key) {
    frame(key);
    frame();
  }

  void type(const char* text) {
    ImGui::GetIO().AddInputCharactersUTF8(text);
    frame();
  }

  /// Ctrl+A in the active field.
  void select_all() {
    auto& io = ImGui::GetIO();
    io.KeyCtrl = true;
    frame(65);
    io.KeyCtrl = false;
    frame();
  }
};

} // namespace ivm::console
