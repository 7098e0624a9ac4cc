// Black-box tests of the ivmctl program: arguments, exit codes and output,
// against a fake admin API on loopback.

#include <fstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/ctl/fake_http_server.hpp"
#include "tests/ctl/run_process.hpp"

namespace {

using ivm::test::canned_response;
using ivm::test::fake_http_server;
using ivm::test::process_result;
using ivm::test::recorded_request;
using testing::HasSubstr;
using testing::StartsWith;

constexpr auto alice = R"({"extension":"201","username":"201","name":"Alice",)"
                       R"("enabled":true,"created":"2026-11-22T00:00:00Z"})";
constexpr auto bob = R"({"extension":"202","username":"bob","name":"Bob",)"
                     R"("enabled":false,"created":"2026-11-22T00:00:00Z"})";
constexpr auto sales = R"({"name":"sales","extension":"600",)"
                       R"("members":["201","202"]})";

/// A temp data dir with admin.json pointing at `url`.
class ivmctl : public testing::Test {
protected:
  void SetUp() override {
    std::string tmpl = testing::TempDir() + "ivmctl-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    data_dir_ = tmpl;
  }

  void write_admin_json(const std::string& url,
                        const std::string& token = "t0k3n") {
    std::ofstream{data_dir_ + "/admin.json"}
        << R"({"url":")" << url << R"(","token":")" << token << "\"}";
  }

  /// Runs ivmctl with `--data-dir <tmp>` first and a clean environment.
  process_result run(std::vector<std::string> args,
                     std::vector<std::string> env = {},
                     const std::string& input = {}) {
    args.insert(args.begin(), {IVMCTL_PATH, "--data-dir", data_dir_});
    env.push_back("PATH=/usr/bin:/bin");
    return ivm::test::run_process(args, env, input);
  }

  std::string data_dir_;
};

/// Answers every request with `resp`.
fake_http_server::handler always(canned_response resp) {
  return [resp](const recorded_request&) { return resp; };
}

// -- arguments ----------------------------------------------------------------

TEST_F(ivmctl, version_and_help_exit_zero) {
  auto r = run({"--version"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, StartsWith("ivmctl " IVM_VERSION));
  r = run({"--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("user"));
  EXPECT_THAT(r.out, HasSubstr("--data-dir"));
  r = run({"user", "add", "--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("--password"));
}

TEST_F(ivmctl, usage_errors_exit_two_with_one_line) {
  std::vector<std::vector<std::string>> cases{
      {},
      {"frobnicate"},
      {"user"},
      {"user", "add", "201"}, // --name is required
      {"user", "show"},       // extension missing
      {"user", "set", "201", "--enable", "--disable"},
      {"group", "add"},
      {"user", "list", "--bogus"},
  };
  for (auto& args : cases) {
    auto r = run(args);
    std::string cmd;
    for (auto& a : args)
      cmd += a + ' ';
    EXPECT_EQ(r.code, 2) << cmd;
    EXPECT_THAT(r.err, StartsWith("ivmctl: ")) << cmd;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(r.out, "") << cmd;
  }
}

TEST_F(ivmctl, nothing_to_change_is_a_usage_error_and_sends_nothing) {
  fake_http_server srv{always({200, alice})};
  write_admin_json(srv.url());
  auto r = run({"user", "set", "201"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("nothing to change"));
  r = run({"group", "set", "sales"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(srv.requests().empty());
}

// -- where to connect ---------------------------------------------------------

TEST_F(ivmctl, missing_admin_json_exits_two) {
  auto r = run({"user", "list"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("admin.json"));
  EXPECT_THAT(r.err, HasSubstr("is the appliance running?"));
}

TEST_F(ivmctl, unreachable_appliance_exits_two) {
  auto url = "http://127.0.0.1:" + std::to_string(ivm::test::unused_port());
  write_admin_json(url);
  auto r = run({"user", "list"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "ivmctl: cannot reach the appliance at " + url +
                       ": Connection refused\n");
}

TEST_F(ivmctl, token_and_url_come_from_flags_env_or_admin_json) {
  fake_http_server srv{always({200, R"({"users":[]})"})};
  write_admin_json(srv.url(), "fromfile");
  EXPECT_EQ(run({"user", "list"}).code, 0);
  EXPECT_EQ(run({"user", "list"}, {"IVM_TOKEN=fromenv"}).code, 0);
  EXPECT_EQ(run({"--token", "fromflag", "user", "list"}, {"IVM_TOKEN=x"}).code,
            0);
  // A stale admin.json is ignored when --url and --token are given.
  write_admin_json("http://127.0.0.1:1", "stale");
  EXPECT_EQ(run({"--url", srv.url(), "--token", "t", "user", "list"}).code, 0);
  EXPECT_EQ(run({"user", "list"}, {"IVM_URL=" + srv.url()}).code, 0);
  auto reqs = srv.requests();
  ASSERT_EQ(reqs.size(), 5u);
  EXPECT_EQ(reqs[0].header("Authorization"), "Bearer fromfile");
  EXPECT_EQ(reqs[1].header("Authorization"), "Bearer fromenv");
  EXPECT_EQ(reqs[2].header("Authorization"), "Bearer fromflag");
  EXPECT_EQ(reqs[3].header("Authorization"), "Bearer t");
  EXPECT_EQ(reqs[4].header("Authorization"), "Bearer stale");
}

// -- users --------------------------------------------------------------------

TEST_F(ivmctl, user_list_prints_a_table) {
  fake_http_server srv{
      always({200, std::string{R"({"users":[)"} + alice + "," + bob + "]}"})};
  write_admin_json(srv.url());
  auto r = run({"user", "list"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "EXT  USERNAME  NAME   ENABLED\n"
                   "201  201       Alice  yes\n"
                   "202  bob       Bob    no\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(ivmctl, json_flag_prints_the_raw_answer_before_or_after_the_command) {
  auto body = std::string{R"({"users":[)"} + alice + "]}";
  fake_http_server srv{always({200, body})};
  write_admin_json(srv.url());
  EXPECT_EQ(run({"--json", "user", "list"}).out, body + "\n");
  EXPECT_EQ(run({"user", "list", "--json"}).out, body + "\n");
}

TEST_F(ivmctl, user_add_sends_every_option) {
  fake_http_server srv{always({201, alice})};
  write_admin_json(srv.url());
  auto r = run({"user", "add", "201", "--name", "Alice", "--password", "s3cret",
                "--username", "alice", "--disabled"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "added user 201\n");
  auto req = srv.requests().at(0);
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.target, "/api/v1/users");
  EXPECT_EQ(req.header("Authorization"), "Bearer t0k3n");
  EXPECT_EQ(req.body, R"({"enabled":false,"extension":"201","name":"Alice",)"
                      R"("password":"s3cret","username":"alice"})");
}

TEST_F(ivmctl, api_error_exits_one_with_text_and_field) {
  fake_http_server srv{always(
      {409, R"({"error":"extension already exists","field":"extension"})"})};
  write_admin_json(srv.url());
  auto r = run({"user", "add", "201", "--name", "Alice", "--password", "x"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "ivmctl: extension already exists (field: extension)\n");
}

TEST_F(ivmctl, wrong_token_exits_one_with_a_hint) {
  fake_http_server srv{always({401, R"({"error":"invalid token"})"})};
  write_admin_json(srv.url());
  auto r = run({"user", "show", "201"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "ivmctl: invalid token (check --token, IVM_TOKEN or "
                   "<data-dir>/admin.json)\n");
}

TEST_F(ivmctl, user_show_prints_fields) {
  fake_http_server srv{always({200, alice})};
  write_admin_json(srv.url());
  auto r = run({"user", "show", "201"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "extension: 201\n"
                   "username:  201\n"
                   "name:      Alice\n"
                   "enabled:   yes\n"
                   "created:   2026-11-22T00:00:00Z\n");
  EXPECT_EQ(srv.requests().at(0).target, "/api/v1/users/201");
}

TEST_F(ivmctl, user_passwd_reads_the_password_from_stdin) {
  fake_http_server srv{always({200, alice})};
  write_admin_json(srv.url());
  auto r = run({"user", "passwd", "201"}, {}, "n3w pass\n");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "changed the password of user 201\n");
  auto req = srv.requests().at(0);
  EXPECT_EQ(req.method, "PATCH");
  EXPECT_EQ(req.body, R"({"password":"n3w pass"})");
}

TEST_F(ivmctl, user_passwd_without_input_is_a_usage_error) {
  fake_http_server srv{always({200, alice})};
  write_admin_json(srv.url());
  auto r = run({"user", "passwd", "201"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("no password"));
  EXPECT_TRUE(srv.requests().empty());
  r = run({"user", "passwd", "201", "--password", "p"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(srv.requests().at(0).body, R"({"password":"p"})");
}

TEST_F(ivmctl, user_set_and_del) {
  fake_http_server srv{[](const recorded_request& req) {
    return req.method == "DELETE" ? canned_response{204, {}}
                                  : canned_response{200, bob};
  }};
  write_admin_json(srv.url());
  auto r = run({"user", "set", "202", "--name", "Bob", "--disable"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "updated user 202\n");
  r = run({"user", "del", "202"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "deleted user 202\n");
  auto reqs = srv.requests();
  EXPECT_EQ(reqs.at(0).body, R"({"enabled":false,"name":"Bob"})");
  EXPECT_EQ(reqs.at(1).method, "DELETE");
  EXPECT_EQ(reqs.at(1).target, "/api/v1/users/202");
}

// -- groups -------------------------------------------------------------------

TEST_F(ivmctl, group_add_splits_members) {
  fake_http_server srv{always({201, sales})};
  write_admin_json(srv.url());
  auto r = run(
      {"group", "add", "sales", "--extension", "600", "--members", "201, 202"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "added group sales\n");
  EXPECT_EQ(srv.requests().at(0).body,
            R"({"extension":"600","members":["201","202"],"name":"sales"})");
}

TEST_F(ivmctl, group_list_show_set_del) {
  fake_http_server srv{[](const recorded_request& req) {
    if (req.method == "DELETE")
      return canned_response{204, {}};
    if (req.target == "/api/v1/groups")
      return canned_response{200, std::string{R"({"groups":[)"} + sales + "]}"};
    return canned_response{200, sales};
  }};
  write_admin_json(srv.url());
  auto r = run({"group", "list"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "NAME   EXT  MEMBERS\n"
                   "sales  600  201,202\n");
  r = run({"group", "show", "sales team"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "name:      sales\n"
                   "extension: 600\n"
                   "members:   201,202\n");
  r = run({"group", "set", "sales", "--members", ""});
  EXPECT_EQ(r.code, 0) << r.err;
  r = run({"--json", "group", "del", "sales"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  auto reqs = srv.requests();
  ASSERT_EQ(reqs.size(), 4u);
  EXPECT_EQ(reqs[1].target, "/api/v1/groups/sales%20team");
  EXPECT_EQ(reqs[2].method, "PATCH");
  EXPECT_EQ(reqs[2].body, R"({"members":[]})");
  EXPECT_EQ(reqs[3].target, "/api/v1/groups/sales");
}

TEST_F(ivmctl, group_not_found_exits_one) {
  fake_http_server srv{always({404, R"({"error":"no such group"})"})};
  write_admin_json(srv.url());
  auto r = run({"group", "show", "nope"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "ivmctl: no such group\n");
}

} // namespace
