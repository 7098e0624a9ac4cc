// URL parsing, path-segment encoding, admin.json and the precedence of
// --url/--token over admin.json.

#include <cstdio>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "appliance/ctl/settings.hpp"
#include "console/client/endpoint.hpp"

namespace {

using ivm::admin::encode_path_segment;
using ivm::admin::parse_url;

/// A fresh directory under the test temp dir.
std::string make_temp_dir() {
  std::string tmpl = ::testing::TempDir() + "ivmctl-XXXXXX";
  auto* dir = ::mkdtemp(tmpl.data());
  EXPECT_NE(dir, nullptr);
  return tmpl;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream{path} << text;
}

TEST(endpoint, parse_url_accepts_host_port_and_prefix) {
  auto ep = parse_url("http://127.0.0.1:8080");
  ASSERT_TRUE(ep.has_value()) << ep.error();
  EXPECT_EQ(ep->host, "127.0.0.1");
  EXPECT_EQ(ep->port, 8080);
  EXPECT_EQ(ep->base_path, "");

  ep = parse_url("http://localhost/ivm/");
  ASSERT_TRUE(ep.has_value()) << ep.error();
  EXPECT_EQ(ep->host, "localhost");
  EXPECT_EQ(ep->port, 80);
  EXPECT_EQ(ep->base_path, "/ivm");

  ep = parse_url("http://[::1]:9000");
  ASSERT_TRUE(ep.has_value()) << ep.error();
  EXPECT_EQ(ep->host, "::1");
  EXPECT_EQ(ep->port, 9000);
}

TEST(endpoint, parse_url_accepts_https_with_port_443_by_default) {
  auto ep = parse_url("https://192.0.2.1");
  ASSERT_TRUE(ep.has_value()) << ep.error();
  EXPECT_TRUE(ep->tls);
  EXPECT_EQ(ep->host, "192.0.2.1");
  EXPECT_EQ(ep->port, 443);

  ep = parse_url("https://box.example:8443/ivm/");
  ASSERT_TRUE(ep.has_value()) << ep.error();
  EXPECT_TRUE(ep->tls);
  EXPECT_EQ(ep->host, "box.example");
  EXPECT_EQ(ep->port, 8443);
  EXPECT_EQ(ep->base_path, "/ivm");

  ep = parse_url("https://[2001:db8::1]:9443");
  ASSERT_TRUE(ep.has_value()) << ep.error();
  EXPECT_TRUE(ep->tls);
  EXPECT_EQ(ep->host, "2001:db8::1");
  EXPECT_EQ(ep->port, 9443);

  ep = parse_url("http://127.0.0.1:8080");
  ASSERT_TRUE(ep.has_value()) << ep.error();
  EXPECT_FALSE(ep->tls);
}

TEST(endpoint, parse_url_rejects_what_it_cannot_use) {
  for (auto url :
       {"ftp://127.0.0.1:8443", "127.0.0.1:8080", "http://", "https://",
        "http://h:0", "http://h:65536", "http://h:", "https://h:", "http://h:x",
        "http://[::1", "http://u@h:1", "https://u@h", "http://h/p?q=1"})
    EXPECT_FALSE(parse_url(url).has_value()) << url;
  EXPECT_EQ(parse_url("ftp://h").error(),
            "invalid URL 'ftp://h': expected http://host[:port] or "
            "https://host[:port]");
}

TEST(endpoint, fingerprint_option_is_checked_and_normalized) {
  ivm::ctl::global_options opts;
  opts.url = "https://192.0.2.1:8443";
  opts.token = "t0k";
  opts.fingerprint = std::string(63, 'a') + "B";
  auto ep = ivm::ctl::resolve_endpoint(opts);
  ASSERT_TRUE(ep.has_value()) << ep.error();
  EXPECT_EQ(ep->fingerprint, std::string(63, 'a') + "b");
  opts.fingerprint = "AB:CD";
  ep = ivm::ctl::resolve_endpoint(opts);
  ASSERT_FALSE(ep.has_value());
  EXPECT_EQ(ep.error(), "invalid --fingerprint: expected the certificate's "
                        "SHA-256 as 64 hex digits (colons allowed)");
}

TEST(endpoint, path_segments_are_percent_encoded) {
  EXPECT_EQ(encode_path_segment("201"), "201");
  EXPECT_EQ(encode_path_segment("sales-team_1.x~"), "sales-team_1.x~");
  EXPECT_EQ(encode_path_segment("a b/c?d#e%"), "a%20b%2Fc%3Fd%23e%25");
  EXPECT_EQ(encode_path_segment("caf\xc3\xa9"), "caf%C3%A9");
  EXPECT_EQ(encode_path_segment("."), "%2E");
  EXPECT_EQ(encode_path_segment(".."), "%2E%2E");
}

TEST(endpoint, admin_file_is_read_and_checked) {
  auto dir = make_temp_dir();
  write_file(dir + "/good.json",
             R"({"url":"http://127.0.0.1:8080","token":"ab12"})");
  write_file(dir + "/bad.json", "{not json");
  write_file(dir + "/notoken.json", R"({"url":"http://127.0.0.1:8080"})");
  auto good = ivm::admin::load_admin_file(dir + "/good.json");
  ASSERT_TRUE(good.has_value()) << good.error();
  EXPECT_EQ(good->url, "http://127.0.0.1:8080");
  EXPECT_EQ(good->token, "ab12");
  EXPECT_EQ(ivm::admin::load_admin_file(dir + "/bad.json").error(),
            dir + "/bad.json is not a JSON object");
  EXPECT_EQ(ivm::admin::load_admin_file(dir + "/notoken.json").error(),
            dir + "/notoken.json has no \"token\" string");
  EXPECT_EQ(ivm::admin::load_admin_file(dir + "/missing.json").error(),
            "cannot read " + dir + "/missing.json: No such file or directory");
}

TEST(settings, flags_override_admin_file) {
  auto dir = make_temp_dir();
  write_file(dir + "/admin.json",
             R"({"url":"http://127.0.0.1:8080","token":"fromfile"})");
  ivm::ctl::global_options opts;
  opts.data_dir = dir + "/";
  auto ep = ivm::ctl::resolve_endpoint(opts);
  ASSERT_TRUE(ep.has_value()) << ep.error();
  EXPECT_EQ(ep->port, 8080);
  EXPECT_EQ(ep->token, "fromfile");

  opts.token = "fromflag";
  ep = ivm::ctl::resolve_endpoint(opts);
  ASSERT_TRUE(ep.has_value()) << ep.error();
  EXPECT_EQ(ep->token, "fromflag");
  EXPECT_EQ(ep->port, 8080);

  // Both given: admin.json is not needed at all.
  opts.data_dir = dir + "/nowhere";
  opts.url = "http://127.0.0.1:9";
  ep = ivm::ctl::resolve_endpoint(opts);
  ASSERT_TRUE(ep.has_value()) << ep.error();
  EXPECT_EQ(ep->port, 9);
}

TEST(settings, missing_admin_file_says_what_to_do) {
  ivm::ctl::global_options opts;
  opts.data_dir = make_temp_dir();
  auto ep = ivm::ctl::resolve_endpoint(opts);
  ASSERT_FALSE(ep.has_value());
  EXPECT_EQ(ep.error(), "cannot read " + opts.data_dir +
                            "/admin.json: No such file or directory (is the "
                            "appliance running? pass --data-dir, or --url and "
                            "--token)");
}

TEST(settings, token_with_spaces_is_refused) {
  ivm::ctl::global_options opts;
  opts.url = "http://127.0.0.1:8080";
  opts.token = "a b\r\nX-Evil: 1";
  EXPECT_FALSE(ivm::ctl::resolve_endpoint(opts).has_value());
}

} // namespace
