// console/model: the pages' data decoded from the admin API's answers, the
// requests the console's actions make, errors shown, not swallowed.

#include <gtest/gtest.h>

#include "console/model/console_model.hpp"

using namespace ivm::console;

namespace {

const char* const users_body =
    R"({"users":[{"extension":"201","name":"Alice","username":"201",)"
    R"("enabled":true},{"extension":"202","name":"Bob","username":"bob",)"
    R"("enabled":false}]})";
const char* const unassigned_body =
    R"({"unassigned":[{"mac":"001565123456","source":"http",)"
    R"("address":"192.0.2.77","vendor":"yealink","model":"T46S",)"
    R"("user_agent":"Yealink SIP-T46S","last_seen":"2026-12-06T00:00:00Z"}]})";
const char* const dhcp_body =
    R"({"enabled":true,"source":"api","interface":"eth0",)"
    R"("server_address":"192.0.2.1","pool":"192.0.2.100-192.0.2.200",)"
    R"("router":["192.0.2.1"],"dns":["192.0.2.53","192.0.2.54"],)"
    R"("lease_time_s":600,"leases":[{"mac":"02:00:00:00:00:01",)"
    R"("address":"192.0.2.100","state":"bound","expires_s":590}],)"
    R"("rogue_servers":["192.0.2.2"]})";

/// Answers every pending job with `status`/`body` chosen by path.
void answer_all(model& m, int status,
                std::function<std::string(const job&)> body) {
  for (auto& j : m.take_jobs())
    m.apply(j, answer{status, body(j), {}});
}

std::string canned(const job& j) {
  if (j.path == "/health")
    return R"({"status":"ok","version":"0.1.0","uptime_s":61,"storage":"ok"})";
  if (j.path == "/api/v1/users")
    return users_body;
  if (j.path == "/api/v1/devices")
    return R"({"devices":[]})";
  if (j.path == "/api/v1/devices/unassigned")
    return unassigned_body;
  if (j.path == "/api/v1/dhcp")
    return dhcp_body;
  if (j.path == "/api/v1/firmware")
    return R"([{"name":"t46s.rom","size":2048,"sha256":"ab"}])";
  return "{}";
}

} // namespace

TEST(console_views, decode_the_answers) {
  auto users = parse_users(users_body);
  ASSERT_TRUE(users);
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ((*users)[1].username, "bob");
  EXPECT_FALSE((*users)[1].enabled);
  auto dhcp = parse_dhcp(dhcp_body);
  ASSERT_TRUE(dhcp);
  EXPECT_EQ(dhcp->dns, "192.0.2.53, 192.0.2.54");
  EXPECT_EQ(dhcp->leases.at(0).expires_s, 590);
  EXPECT_EQ(dhcp->rogue_servers, std::vector<std::string>{"192.0.2.2"});
  auto fw = parse_firmware(R"([{"name":"a","size":3000000,"sha256":"x"}])");
  ASSERT_TRUE(fw);
  EXPECT_EQ(format_size(fw->at(0).size), "2.9 MiB");
  for (auto bad : {"", "[]", "{\"users\":3}", "<html>"})
    EXPECT_FALSE(parse_users(bad)) << bad;
  EXPECT_FALSE(parse_firmware("{}"));
  EXPECT_EQ(error_text(422, R"({"error":"bad mac"})"), "bad mac");
  EXPECT_EQ(error_text(502, "<html>"), "HTTP 502");
}

TEST(console_model, each_page_asks_for_its_data_once) {
  model m;
  auto jobs = m.take_jobs();
  std::vector<std::string> paths;
  for (auto& j : jobs)
    paths.push_back(j.path);
  EXPECT_EQ(paths, (std::vector<std::string>{
                       "/health", "/api/v1/users", "/api/v1/devices",
                       "/api/v1/devices/unassigned", "/api/v1/dhcp",
                       "/api/v1/settings"}));
  EXPECT_FALSE(m.settled(page::overview));
  // Pending requests are not asked again.
  m.refresh();
  EXPECT_TRUE(m.take_jobs().empty());
  for (auto& j : jobs)
    m.apply(j, answer{200, canned(j), {}});
  EXPECT_TRUE(m.ready(page::overview));
  EXPECT_EQ(m.users().size(), 2u);
  EXPECT_TRUE(m.health().ok);
  EXPECT_EQ(m.in_flight(), 0u);
  m.show(page::firmware);
  jobs = m.take_jobs();
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[1].path, "/api/v1/firmware");
}

TEST(console_model, failures_are_shown_not_swallowed) {
  model m;
  for (auto& j : m.take_jobs()) {
    if (j.path == "/api/v1/users")
      m.apply(j, answer{401, R"({"error":"bad token"})", {}});
    else if (j.path == "/api/v1/dhcp")
      m.apply(j, answer{200, "not json", {}});
    else if (j.path == "/health")
      m.apply(j, answer{0, {}, "connection refused"});
    else
      m.apply(j, answer{200, canned(j), {}});
  }
  EXPECT_TRUE(m.settled(page::overview));
  EXPECT_FALSE(m.ready(page::overview));
  EXPECT_EQ(m.load_error(dataset::users), "bad token");
  EXPECT_EQ(m.load_error(dataset::dhcp), "the answer is not a JSON object");
  EXPECT_EQ(m.load_error(dataset::health), "connection refused");
  EXPECT_FALSE(m.health().reachable);
}

TEST(console_model, add_user_checks_then_posts_and_reloads) {
  model m;
  answer_all(m, 200, canned);
  m.show(page::users);
  answer_all(m, 200, canned);
  auto& f = m.user_form();
  f.extension = "20a";
  f.password = "pw";
  m.add_user();
  EXPECT_TRUE(m.status_is_error());
  EXPECT_TRUE(m.take_jobs().empty());
  f.extension = "205";
  f.name = "Eve \"E\"";
  f.password = "";
  m.add_user();
  EXPECT_TRUE(m.status_is_error());
  f.password = "pw-205";
  m.add_user();
  auto jobs = m.take_jobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].method, "POST");
  EXPECT_EQ(jobs[0].path, "/api/v1/users");
  EXPECT_EQ(jobs[0].body,
            R"({"extension":"205","name":"Eve \"E\"","password":"pw-205"})");
  EXPECT_TRUE(f.password.empty()); // not kept on screen
  // Refused by the box: its message is shown.
  m.apply(jobs[0], answer{409, R"({"error":"extension 205 exists"})", {}});
  EXPECT_TRUE(m.status_is_error());
  EXPECT_EQ(m.status(), "extension 205 exists");
  EXPECT_TRUE(m.take_jobs().empty());
  // Accepted: said, and the list is asked for again.
  m.apply(jobs[0], answer{201, "{}", {}});
  EXPECT_FALSE(m.status_is_error());
  EXPECT_EQ(m.status(), "User 205 added");
  jobs = m.take_jobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].path, "/api/v1/users");
}

TEST(console_model, a_waiting_phone_is_assigned_in_one_step) {
  model m;
  m.show(page::devices);
  answer_all(m, 200, canned);
  // The only waiting phone is chosen already.
  EXPECT_EQ(m.device_form().mac, "001565123456");
  m.device_form().user = "201";
  m.assign_device();
  auto jobs = m.take_jobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].body, R"({"mac":"001565123456","model":"T46S",)"
                          R"("user":"201","vendor":"yealink"})");
  m.apply(jobs[0], answer{201, "{}", {}});
  EXPECT_EQ(m.status(), "Phone 001565123456 assigned to 201");
  jobs = m.take_jobs();
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].path, "/api/v1/devices");
  EXPECT_EQ(jobs[1].path, "/api/v1/devices/unassigned");
  // Nobody waits any more: nothing chosen, assigning says so.
  m.apply(jobs[1], answer{200, R"({"unassigned":[]})", {}});
  EXPECT_TRUE(m.device_form().mac.empty());
  m.assign_device();
  EXPECT_TRUE(m.status_is_error());
  EXPECT_TRUE(m.take_jobs().empty());
}

TEST(console_model, delete_and_toggle_encode_their_targets) {
  model m;
  m.take_jobs();
  m.delete_user("20 1");
  m.set_user_enabled("201", false);
  m.delete_device("00:15:65:12:34:56");
  m.set_dhcp_enabled(false);
  auto jobs = m.take_jobs();
  ASSERT_EQ(jobs.size(), 4u);
  EXPECT_EQ(jobs[0].path, "/api/v1/users/20%201");
  EXPECT_EQ(jobs[1].method, "PATCH");
  EXPECT_EQ(jobs[1].body, R"({"enabled":false})");
  EXPECT_EQ(jobs[2].path, "/api/v1/devices/00%3A15%3A65%3A12%3A34%3A56");
  EXPECT_EQ(jobs[3].path, "/api/v1/dhcp");
  EXPECT_EQ(jobs[3].body, R"({"enabled":false})");
}

TEST(console_model, pages_are_named_for_the_command_line) {
  for (auto& p : all_pages())
    EXPECT_EQ(parse_page(p.name), p.id);
  EXPECT_FALSE(parse_page("Users"));
  EXPECT_FALSE(parse_page(""));
}

TEST(console_model, the_dhcp_scope_editor_starts_from_the_box_and_patches) {
  model m{"tok"};
  m.show(page::dhcp);
  for (auto& j : m.take_jobs())
    m.apply(j, answer{200,
                      j.path == "/api/v1/dhcp"
                          ? R"({"enabled":false,"interface":"eth1",)"
                            R"("pool":"192.0.2.100-192.0.2.199",)"
                            R"("router":["192.0.2.1"],"dns":[],)"
                            R"("lease_time_s":3600,"leases":[]})"
                          : R"({"status":"ok"})",
                      {}});
  auto& f = m.scope_form();
  EXPECT_EQ(f.interface, "eth1");
  EXPECT_EQ(f.pool, "192.0.2.100-192.0.2.199");
  EXPECT_EQ(f.router, "192.0.2.1");
  EXPECT_EQ(f.lease_time_s, "3600");
  f.dns = "192.0.2.1, 192.0.2.2";
  f.lease_time_s = "1h";
  m.save_dhcp_scope();
  EXPECT_TRUE(m.status_is_error());
  EXPECT_TRUE(m.take_jobs().empty());
  f.lease_time_s = "7200";
  m.save_dhcp_scope();
  auto jobs = m.take_jobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].method, "PATCH");
  EXPECT_EQ(jobs[0].path, "/api/v1/dhcp");
  EXPECT_EQ(jobs[0].body,
            R"({"dns":["192.0.2.1","192.0.2.2"],"interface":"eth1",)"
            R"("lease_time_s":7200,"pool":"192.0.2.100-192.0.2.199",)"
            R"("router":["192.0.2.1"]})");
  // Refused: what was typed stays for correction.
  m.apply(jobs[0], answer{422,
                          R"({"error":"dhcp.pool: outside the subnet",)"
                          R"("field":"pool"})",
                          {}});
  EXPECT_TRUE(m.status_is_error());
  EXPECT_EQ(m.scope_form().lease_time_s, "7200");
}
