// console/model: the Monitor page's data from the event stream: rates from
// counter differences (never negative across a restart), CPU from
// cpu_seconds, the history's bound, alerts and their acknowledgement, the
// log tail and its level filter; the model holds the stream only while the
// page is shown and treats a refused stream as the end of a session.

#include <string>

#include <gtest/gtest.h>

#include "console/model/console_model.hpp"

using namespace ivm::console;

namespace {

/// A `stats` object as the box sends it (the fields the page reads).
std::string stats(double uptime, double cpu, double registers, double messages,
                  double dhcp = 0) {
  return R"({"time":"2026-01-01T00:00:00Z","uptime_s":)" +
         std::to_string(uptime) + R"(,"cpu_seconds":)" + std::to_string(cpu) +
         R"(,"rss_bytes":52428800,"threads":9,"open_fds":40,)"
         R"("disk_total_bytes":1000,"disk_free_bytes":250,)"
         R"("storage":{"healthy":true,"writes":3,"write_errors":0,)"
         R"("commits":3,"last_error":""},"registered":12,"alerts_open":1,)"
         R"("metrics":{"ivm_sip_register_requests_total":)" +
         std::to_string(registers) + R"(,"ivm_sip_message_requests_total":)" +
         std::to_string(messages) + R"(,"ivm_dhcp_received_total":)" +
         std::to_string(dhcp) + "}}";
}

std::string event(const std::string& name, const std::string& data) {
  return "event: " + name + "\ndata: " + data + "\n\n";
}

std::size_t at(rate r) {
  return static_cast<std::size_t>(r);
}

stream_news news(stream_news::kind k, std::string bytes = {}, double t = 0) {
  stream_news n;
  n.what = k;
  n.bytes = std::move(bytes);
  n.at = t;
  return n;
}

/// Answers the pending requests (/health) as a healthy box.
void answer_health(model& m) {
  for (auto& j : m.take_jobs())
    m.apply(j, answer{200,
                      j.path == "/api/v1/devices"
                          ? R"({"devices":[{"mac":"001565123456",)"
                            R"("registered":true},{"mac":"001565123457"}]})"
                          : R"({"status":"ok","storage":"ok"})",
                      {}});
}

/// A model whose box answered /health: the pages are open.
model open_model(std::string token = "box-token") {
  model m{std::move(token)};
  answer_health(m);
  return m;
}

} // namespace

TEST(monitor_view, rates_are_counter_differences_per_second) {
  monitor_view v;
  v.feed(event("stats", stats(100, 10.0, 500, 40, 7)), 1000.0);
  ASSERT_NE(v.latest(), nullptr);
  EXPECT_FALSE(v.latest()->has_rates); // one sample: nothing to compare
  v.feed(event("stats", stats(102, 10.5, 520, 41, 7)), 1002.0);
  auto& s = *v.latest();
  ASSERT_TRUE(s.has_rates);
  EXPECT_FLOAT_EQ(s.rates[at(rate::registers)], 10.0f);
  EXPECT_FLOAT_EQ(s.rates[at(rate::messages)], 0.5f);
  EXPECT_FLOAT_EQ(s.rates[at(rate::dhcp_received)], 0.0f);
  EXPECT_FLOAT_EQ(s.cpu_percent, 25.0f); // 0.5 s of CPU in 2 s
  // A counter the box does not have is marked, not zero.
  EXPECT_LT(s.counters[at(rate::dhcp_acked)], 0);
  EXPECT_EQ(s.registered, 12);
  EXPECT_EQ(s.rss_bytes, 52428800u);
  EXPECT_DOUBLE_EQ(s.disk_free_percent(), 25.0);
  EXPECT_TRUE(s.storage_ok);
}

TEST(monitor_view, live_counts_come_from_the_metrics) {
  monitor_view v;
  v.add_stats(R"({"uptime_s":5,"metrics":{"ivm_calls_active":2,)"
              R"("ivm_voice_sessions_active":1,"ivm_messages_waiting":7,)"
              R"("ivm_oldest_waiting_message_age_seconds":3600}})",
              1.0);
  auto* s = v.latest();
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->calls, 2);
  EXPECT_EQ(s->voice_sessions, 1);
  EXPECT_EQ(s->messages_waiting, 7);
  EXPECT_EQ(s->oldest_waiting_s, 3600);
  // An older box without them: unknown, not zero.
  v.add_stats(R"({"uptime_s":9,"metrics":{}})", 5.0);
  EXPECT_EQ(v.latest()->calls, -1);
  EXPECT_EQ(v.latest()->messages_waiting, -1);
}

TEST(monitor_view, a_restarted_box_gives_no_negative_rate) {
  monitor_view v;
  v.add_stats(stats(5000, 80.0, 90000, 5000), 10.0);
  // Restarted: uptime and counters start again from zero.
  v.add_stats(stats(2, 0.4, 6, 1), 14.0);
  auto& s = *v.latest();
  ASSERT_TRUE(s.has_rates);
  for (auto r : s.rates)
    EXPECT_GE(r, 0.0f);
  EXPECT_FLOAT_EQ(s.rates[at(rate::registers)], 1.5f); // 6 since the start
  EXPECT_FLOAT_EQ(s.cpu_percent, 10.0f);
  // Counters that passed their old values after a restart: the uptime
  // tells the restart, still no jump.
  monitor_view w;
  w.add_stats(stats(5000, 1.0, 10, 10), 10.0);
  w.add_stats(stats(3, 1.5, 16, 12), 12.0);
  EXPECT_FLOAT_EQ(w.latest()->rates[at(rate::registers)], 8.0f);
}

TEST(monitor_view, samples_close_together_replace_and_history_is_bounded) {
  monitor_view v;
  v.add_stats(stats(1, 0, 0, 0), 0.0);
  v.add_stats(stats(1, 0, 5, 0), 0.3); // GET and stream at once: one sample
  EXPECT_EQ(v.samples().size(), 1u);
  for (int i = 1; i <= 400; ++i)
    v.add_stats(stats(1 + 2 * i, 0, 10.0 * i, 0), 2.0 * i);
  EXPECT_EQ(v.samples().size(), monitor_view::max_samples);
  EXPECT_FLOAT_EQ(v.latest()->rates[at(rate::registers)], 5.0f);
  EXPECT_DOUBLE_EQ(v.samples().front().at, 2.0 * (400 - 149));
}

TEST(monitor_view, garbage_events_are_counted_not_trusted) {
  monitor_view v;
  v.feed(event("stats", "<html>") + event("stats", R"({"cpu":1})") +
             event("alerts", "7") + event("log", "{") +
             event("unknown", "whatever"),
         1.0);
  EXPECT_EQ(v.latest(), nullptr);
  EXPECT_EQ(v.bad_events(), 4u);
  // Wrongly typed fields are ignored.
  v.feed(event("stats",
               R"({"uptime_s":1,"rss_bytes":"x","registered":null,)"
               R"("metrics":{"ivm_sip_register_requests_total":"7"}})"),
         2.0);
  ASSERT_NE(v.latest(), nullptr);
  EXPECT_EQ(v.latest()->rss_bytes, 0u);
  EXPECT_EQ(v.latest()->registered, -1);
  EXPECT_LT(v.latest()->counters[at(rate::registers)], 0);
}

TEST(monitor_view, alerts_listed_raised_and_acknowledged) {
  monitor_view v;
  v.feed(event("alerts",
               R"([{"id":1,"kind":"disk","text":"disk 5 % free",)"
               R"("raised":"2026-01-01T00:00:00Z","acknowledged":true}])"),
         1.0);
  v.feed(event("alert", R"({"id":2,"kind":"rogue_dhcp","text":"another )"
                        R"(DHCP server","raised":"2026-01-01T00:01:00Z",)"
                        R"("acknowledged":false})"),
         2.0);
  ASSERT_EQ(v.alerts().size(), 2u);
  EXPECT_EQ(v.open_alerts(), 1u);
  EXPECT_EQ(v.alerts()[1].kind, "rogue_dhcp");
  v.mark_acknowledged(2);
  EXPECT_EQ(v.open_alerts(), 0u);
  // The box's list after an acknowledgement replaces the one kept.
  v.feed(event("alerts", R"({"alerts":[]})"), 3.0);
  EXPECT_TRUE(v.alerts().empty());
}

TEST(monitor_view, log_tail_bounded_and_filtered_by_level) {
  EXPECT_EQ(level_of("2026-01-01T00:00:00.123 info  [sip] registered 201"),
            "info");
  EXPECT_EQ(level_of("2026-01-01T00:00:00.123 warning [admin] alert: x"),
            "warning");
  EXPECT_EQ(level_of("no level here"), "");
  monitor_view v;
  v.feed(event("log", R"(["t info  [sip] a","t warning [dhcp] b",)"
                      R"("t error [storage] c","t critical [main] d",)"
                      R"("t debug [sip] e","no level"])"),
         1.0);
  EXPECT_EQ(v.log_lines(log_filter::all).size(), 6u);
  EXPECT_EQ(v.log_lines(log_filter::info).size(), 4u);
  auto warn = v.log_lines(log_filter::warn);
  ASSERT_EQ(warn.size(), 3u);
  EXPECT_EQ(warn[0], "t warning [dhcp] b");
  EXPECT_EQ(v.log_lines(log_filter::error).size(), 2u);
  std::string many = "[";
  for (int i = 0; i < 600; ++i)
    many +=
        (i ? ",\"t info  [x] " : "\"t info  [x] ") + std::to_string(i) + "\"";
  v.feed(event("log", many + "]"), 2.0);
  EXPECT_EQ(v.log().size(), monitor_view::max_log);
  EXPECT_EQ(v.log().back(), "t info  [x] 599");
  // A new connection: the box replays its tail, the old one goes.
  v.connected();
  v.feed(event("log", R"(["t info  [x] again"])"), 3.0);
  EXPECT_EQ(v.log().size(), 1u);
}

TEST(monitor_model, the_stream_is_wanted_only_on_the_page_when_open) {
  model closed; // no token: sign-in first
  closed.show(page::monitor);
  EXPECT_FALSE(closed.wanted_stream());
  auto m = open_model();
  EXPECT_FALSE(m.wanted_stream()); // the overview
  m.show(page::monitor);
  ASSERT_TRUE(m.wanted_stream());
  EXPECT_EQ(*m.wanted_stream(), "box-token");
  m.show(page::users);
  EXPECT_FALSE(m.wanted_stream());
}

TEST(monitor_model, ready_once_the_first_figures_arrived) {
  auto m = open_model();
  m.show(page::monitor);
  answer_health(m);
  EXPECT_FALSE(m.settled(page::monitor));
  m.apply_stream(news(stream_news::kind::connecting));
  m.apply_stream(news(stream_news::kind::connected));
  // Split anywhere: the first piece completes nothing.
  auto wire = event("stats", stats(1, 0, 0, 0));
  m.apply_stream(news(stream_news::kind::bytes, wire.substr(0, 20), 5.0));
  EXPECT_FALSE(m.ready(page::monitor));
  m.apply_stream(news(stream_news::kind::bytes, wire.substr(20), 5.0));
  EXPECT_TRUE(m.settled(page::monitor));
  EXPECT_TRUE(m.ready(page::monitor));
  EXPECT_EQ(m.monitor().link(), link_state::live);
}

TEST(monitor_model, a_stream_that_cannot_open_settles_the_page_with_why) {
  auto m = open_model();
  m.show(page::monitor);
  answer_health(m);
  auto down = news(stream_news::kind::dropped);
  down.error = "connection refused";
  m.apply_stream(down);
  EXPECT_TRUE(m.settled(page::monitor));
  EXPECT_FALSE(m.ready(page::monitor));
  EXPECT_EQ(m.monitor().link_error(), "connection refused");
}

TEST(monitor_model, a_refused_stream_ends_the_session) {
  model m; // signs in
  for (auto& j : m.take_jobs())
    m.apply(j, answer{200, R"({"status":"ok","configured":true})", {}});
  m.login_form().password = "a long secret 1";
  m.sign_in();
  for (auto& j : m.take_jobs())
    if (j.path == "/api/v1/session")
      m.apply(j, answer{201, R"({"token":"s3ss10n","name":"boss"})", {}});
    else
      m.apply(j, answer{200, R"({"status":"ok","configured":true})", {}});
  ASSERT_EQ(m.access(), gate::open);
  m.show(page::monitor);
  auto refused = news(stream_news::kind::dropped);
  refused.status = 401;
  refused.error = R"({"error":"session expired"})";
  refused.token = "s3ss10n";
  m.apply_stream(refused);
  EXPECT_EQ(m.access(), gate::sign_in);
  EXPECT_FALSE(m.wanted_stream());
  EXPECT_EQ(m.monitor().link_error(), "session expired");
}

TEST(monitor_model, acknowledge_queues_the_post_and_marks_it_when_done) {
  auto m = open_model();
  m.show(page::monitor);
  answer_health(m);
  m.apply_stream(news(stream_news::kind::bytes,
                      event("alerts", R"([{"id":42,"kind":"storage",)"
                                      R"("text":"writes fail",)"
                                      R"("acknowledged":false}])"),
                      1.0));
  ASSERT_EQ(m.monitor().open_alerts(), 1u);
  m.acknowledge_alert(42);
  auto jobs = m.take_jobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].method, "POST");
  EXPECT_EQ(jobs[0].path, "/api/v1/alerts/42/ack");
  EXPECT_EQ(jobs[0].token, "box-token");
  EXPECT_EQ(m.in_flight(), 1u);
  m.apply(jobs[0], answer{404, R"({"error":"no alert 42"})", {}});
  EXPECT_EQ(m.monitor().open_alerts(), 1u); // refused: still open
  EXPECT_EQ(m.status(), "no alert 42");
  EXPECT_TRUE(m.status_is_error());
  m.acknowledge_alert(42);
  jobs = m.take_jobs();
  m.apply(jobs[0], answer{200, R"({"acknowledged":42})", {}});
  EXPECT_EQ(m.monitor().open_alerts(), 0u);
  EXPECT_EQ(m.status(), "Alert 42 acknowledged");
}
