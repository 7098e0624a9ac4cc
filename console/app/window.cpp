#include "console/app/window.hpp"

#include <cstdio>
#include <deque>
#include <memory>
#include <vector>

#define GLFW_INCLUDE_NONE
#include <GL/gl.h>
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>
#include <stb_image_write.h>

#include "console/app/event_stream.hpp"
#include "console/app/worker.hpp"
#include "console/ui/pages.hpp"

namespace ivm::console {

namespace {

/// Key and character events in arrival order, handed to ImGui at most one
/// key event per frame: ImGui 1.86 reads key state once per frame, so a
/// press and release within one frame (xdotool, a fast typist) would be
/// lost, and characters typed after a Tab must land in the next field.
struct input_queue {
  struct event {
    bool is_char = false;
    unsigned int c = 0;
    int key = 0;
    int scancode = 0;
    int action = 0;
    int mods = 0;
  };
  std::deque<event> events;

  static input_queue& of(GLFWwindow* w) {
    return *static_cast<input_queue*>(glfwGetWindowUserPointer(w));
  }

  void install(GLFWwindow* w) {
    glfwSetWindowUserPointer(w, this);
    glfwSetKeyCallback(
        w, [](GLFWwindow* win, int key, int sc, int action, int mods) {
          of(win).events.push_back({false, 0, key, sc, action, mods});
        });
    glfwSetCharCallback(w, [](GLFWwindow* win, unsigned int c) {
      of(win).events.push_back({true, c, 0, 0, 0, 0});
    });
  }

  /// Characters up to and including the next key event.
  void feed(GLFWwindow* w) {
    while (!events.empty()) {
      auto e = events.front();
      events.pop_front();
      if (e.is_char) {
        ImGui_ImplGlfw_CharCallback(w, e.c);
        continue;
      }
      ImGui_ImplGlfw_KeyCallback(w, e.key, e.scancode, e.action, e.mods);
      return;
    }
  }
};

} // namespace

bool write_screenshot(const std::string& path, int width, int height) {
  std::vector<unsigned char> pixels(static_cast<std::size_t>(width) * height *
                                    3);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
  stbi_flip_vertically_on_write(1);
  return stbi_write_png(path.c_str(), width, height, 3, pixels.data(),
                        width * 3) != 0;
}

int run_window(const admin::endpoint& ep, const window_options& opts) {
  glfwSetErrorCallback([](int code, const char* what) {
    std::fprintf(stderr, "ivm-console: GLFW %d: %s\n", code, what);
  });
  if (!glfwInit()) {
    std::fprintf(stderr, "ivm-console: no display (is DISPLAY set?)\n");
    return 1;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  auto* win = glfwCreateWindow(opts.width, opts.height, "IVM appliance",
                               nullptr, nullptr);
  if (!win) {
    glfwTerminate();
    return 1;
  }
  glfwMakeContextCurrent(win);
  glfwSwapInterval(1);
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  auto& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  ImGui::StyleColorsDark();
  ImGui::GetStyle().ScaleAllSizes(1.2f);
  io.FontGlobalScale = 1.2f;
  ImGui_ImplGlfw_InitForOpenGL(win, true);
  ImGui_ImplOpenGL3_Init("#version 130");
  input_queue input;
  input.install(win); // replaces the backend's key and char callbacks

  model m{ep.token};
  m.show(opts.start_page);
  worker w{ep};
  // The Monitor page's live feed; ended before GLFW (its wake posts to it).
  auto events =
      std::make_unique<event_stream>(ep, [] { glfwPostEmptyEvent(); });
  int code = 0;
  int settled_frames = 0;
  auto shown_access = gate::connecting;
  auto shown_step = setup_step::done;
  while (!glfwWindowShouldClose(win)) {
    // Wake for input or at least 4 times a second for answers.
    if (input.events.empty() || m.access() == gate::connecting)
      glfwWaitEventsTimeout(m.in_flight() > 0 ? 0.02 : 0.25);
    else
      glfwPollEvents();
    for (auto& [j, a] : w.take_answers())
      m.apply(j, a);
    for (auto& n : w.take_notices()) {
      std::fprintf(stderr, "ivm-console: %s\n", n.c_str());
      m.note(n); // e.g. a certificate pinned on first use
    }
    for (auto& n : events->take())
      m.apply_stream(n);
    w.submit(m.take_jobs());
    events->want(m.wanted_stream());
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    // Keys wait until the box has answered, and for one frame after the
    // screen changed (it takes the focus in that frame): typed into the
    // right screen and field.
    // First boot: also while a step is being stored (the next step's keys
    // belong to the next step's screen).
    auto now_access = m.access();
    auto now_step = m.step();
    bool storing = now_access == gate::first_boot && m.in_flight() > 0;
    // The Monitor page: until its first figures came (its alerts' buttons).
    bool monitor_waiting = now_access == gate::open &&
                           m.current() == page::monitor &&
                           !m.settled(page::monitor);
    // The Groups page: while a change or its reload is under way (what is
    // typed after Enter goes to the chosen group's fields, once listed).
    bool groups_waiting = now_access == gate::open &&
                          m.current() == page::groups && m.in_flight() > 0;
    if (now_access != gate::connecting && now_access == shown_access &&
        now_step == shown_step && !storing && !monitor_waiting &&
        !groups_waiting)
      input.feed(win);
    shown_access = now_access;
    shown_step = now_step;
    ImGui::NewFrame();
    ui::draw_console(m);
    ImGui::Render();
    int fw = 0;
    int fh = 0;
    glfwGetFramebufferSize(win, &fw, &fh);
    glViewport(0, 0, fw, fh);
    glClearColor(0.08f, 0.08f, 0.1f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    if (!opts.screenshot.empty() && m.settled(opts.start_page) &&
        m.in_flight() == 0) {
      // A few frames after the data arrived: tables size their columns.
      if (++settled_frames == 3) {
        if (!write_screenshot(opts.screenshot, fw, fh)) {
          std::fprintf(stderr, "ivm-console: cannot write %s\n",
                       opts.screenshot.c_str());
          code = 1;
        } else if (!m.ready(opts.start_page)) {
          std::fprintf(stderr,
                       "ivm-console: page '%s' shown with errors (%s)\n",
                       all_pages()[static_cast<int>(opts.start_page)].name,
                       m.load_error(dataset::health).empty()
                           ? m.monitor().link_error().c_str()
                           : m.load_error(dataset::health).c_str());
          code = 1;
        }
        break;
      }
    }
    glfwSwapBuffers(win);
  }
  events.reset();
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(win);
  glfwTerminate();
  return code;
}

} // namespace ivm::console
