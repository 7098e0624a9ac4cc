// console/ui headless: the Templates page (F8) loading, loaded, failed and
// edited; the Phones page with a device's files; a firmware upload typed on
// the Firmware page by keyboard alone.

#include <utility>

#include <gtest/gtest.h>
#include <imgui.h>

#include "tests/console/headless.hpp"

using namespace ivm::console;

namespace {

constexpr int key_tab = 258;   // GLFW_KEY_TAB
constexpr int key_enter = 257; // GLFW_KEY_ENTER

class templates_ui : public headless_ui {
protected:
  model& drawn() override {
    return m;
  }

  /// Answers everything pending; returns the jobs that were not loads.
  std::vector<job> serve(int status = 200) {
    std::vector<job> changes;
    for (auto& j : m.take_jobs()) {
      std::string body = "{}";
      if (j.path == "/health")
        body = R"({"status":"ok","version":"0.1.0","uptime_s":5,)"
               R"("storage":"ok"})";
      else if (j.path == "/api/v1/templates")
        body = R"({"templates":[{"name":"yealink-device_config",)"
               R"("source":"override"},{"name":"snom-common_config",)"
               R"("source":"built-in"}]})";
      else if (j.path.rfind("/api/v1/templates/", 0) == 0)
        body = R"({"name":"yealink-device_config","source":"override",)"
               R"("text":"#!version:1.0.0.1\naccount.1.enable = 1\n"})";
      else if (j.path == "/api/v1/devices")
        body = R"({"devices":[{"mac":"001565123456","user":"201"}]})";
      else if (j.path == "/api/v1/devices/unassigned")
        body = R"({"unassigned":[]})";
      else if (j.path == "/api/v1/devices/001565123456/files")
        body = R"({"files":[{"name":"001565123456.cfg",)"
               R"("kind":"device_config","content_type":"text/plain",)"
               R"("text":"account.1.password = ********\n"}]})";
      else if (j.path == "/api/v1/firmware")
        body = "[]";
      if (!j.loads && j.what == job::kind::plain)
        changes.push_back(j);
      else if (j.what == job::kind::upload)
        changes.push_back(j);
      m.apply(j, answer{j.path == "/health" ? 200 : status, body, {}});
    }
    return changes;
  }

  model m{"the-box-token"};
};

} // namespace

TEST_F(templates_ui, f8_shows_templates_loading_loaded_failed) {
  frame();
  serve();
  press(ui::key_f1 + 7); // F8
  EXPECT_EQ(m.current(), page::templates);
  frame(); // loading
  serve(); // the list, then the first template's text
  frame();
  serve();
  frame();
  EXPECT_TRUE(m.ready(page::templates));
  EXPECT_EQ(m.template_view().name, "yealink-device_config");
  EXPECT_EQ(m.template_view().edit,
            "#!version:1.0.0.1\naccount.1.enable = 1\n");
  // Edited but not saved: drawn with its mark; Save sends the edit.
  m.template_view().edit += "account.1.label = x\n";
  frame();
  m.save_template();
  auto jobs = m.take_jobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].method, "PUT");
  EXPECT_EQ(jobs[0].body, "#!version:1.0.0.1\naccount.1.enable = 1\n"
                          "account.1.label = x\n");
  m.apply(jobs[0], answer{500, R"({"error":"disk full"})", {}});
  frame();
  EXPECT_TRUE(m.status_is_error());
  // Failed to load: the page says so.
  m.refresh();
  serve(500);
  frame();
  EXPECT_TRUE(m.settled(page::templates));
  EXPECT_FALSE(m.ready(page::templates));
}

TEST_F(templates_ui, phones_page_shows_a_devices_files) {
  frame();
  serve();
  press(ui::key_f1 + 2); // F3
  serve();
  frame();
  m.show_device_files("001565123456");
  frame(); // loading
  serve();
  frame(); // shown
  ASSERT_EQ(m.device_files().files.size(), 1u);
  m.show_device_files("001565123456");
  for (auto& j : m.take_jobs())
    m.apply(j, answer{404, R"({"error":"no device 001565123456"})", {}});
  frame(); // failed
  EXPECT_FALSE(m.device_files().error.empty());
}

TEST_F(templates_ui, firmware_upload_by_keyboard) {
  frame();
  serve();
  press(ui::key_f1 + 4); // F5
  serve();
  frame();
  press(key_tab); // the path field
  type("/srv/fw/T46S-66.86.0.15.rom");
  press(key_enter);
  auto changes = serve(201);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].method, "PUT");
  EXPECT_EQ(changes[0].path, "/api/v1/firmware/T46S-66.86.0.15.rom");
  EXPECT_EQ(changes[0].body_file, "/srv/fw/T46S-66.86.0.15.rom");
  frame();
}
