// console/ui headless, the Groups page by keyboard alone: F7, Tab, typing
// and Enter create a group and add a member. Keys injected as the glfw
// backend would.

#include <utility>

#include <gtest/gtest.h>
#include <imgui.h>

#include "tests/console/headless.hpp"

using namespace ivm::console;

namespace {

constexpr int key_tab = 258;   // GLFW_KEY_TAB
constexpr int key_enter = 257; // GLFW_KEY_ENTER
constexpr int key_space = 32;
constexpr int key_escape = 256;
constexpr int key_right = 262;
constexpr int key_down = 264;

class keyboard : public headless_ui {
protected:
  model& drawn() override {
    return m;
  }

  /// Answers the loads as a box with two users and `groups_`; returns the
  /// changes (unanswered).
  std::vector<job> serve() {
    std::vector<job> changes;
    for (auto& j : m.take_jobs()) {
      std::string body;
      if (j.method != "GET")
        changes.push_back(j);
      else if (j.path == "/health")
        body = R"({"status":"ok","version":"0.1.0","storage":"ok"})";
      else if (j.path == "/api/v1/users")
        body = R"({"users":[{"extension":"201","name":"Alice"},)"
               R"({"extension":"202","name":"Bob"}]})";
      else if (j.path == "/api/v1/groups")
        body = groups_;
      else
        body = "{}";
      if (j.method == "GET")
        m.apply(j, answer{200, body, {}});
    }
    frame();
    frame();
    return changes;
  }

  std::string groups_ = R"({"groups":[]})";
  model m{"the-box-token"};
};

} // namespace

TEST_F(keyboard, f7_tab_type_enter_create_a_group_and_add_a_member) {
  serve();
  press(ui::key_f1 + 6); // F7
  ASSERT_EQ(m.current(), page::groups);
  serve();
  press(key_tab); // name
  type("sales");
  press(key_tab); // extension
  type("600");
  press(key_tab); // members
  type("201");
  press(key_enter);
  auto jobs = serve();
  ASSERT_EQ(jobs.size(), 1u) << m.status();
  EXPECT_EQ(jobs[0].method, "POST");
  EXPECT_EQ(jobs[0].path, "/api/v1/groups");
  EXPECT_EQ(jobs[0].body,
            R"({"extension":"600","members":["201"],"name":"sales"})");
  groups_ = R"({"groups":[{"name":"sales","extension":"600",)"
            R"("members":["201"]}]})";
  m.apply(jobs[0], answer{201, "{}", {}});
  serve();
  ASSERT_NE(m.selected_group(), nullptr);
  EXPECT_EQ(m.selected_group()->name, "sales");
  // The new group is chosen and its member field has the keys: type,
  // Enter.
  EXPECT_TRUE(m.take_jobs().empty());
  type("202");
  press(key_enter);
  jobs = serve();
  ASSERT_EQ(jobs.size(), 1u) << m.status();
  EXPECT_EQ(jobs[0].method, "PATCH");
  EXPECT_EQ(jobs[0].path, "/api/v1/groups/sales");
  EXPECT_EQ(jobs[0].body, R"({"members":["201","202"]})");
}
