// console: the Gateways page (issue 15). The answer of GET /api/v1/gateways
// read; bad input refused before anything is sent; and by keyboard alone:
// F9, Tab, typing and Enter add a gateway, then a station on it.

#include <gtest/gtest.h>
#include <imgui.h>

#include "tests/console/headless.hpp"

using namespace ivm::console;

namespace {

constexpr int key_tab = 258;   // GLFW_KEY_TAB
constexpr int key_enter = 257; // GLFW_KEY_ENTER

const char* listing =
    R"({"gateways":[{"name":"gw1","protocol":"mgcp","address":)"
    R"("192.0.2.10:2427","domain":"gw1.example.net","created":1,)"
    R"("state":"up","since":"2026-12-07T05:10:22Z","endpoints":[{"endpoint":"aaln/1",)"
    R"("extension":"205","line":"idle","hook":"on","lamp":true}]}],)"
    R"("pending":[{"address":"192.0.2.99:2427","endpoint":"aaln/*@x",)"
    R"("first_seen":"2026-12-07T05:00:00Z","last_seen":"2026-12-07T05:01:00Z"}]})";

TEST(gateways_view, reads_the_listing) {
  auto v = parse_gateways(listing);
  ASSERT_TRUE(v) << v.error();
  ASSERT_EQ(v->gateways.size(), 1u);
  auto& g = v->gateways[0];
  EXPECT_EQ(g.name, "gw1");
  EXPECT_EQ(g.state, "up");
  EXPECT_EQ(g.since, "2026-12-07 05:10:22");
  ASSERT_EQ(g.stations.size(), 1u);
  EXPECT_EQ(g.stations[0].endpoint, "aaln/1");
  EXPECT_EQ(g.stations[0].extension, "205");
  EXPECT_TRUE(g.stations[0].lamp);
  ASSERT_EQ(v->pending.size(), 1u);
  EXPECT_EQ(v->pending[0].address, "192.0.2.99:2427");
  EXPECT_FALSE(parse_gateways("{}"));
  EXPECT_FALSE(parse_gateways("not json"));
  EXPECT_FALSE(parse_gateways(R"({"gateways":3})"));
}

TEST(gateways_view, host_and_port) {
  EXPECT_TRUE(is_host_port("192.0.2.10:2427"));
  EXPECT_TRUE(is_host_port("gw1.example.net:2427"));
  EXPECT_TRUE(is_host_port("[2001:db8::1]:2427"));
  EXPECT_FALSE(is_host_port("192.0.2.10"));
  EXPECT_FALSE(is_host_port("192.0.2.10:"));
  EXPECT_FALSE(is_host_port(":2427"));
  EXPECT_FALSE(is_host_port("192.0.2.10:99999"));
  EXPECT_FALSE(is_host_port("192.0.2.10:0"));
  EXPECT_FALSE(is_host_port("192.0.2.10:24x7"));
}

class gateways_page : public headless_ui {
protected:
  model& drawn() override {
    return m;
  }

  /// Answers the loads; returns the changes (unanswered).
  std::vector<job> serve() {
    std::vector<job> changes;
    for (auto& j : m.take_jobs()) {
      std::string body;
      if (j.method != "GET")
        changes.push_back(j);
      else if (j.path == "/health")
        body = R"({"status":"ok","version":"0.1.0","storage":"ok"})";
      else if (j.path == "/api/v1/users")
        body = R"({"users":[{"extension":"205","name":"Eve"}]})";
      else if (j.path == "/api/v1/gateways")
        body = gateways_;
      else if (j.path == "/api/v1/pbx")
        body = pbx_;
      else
        body = "{}";
      if (j.method == "GET")
        m.apply(j, answer{200, body, {}});
    }
    frame();
    frame();
    return changes;
  }

  std::string gateways_ = R"({"gateways":[],"pending":[]})";
  std::string pbx_ = R"({"pbx":[]})";
  model m{"the-box-token"};
};

} // namespace

TEST_F(gateways_page, bad_input_is_refused_before_sending) {
  serve();
  m.show(page::gateways);
  serve();
  auto& f = m.gateway_form();
  f.name = "gw 1";
  f.address = "192.0.2.10:2427";
  m.add_gateway();
  EXPECT_TRUE(m.status_is_error());
  EXPECT_NE(m.status().find("name"), std::string::npos);
  f.name = "gw1";
  f.address = "192.0.2.10";
  m.add_gateway();
  EXPECT_NE(m.status().find("address"), std::string::npos);
  m.add_station(); // no gateway chosen
  EXPECT_NE(m.status().find("Choose a gateway"), std::string::npos);
  EXPECT_TRUE(serve().empty());
  // With a gateway: a wildcard endpoint and a non-numeric user are refused.
  gateways_ = listing;
  m.refresh();
  serve();
  ASSERT_NE(m.selected_gateway(), nullptr);
  f.endpoint = "aaln/*";
  f.extension = "205";
  m.add_station();
  EXPECT_NE(m.status().find("endpoint"), std::string::npos);
  f.endpoint = "aaln/2";
  f.extension = "bob";
  m.add_station();
  EXPECT_NE(m.status().find("extension"), std::string::npos);
  EXPECT_TRUE(serve().empty());
  // Remove a station; delete the gateway only after a yes.
  m.delete_station("aaln/1");
  auto jobs = serve();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].method, "DELETE");
  EXPECT_EQ(jobs[0].path, "/api/v1/stations/gw1/aaln/1");
  m.delete_gateway(); // nothing asked
  EXPECT_TRUE(serve().empty());
  m.ask_delete_gateway();
  m.keep_gateway();
  m.delete_gateway();
  EXPECT_TRUE(serve().empty());
  m.ask_delete_gateway();
  m.delete_gateway();
  jobs = serve();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].path, "/api/v1/gateways/gw1");
  // An H.248 gateway.
  f.name = "gw2";
  f.address = "192.0.2.11:2944";
  f.megaco = true;
  m.add_gateway();
  jobs = serve();
  ASSERT_EQ(jobs.size(), 1u) << m.status();
  EXPECT_NE(jobs[0].body.find(R"("protocol":"megaco")"), std::string::npos);
}

TEST_F(gateways_page, f9_tab_type_enter_add_a_gateway_and_a_station) {
  serve();
  press(ui::key_f1 + 8); // F9
  ASSERT_EQ(m.current(), page::gateways);
  serve();
  press(key_tab); // name
  type("gw1");
  press(key_tab); // address
  type("192.0.2.10:2427");
  press(key_tab); // domain
  type("gw1.example.net");
  press(key_enter);
  auto jobs = serve();
  ASSERT_EQ(jobs.size(), 1u) << m.status();
  EXPECT_EQ(jobs[0].method, "POST");
  EXPECT_EQ(jobs[0].path, "/api/v1/gateways");
  EXPECT_EQ(jobs[0].body, R"({"address":"192.0.2.10:2427",)"
                          R"("domain":"gw1.example.net","name":"gw1",)"
                          R"("protocol":"mgcp"})");
  gateways_ = listing;
  m.apply(jobs[0], answer{201, "{}", {}});
  serve();
  ASSERT_NE(m.selected_gateway(), nullptr);
  EXPECT_EQ(m.selected_gateway()->name, "gw1");
  // The new gateway is chosen and its endpoint field has the keys.
  type("aaln/2");
  press(key_tab); // extension
  type("206");
  press(key_enter);
  jobs = serve();
  ASSERT_EQ(jobs.size(), 1u) << m.status();
  EXPECT_EQ(jobs[0].path, "/api/v1/stations");
  EXPECT_EQ(jobs[0].body,
            R"({"endpoint":"aaln/2","extension":"206","gateway":"gw1"})");
}

TEST(gateways_view, reads_the_pbx_links) {
  auto v = parse_pbx(
      R"({"pbx":[{"name":"pbx1","address":"192.0.2.20:1040","edition":"ed4",)"
      R"("state":"up","since":"2026-12-07T05:10:22Z","devices":[{"device":)"
      R"("3001","extension":"205","activity":"ringing","hook":"on",)"
      R"("lamp":true}]}]})");
  ASSERT_TRUE(v) << v.error();
  ASSERT_EQ(v->size(), 1u);
  EXPECT_EQ((*v)[0].state, "up");
  EXPECT_EQ((*v)[0].since, "2026-12-07 05:10:22");
  ASSERT_EQ((*v)[0].devices.size(), 1u);
  EXPECT_EQ((*v)[0].devices[0].activity, "ringing");
  EXPECT_TRUE((*v)[0].devices[0].lamp);
  EXPECT_FALSE(parse_pbx("{}"));
  EXPECT_FALSE(parse_pbx(R"({"pbx":{}})"));
}

TEST_F(gateways_page, shows_the_pbx_links) {
  pbx_ = R"({"pbx":[{"name":"pbx1","address":"192.0.2.20:1040",)"
         R"("edition":"ed4","state":"down","devices":[{"device":"3001",)"
         R"("extension":"205","activity":"unknown"}]}]})";
  serve();
  m.show(page::gateways);
  serve();
  ASSERT_EQ(m.pbx_links().size(), 1u);
  EXPECT_EQ(m.pbx_links()[0].devices[0].device, "3001");
  EXPECT_FALSE(m.status_is_error()) << m.status();
}
