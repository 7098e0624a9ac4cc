// console/ui: the Monitor page headless (an ImGui context without a window
// or GL): it draws waiting, fed and failed without an ImGui assertion, F6
// opens it, and the keyboard alone acknowledges an alert.

#include <string>

#include <gtest/gtest.h>
#include <imgui.h>

#include "tests/console/headless.hpp"

using namespace ivm::console;

namespace {

constexpr int key_space = 32;
constexpr int key_enter = 257;
constexpr int key_down = 264;
constexpr int key_page_up = 266;

std::string stats(int uptime, double registers) {
  return R"({"uptime_s":)" + std::to_string(uptime) + R"(,"cpu_seconds":)" +
         std::to_string(uptime * 0.1) +
         R"(,"rss_bytes":73400320,"disk_total_bytes":100,)"
         R"("disk_free_bytes":8,"storage":{"healthy":false,)"
         R"("last_error":"IO error: no space"},"registered":3,)"
         R"("metrics":{"ivm_sip_register_requests_total":)" +
         std::to_string(registers) +
         R"(,"ivm_sip_message_requests_total":1,)"
         R"("ivm_sip_requests_total":9,"ivm_dhcp_received_total":4,)"
         R"("ivm_dhcp_acked_total":2}})";
}

class monitor_page : public headless_ui {
protected:
  model& drawn() override {
    return m;
  }
  void SetUp() override {
    headless_ui::SetUp();
    for (auto& j : m.take_jobs())
      m.apply(j, answer{200, R"({"status":"ok","storage":"ok"})", {}});
  }

  void stream(const std::string& name, const std::string& data, double at) {
    stream_news n;
    n.what = stream_news::kind::bytes;
    n.bytes = "event: " + name + "\ndata: " + data + "\n\n";
    n.at = at;
    m.apply_stream(n);
  }

  /// Answers /health; the stream brings the figures, alerts and log.
  void feed() {
    for (auto& j : m.take_jobs())
      m.apply(j, answer{200,
                        j.path == "/api/v1/devices"
                            ? R"({"devices":[{"mac":"001565123456",)"
                              R"("registered":true}]})"
                            : R"({"status":"ok","storage":"ok"})",
                        {}});
    stream_news open;
    open.what = stream_news::kind::connected;
    m.apply_stream(open);
    stream("alerts",
           R"([{"id":1,"kind":"disk","text":"disk 8 % free",)"
           R"("raised":"2026-01-01T00:00:00Z","acknowledged":true},)"
           R"({"id":2,"kind":"storage","text":"storage writes fail",)"
           R"("raised":"2026-01-01T00:01:00Z","acknowledged":false},)"
           R"({"id":3,"kind":"rogue_dhcp","text":"another DHCP server",)"
           R"("raised":"2026-01-01T00:02:00Z","acknowledged":false}])",
           1.0);
    std::string log = "[";
    for (int i = 0; i < 300; ++i)
      log += std::string{i ? "," : ""} + "\"2026-01-01T00:00:00.000 " +
             (i % 7 ? "info " : "warning") + " [sip] line " +
             std::to_string(i) + "\"";
    stream("log", log + "]", 1.0);
    for (int i = 0; i < 20; ++i)
      stream("stats", stats(10 + 2 * i, 50.0 * i * i), 2.0 * i);
  }

  model m{"the-box-token"};
};

} // namespace

TEST_F(monitor_page, draws_waiting_fed_and_failed) {
  m.show(page::monitor);
  frame(); // waiting for the first figures
  EXPECT_FALSE(m.settled(page::monitor));
  feed();
  for (int i = 0; i < 3; ++i)
    frame();
  EXPECT_TRUE(m.ready(page::monitor));
  for (auto f : {log_filter::info, log_filter::warn, log_filter::error}) {
    m.log_level() = f;
    frame();
  }
  stream_news down;
  down.what = stream_news::kind::dropped;
  down.error = "the box closed the stream";
  m.apply_stream(down);
  frame();
  EXPECT_EQ(m.monitor().link(), link_state::down);
  // A box that never answered.
  model failing{"the-box-token"};
  for (auto& j : failing.take_jobs())
    failing.apply(j, answer{0, {}, "connection refused"});
  std::swap(m, failing);
  m.show(page::monitor);
  for (auto& j : m.take_jobs())
    m.apply(j, answer{0, {}, "connection refused"});
  frame();
  EXPECT_TRUE(m.settled(page::monitor));
  EXPECT_FALSE(m.ready(page::monitor));
}

TEST_F(monitor_page, f6_opens_it_and_the_keyboard_acknowledges_the_newest) {
  frame();
  press(ui::key_f1 + 5); // F6
  ASSERT_EQ(m.current(), page::monitor);
  feed();
  frame();
  frame();
  // The page has the focus; the first stop of the arrows is the newest
  // open alert's button (Tab walks text fields only in ImGui 1.86).
  press(key_down);
  press(key_space);
  auto jobs = m.take_jobs();
  ASSERT_EQ(jobs.size(), 1u) << m.status();
  EXPECT_EQ(jobs[0].path, "/api/v1/alerts/3/ack");
  m.apply(jobs[0], answer{200, R"({"acknowledged":3})", {}});
  frame();
  // The next one, with Enter.
  press(key_down);
  press(key_enter);
  jobs = m.take_jobs();
  ASSERT_EQ(jobs.size(), 1u) << m.status();
  EXPECT_EQ(jobs[0].path, "/api/v1/alerts/2/ack");
  press(key_page_up); // scrolls the log, takes no action
  EXPECT_TRUE(m.take_jobs().empty());
}
