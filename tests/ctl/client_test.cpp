// The admin API client against a fake server: what goes on the wire and
// how answers (good, rejected, garbage, none) come back.

#include <chrono>

#include <gtest/gtest.h>

#include "console/client/client.hpp"
#include "tests/ctl/fake_http_server.hpp"

namespace {

using ivm::admin::api_error;
using ivm::test::canned_response;
using ivm::test::fake_http_server;
using ivm::test::recorded_request;
using namespace std::chrono_literals;

constexpr auto alice = R"({"extension":"201","username":"201","name":"Alice",)"
                       R"("enabled":true,"created":"2026-11-22T00:00:00Z"})";

ivm::admin::client make_client(const fake_http_server& srv,
                               ivm::admin::timeouts limits = {}) {
  auto ep = ivm::admin::parse_url(srv.url());
  EXPECT_TRUE(ep.has_value());
  ep->token = "c0ffee";
  return ivm::admin::client{*ep, limits};
}

TEST(admin_client, list_users_sends_bearer_token_and_decodes_users) {
  fake_http_server srv{[](const recorded_request&) {
    return canned_response{200, std::string{R"({"users":[)"} + alice + "]}"};
  }};
  auto api = make_client(srv);
  auto r = api.list_users();
  ASSERT_TRUE(r.has_value()) << r.error().message;
  ASSERT_EQ(r->value.size(), 1u);
  EXPECT_EQ(r->value[0].extension, "201");
  EXPECT_EQ(r->value[0].name, "Alice");
  EXPECT_TRUE(r->value[0].enabled);
  EXPECT_EQ(r->value[0].created, "2026-11-22T00:00:00Z");
  auto reqs = srv.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "GET");
  EXPECT_EQ(reqs[0].target, "/api/v1/users");
  EXPECT_EQ(reqs[0].header("Authorization"), "Bearer c0ffee");
  EXPECT_EQ(reqs[0].header("Host"), "127.0.0.1:" + std::to_string(srv.port()));
}

TEST(admin_client, add_user_posts_json_body) {
  fake_http_server srv{[](const recorded_request&) {
    return canned_response{201, alice};
  }};
  auto api = make_client(srv);
  ivm::admin::new_user u{"201", "Alice", "s3cret", std::string{"alice"}, false};
  auto r = api.add_user(u);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->body, alice);
  auto req = srv.requests().at(0);
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.target, "/api/v1/users");
  EXPECT_EQ(req.header("Content-Type"), "application/json");
  EXPECT_EQ(req.body, R"({"enabled":false,"extension":"201","name":"Alice",)"
                      R"("password":"s3cret","username":"alice"})");
}

TEST(admin_client, update_sends_only_the_changed_members) {
  fake_http_server srv{[](const recorded_request&) {
    return canned_response{200, alice};
  }};
  auto api = make_client(srv);
  ivm::admin::user_update changes;
  changes.enabled = true;
  ASSERT_TRUE(api.update_user("201", changes).has_value());
  auto req = srv.requests().at(0);
  EXPECT_EQ(req.method, "PATCH");
  EXPECT_EQ(req.target, "/api/v1/users/201");
  EXPECT_EQ(req.body, R"({"enabled":true})");
}

TEST(admin_client, path_segments_are_percent_encoded) {
  fake_http_server srv{[](const recorded_request&) {
    return canned_response{204, {}};
  }};
  auto api = make_client(srv);
  ASSERT_TRUE(api.delete_group("sales team/eu").has_value());
  ASSERT_TRUE(api.delete_user("..").has_value());
  auto reqs = srv.requests();
  EXPECT_EQ(reqs.at(0).method, "DELETE");
  EXPECT_EQ(reqs.at(0).target, "/api/v1/groups/sales%20team%2Feu");
  EXPECT_EQ(reqs.at(1).target, "/api/v1/users/%2E%2E");
}

TEST(admin_client, chunked_group_list_is_reassembled) {
  fake_http_server srv{[](const recorded_request&) {
    canned_response r{200, R"({"groups":[{"name":"sales","extension":"600",)"
                           R"("members":["201","202"]}]})"};
    r.chunked = true;
    return r;
  }};
  auto api = make_client(srv);
  auto r = api.list_groups();
  ASSERT_TRUE(r.has_value()) << r.error().message;
  ASSERT_EQ(r->value.size(), 1u);
  EXPECT_EQ(r->value[0].extension, "600");
  EXPECT_EQ(r->value[0].members, (std::vector<std::string>{"201", "202"}));
}

TEST(admin_client, error_status_carries_message_and_field) {
  fake_http_server srv{[](const recorded_request&) {
    return canned_response{
        409, R"({"error":"extension already exists","field":"extension"})"};
  }};
  auto api = make_client(srv);
  auto r = api.add_user({"201", "Alice", "x", std::nullopt, true});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().what, api_error::kind::rejected);
  EXPECT_EQ(r.error().status, 409);
  EXPECT_EQ(to_string(r.error()),
            "extension already exists (field: extension)");
}

TEST(admin_client, error_status_without_json_names_the_status) {
  fake_http_server srv{[](const recorded_request&) {
    return canned_response{404, "nope"};
  }};
  auto api = make_client(srv);
  auto r = api.get_user("299");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().what, api_error::kind::rejected);
  EXPECT_EQ(r.error().message, "HTTP 404 Not Found");
}

TEST(admin_client, non_json_success_is_a_bad_response) {
  fake_http_server srv{[](const recorded_request&) {
    return canned_response{200, "<html>hello</html>"};
  }};
  auto api = make_client(srv);
  auto r = api.list_users();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().what, api_error::kind::bad_response);
}

TEST(admin_client, user_without_extension_is_a_bad_response) {
  fake_http_server srv{[](const recorded_request&) {
    return canned_response{200, R"({"name":"Alice"})"};
  }};
  auto api = make_client(srv);
  auto r = api.get_user("201");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().what, api_error::kind::bad_response);
  EXPECT_NE(r.error().message.find("extension"), std::string::npos);
}

TEST(admin_client, closed_port_is_unreachable) {
  auto ep = ivm::admin::parse_url("http://127.0.0.1:" +
                                  std::to_string(ivm::test::unused_port()));
  ASSERT_TRUE(ep.has_value());
  ep->token = "t";
  ivm::admin::client api{*ep};
  auto r = api.list_users();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().what, api_error::kind::unreachable);
  EXPECT_EQ(r.error().message, "Connection refused");
}

TEST(admin_client, silent_server_times_out_instead_of_hanging) {
  fake_http_server srv{[](const recorded_request&) {
    canned_response r;
    r.hang = true;
    return r;
  }};
  auto api = make_client(srv, {1000ms, 100ms});
  auto r = api.list_users();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().what, api_error::kind::unreachable);
  EXPECT_EQ(r.error().message,
            "timed out after 100 ms waiting for the response");
}

TEST(admin_client, connection_closed_mid_body_is_reported) {
  fake_http_server srv{[](const recorded_request&) {
    canned_response r;
    r.raw = "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{\"users\":";
    return r;
  }};
  auto api = make_client(srv);
  auto r = api.list_users();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().what, api_error::kind::unreachable);
  EXPECT_EQ(r.error().message,
            "bad HTTP response: connection closed inside the response body");
}

} // namespace
