// The pin store of the box's HTTPS certificate (trust on first use, like
// ssh's known_hosts): parsing, recording, and refusing a changed
// certificate.

#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "console/client/pin_store.hpp"

namespace {

using namespace ivm::admin;

const std::string fp_a(64, 'a');
const std::string fp_b =
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

std::string make_temp_dir() {
  std::string tmpl = ::testing::TempDir() + "pins-XXXXXX";
  auto* dir = ::mkdtemp(tmpl.data());
  EXPECT_NE(dir, nullptr);
  return tmpl;
}

std::string read_file(const std::string& path) {
  std::ifstream in{path};
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

TEST(pin_store, fingerprints_are_normalized_from_openssl_or_plain_hex) {
  // As `openssl x509 -noout -fingerprint -sha256` prints it.
  auto colons = display_fingerprint(fp_b);
  EXPECT_EQ(colons.substr(0, 12), "01:23:45:67:");
  EXPECT_EQ(colons.size(), 95u);
  EXPECT_EQ(normalize_fingerprint(colons), fp_b);
  EXPECT_EQ(normalize_fingerprint(" " + fp_b + "\r"), fp_b);
  EXPECT_EQ(normalize_fingerprint(std::string(64, 'A')), fp_a);
  EXPECT_FALSE(normalize_fingerprint(std::string(62, 'a')));
  EXPECT_FALSE(normalize_fingerprint(std::string(66, 'a')));
  EXPECT_FALSE(normalize_fingerprint(std::string(63, 'a') + "g"));
  EXPECT_FALSE(normalize_fingerprint(""));
}

TEST(pin_store, keys_bracket_ipv6_literals) {
  EXPECT_EQ(pin_key("192.0.2.1", 8443), "192.0.2.1:8443");
  EXPECT_EQ(pin_key("box.example", 443), "box.example:443");
  EXPECT_EQ(pin_key("2001:db8::1", 443), "[2001:db8::1]:443");
}

TEST(pin_store, parse_skips_comments_blank_and_malformed_lines) {
  auto entries = parse_pins("# known boxes\n"
                            "\n"
                            "192.0.2.1:8443 " +
                            fp_a +
                            "\n"
                            "garbage\n"
                            "192.0.2.2:8443 not-a-fingerprint\n"
                            "nohostport " +
                            fp_a + "\n  [2001:db8::1]:443\t" +
                            display_fingerprint(fp_b) + "\r\n");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].key, "192.0.2.1:8443");
  EXPECT_EQ(entries[0].fingerprint, fp_a);
  EXPECT_EQ(entries[0].line, 3);
  EXPECT_EQ(entries[1].key, "[2001:db8::1]:443");
  EXPECT_EQ(entries[1].fingerprint, fp_b);
  EXPECT_EQ(entries[1].line, 7);
}

TEST(pin_store, decide_compares_with_the_first_line_of_the_key) {
  auto entries = parse_pins("192.0.2.1:8443 " + fp_a + "\n192.0.2.1:9443 " +
                            fp_b + "\n192.0.2.1:8443 " + fp_b + "\n");
  EXPECT_EQ(decide_pin(entries, "192.0.2.1:8443", fp_a).verdict,
            pin_verdict::matches);
  auto d = decide_pin(entries, "192.0.2.1:8443", fp_b);
  EXPECT_EQ(d.verdict, pin_verdict::differs);
  EXPECT_EQ(d.entry.line, 1);
  EXPECT_EQ(decide_pin(entries, "192.0.2.1:9443", fp_b).verdict,
            pin_verdict::matches);
  EXPECT_EQ(decide_pin(entries, "192.0.2.9:8443", fp_a).verdict,
            pin_verdict::unknown);
}

TEST(pin_store, first_use_records_then_matches_then_refuses_a_change) {
  auto file = make_temp_dir() + "/ivm/sub/known-boxes";
  auto first = check_pin(file, "192.0.2.1:8443", fp_a);
  ASSERT_TRUE(first.has_value()) << first.error();
  EXPECT_EQ(*first, "first connection to 192.0.2.1:8443: pinned certificate "
                    "SHA-256 " +
                        display_fingerprint(fp_a) + " (in " + file + ")");
  EXPECT_EQ(read_file(file), "192.0.2.1:8443 " + fp_a + "\n");
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  // The second time: silently accepted, nothing added.
  auto again = check_pin(file, "192.0.2.1:8443", fp_a);
  ASSERT_TRUE(again.has_value()) << again.error();
  EXPECT_EQ(*again, "");
  EXPECT_EQ(read_file(file), "192.0.2.1:8443 " + fp_a + "\n");

  // Another box gets its own line.
  ASSERT_TRUE(check_pin(file, "192.0.2.2:8443", fp_b).has_value());
  EXPECT_EQ(read_file(file),
            "192.0.2.1:8443 " + fp_a + "\n192.0.2.2:8443 " + fp_b + "\n");

  // A changed certificate: refused, both fingerprints and the fix named,
  // the file left alone.
  auto changed = check_pin(file, "192.0.2.1:8443", fp_b);
  ASSERT_FALSE(changed.has_value());
  EXPECT_EQ(changed.error(),
            "the certificate of 192.0.2.1:8443 has changed: it now has "
            "SHA-256 " +
                display_fingerprint(fp_b) + ", but " + file +
                " line 1 pins SHA-256 " + display_fingerprint(fp_a) +
                "; nothing was sent. If the box's certificate was replaced "
                "on purpose, remove the line '192.0.2.1:8443 ...' from " +
                file + " (or pass --fingerprint)");
  EXPECT_EQ(read_file(file),
            "192.0.2.1:8443 " + fp_a + "\n192.0.2.2:8443 " + fp_b + "\n");
}

TEST(pin_store, a_file_without_final_newline_gets_one_before_the_pin) {
  auto file = make_temp_dir() + "/known-boxes";
  std::ofstream{file} << "# mine";
  ASSERT_TRUE(check_pin(file, "h:1", fp_a).has_value());
  EXPECT_EQ(read_file(file), "# mine\nh:1 " + fp_a + "\n");
}

TEST(pin_store, an_unwritable_store_is_an_error_not_a_silent_trust) {
  auto dir = make_temp_dir();
  // A regular file where the directory should be.
  std::ofstream{dir + "/ivm"} << "x";
  auto r = check_pin(dir + "/ivm/known-boxes", "h:1", fp_a);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().find("cannot"), std::string::npos) << r.error();
  EXPECT_FALSE(check_pin("", "h:1", fp_a).has_value());
}

TEST(pin_store, default_file_follows_xdg_then_home) {
  auto* old_xdg = std::getenv("XDG_CONFIG_HOME");
  auto* old_home = std::getenv("HOME");
  std::string saved_xdg = old_xdg ? old_xdg : "";
  std::string saved_home = old_home ? old_home : "";
  ::setenv("XDG_CONFIG_HOME", "/x/conf", 1);
  ::setenv("HOME", "/home/me", 1);
  EXPECT_EQ(default_pin_file(), "/x/conf/ivm/known-boxes");
  ::unsetenv("XDG_CONFIG_HOME");
  EXPECT_EQ(default_pin_file(), "/home/me/.config/ivm/known-boxes");
  if (old_xdg)
    ::setenv("XDG_CONFIG_HOME", saved_xdg.c_str(), 1);
  if (old_home)
    ::setenv("HOME", saved_home.c_str(), 1);
  else
    ::unsetenv("HOME");
}

} // namespace
