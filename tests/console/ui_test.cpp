// console/ui headless: an ImGui context without a window or GL, frames
// driven by the test, keys injected as the glfw backend would. Every page
// draws with and without data; the keyboard alone switches pages, fills
// the add-user form and submits it.

#include <utility>

#include <gtest/gtest.h>
#include <imgui.h>

#include "tests/console/headless.hpp"

using namespace ivm::console;

namespace {

constexpr int key_tab = 258;   // GLFW_KEY_TAB
constexpr int key_enter = 257; // GLFW_KEY_ENTER

class headless : public headless_ui {
protected:
  model& drawn() override {
    return m;
  }

  /// Answers everything pending as a box with two users would.
  void serve() {
    for (auto& j : m.take_jobs()) {
      std::string body = "{}";
      if (j.path == "/health")
        body = R"({"status":"ok","version":"0.1.0","uptime_s":5,)"
               R"("storage":"ok"})";
      else if (j.path == "/api/v1/users")
        body = R"({"users":[{"extension":"201","name":"Alice"}]})";
      else if (j.path == "/api/v1/devices")
        body = R"({"devices":[{"mac":"0004f2abcdef","user":"201"}]})";
      else if (j.path == "/api/v1/devices/unassigned")
        body = R"({"unassigned":[{"mac":"001565123456"}]})";
      else if (j.path == "/api/v1/dhcp")
        body = R"({"enabled":false,"interface":"eth0","leases":[]})";
      else if (j.path == "/api/v1/firmware")
        body = "[]";
      else if (j.path == "/api/v1/groups")
        body = R"({"groups":[{"name":"sales","members":["201"]}]})";
      else if (j.path == "/api/v1/templates")
        body = R"({"templates":[{"name":"snom-common_config",)"
               R"("source":"built-in"}]})";
      else if (j.path == "/api/v1/gateways")
        body = R"({"gateways":[{"name":"gw1","protocol":"mgcp",)"
               R"("address":"192.0.2.10:2427","state":"up","endpoints":[]}],)"
               R"("pending":[]})";
      else if (j.path == "/api/v1/pbx")
        body = R"({"pbx":[{"name":"pbx1","address":"192.0.2.20:1040",)"
               R"("edition":"ed4","state":"up","devices":[]}]})";
      else if (j.path.rfind("/api/v1/templates/", 0) == 0)
        body = R"({"name":"snom-common_config","source":"built-in",)"
               R"("text":"<settings/>\n"})";
      m.apply(j, answer{200, body, {}});
    }
  }

  model m{"the-box-token"};
};

} // namespace

TEST_F(headless, every_page_draws_loading_loaded_and_failed) {
  for (auto& p : all_pages()) {
    m.show(p.id);
    frame(); // loading
    serve();
    if (p.id == page::monitor) { // its figures come by the event stream
      stream_news n;
      n.bytes = "event: stats\ndata: {\"uptime_s\":5}\n\n";
      m.apply_stream(n);
    }
    frame(); // loaded
    EXPECT_TRUE(m.ready(p.id)) << p.name;
  }
  model failing{"the-box-token"};
  for (auto& j : failing.take_jobs())
    failing.apply(j, answer{0, {}, "connection refused"});
  std::swap(m, failing);
  for (auto& p : all_pages()) {
    m.show(p.id);
    for (auto& j : m.take_jobs())
      m.apply(j, answer{500, R"({"error":"storage down"})", {}});
    stream_news refused;
    refused.what = stream_news::kind::dropped;
    refused.status = 500;
    m.apply_stream(refused); // the Monitor page's event stream
    frame();
    EXPECT_TRUE(m.settled(p.id));
    EXPECT_FALSE(m.ready(p.id));
  }
}

TEST_F(headless, function_keys_switch_pages) {
  frame();
  // Until the box has answered nothing is taken (the app holds the keys).
  EXPECT_EQ(m.access(), gate::connecting);
  serve();
  frame();
  auto& pages = all_pages();
  for (std::size_t i = pages.size(); i-- > 0;) {
    press(ui::key_f1 + static_cast<int>(i));
    EXPECT_EQ(m.current(), pages[i].id) << pages[i].name;
  }
}

TEST_F(headless, the_add_user_form_works_by_keyboard_alone) {
  serve();
  frame();
  press(ui::key_f1 + 1); // F2: users
  serve();
  frame();
  press(key_tab); // the first field: extension
  type("205");
  press(key_tab);
  type("Eve");
  press(key_tab);
  type("pw-205-secret");
  press(key_enter);
  auto jobs = m.take_jobs();
  ASSERT_EQ(jobs.size(), 1u) << m.status();
  EXPECT_EQ(jobs[0].method, "POST");
  EXPECT_EQ(jobs[0].body,
            R"({"extension":"205","name":"Eve","password":"pw-205-secret"})");
}

TEST_F(headless, first_boot_walk_by_keyboard) {
  model fresh; // no token: the console signs in after making the account
  std::swap(m, fresh);
  const std::string settings_body =
      R"({"site_name":"","domain":"127.0.0.1","address":"127.0.0.1",)"
      R"("interface":"lo","time_zone":"UTC","utc_offset_minutes":0,)"
      R"("interfaces":[{"name":"eth0","addresses":["192.0.2.10"]},)"
      R"({"name":"lo","addresses":["127.0.0.1"]}],"restart_needed":[]})";
  // Answers the loads; returns the changes.
  auto pump = [&] {
    std::vector<job> changes;
    for (auto& j : m.take_jobs()) {
      if (j.path == "/health")
        m.apply(j, answer{200,
                          R"({"status":"ok","version":"0.1.0","uptime_s":1,)"
                          R"("storage":"ok","configured":false})",
                          {}});
      else if (j.method == "GET" && j.path == "/api/v1/settings")
        m.apply(j, answer{200, settings_body, {}});
      else
        changes.push_back(j);
    }
    frame();
    frame();
    return changes;
  };
  auto store = [&](const char* body) {
    auto jobs = pump();
    EXPECT_EQ(jobs.size(), 1u) << m.status();
    if (jobs.empty())
      return;
    EXPECT_EQ(jobs[0].method, "PATCH");
    EXPECT_EQ(jobs[0].path, "/api/v1/settings");
    EXPECT_EQ(jobs[0].body, body);
    m.apply(jobs[0], answer{200, settings_body, {}});
    pump();
  };
  pump();
  ASSERT_EQ(m.access(), gate::first_boot);
  ASSERT_EQ(m.step(), setup_step::site);
  // An empty name is refused before anything is sent.
  press(key_tab);
  press(key_enter);
  EXPECT_TRUE(m.status_is_error());
  EXPECT_TRUE(m.take_jobs().empty());
  type("Berlin office");
  press(key_enter);
  store(R"({"site_name":"Berlin office"})");
  ASSERT_EQ(m.step(), setup_step::domain);
  press(key_tab); // selects the prefilled text: typing replaces it
  type("office.example");
  press(key_enter);
  store(R"({"domain":"office.example"})");
  ASSERT_EQ(m.step(), setup_step::network);
  press(265); // Up: from 127.0.0.1 to eth0's address
  press(key_enter);
  store(R"({"address":"192.0.2.10"})");
  ASSERT_EQ(m.step(), setup_step::time_zone);
  // The box refuses a zone it does not know: the step stays.
  press(key_tab);
  type("Mars/Base");
  press(key_enter);
  auto jobs = pump();
  ASSERT_EQ(jobs.size(), 1u);
  m.apply(jobs[0], answer{422,
                          R"({"error":"time_zone: 'Mars/Base' is not a known )"
                          R"(time zone","field":"time_zone"})",
                          {}});
  pump();
  EXPECT_EQ(m.step(), setup_step::time_zone);
  EXPECT_TRUE(m.status_is_error());
  EXPECT_NE(m.status().find("Mars/Base"), std::string::npos);
  select_all();
  type("Europe/Berlin");
  press(key_enter);
  store(R"({"time_zone":"Europe/Berlin"})");
  ASSERT_EQ(m.step(), setup_step::admin);
  press(key_tab);
  type("boss");
  press(key_tab);
  type("a long secret 1");
  press(key_tab);
  type("a long secret 1");
  press(key_enter);
  jobs = m.take_jobs();
  ASSERT_EQ(jobs.size(), 1u) << m.status();
  EXPECT_EQ(jobs[0].path, "/api/v1/admins");
  EXPECT_EQ(jobs[0].body, R"({"name":"boss","password":"a long secret 1"})");
  m.apply(jobs[0], answer{201, R"({"name":"boss"})", {}});
  // Then it signs in with that account.
  jobs = m.take_jobs();
  ASSERT_FALSE(jobs.empty());
  EXPECT_EQ(jobs[0].path, "/api/v1/session");
  EXPECT_EQ(jobs[0].body, R"({"name":"boss","password":"a long secret 1"})");
  EXPECT_TRUE(jobs[0].token.empty());
  for (auto& j : jobs)
    if (j.path == "/api/v1/session")
      m.apply(j, answer{201, R"({"token":"s3ss10n","name":"boss"})", {}});
    else if (j.path == "/health")
      m.apply(j, answer{200, R"({"status":"ok","configured":true})", {}});
  EXPECT_EQ(m.admin(), "boss");
  ASSERT_EQ(m.step(), setup_step::dhcp);
  EXPECT_EQ(m.access(), gate::first_boot);
  frame();
  frame();
  // DHCP on the chosen address's interface, the pool suggested.
  press(key_tab);
  press(key_enter);
  jobs = m.take_jobs();
  ASSERT_EQ(jobs.size(), 1u) << m.status();
  EXPECT_EQ(jobs[0].method, "PUT");
  EXPECT_EQ(jobs[0].path, "/api/v1/dhcp");
  EXPECT_EQ(jobs[0].body, R"({"enabled":true,"interface":"eth0",)"
                          R"("pool":"192.0.2.100-192.0.2.199"})");
  EXPECT_EQ(jobs[0].token, "s3ss10n");
  m.apply(jobs[0], answer{200, "{}", {}});
  EXPECT_EQ(m.step(), setup_step::done);
  EXPECT_EQ(m.access(), gate::open);
  for (auto& j : m.take_jobs())
    m.apply(j, answer{200, "{}", {}});
  m.show(page::users);
  jobs = m.take_jobs();
  ASSERT_FALSE(jobs.empty()); // health again at least
  for (auto& j : jobs)
    EXPECT_EQ(j.token, "s3ss10n") << j.path;
}
