// appliance/main/settings: defaults, file, flags, and clear errors.

#include <filesystem>
#include <fstream>
#include <unistd.h>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "appliance/main/settings.hpp"

using namespace ivm;

namespace {

std::filesystem::path write_file(const std::string& text) {
  auto p = std::filesystem::temp_directory_path() /
           ("ivm-settings-" + std::to_string(getpid()) + ".toml");
  std::ofstream{p} << text;
  return p;
}

TEST(settings, embedded_defaults) {
  app::settings s;
  EXPECT_EQ(s.data_dir, "./var");
  EXPECT_EQ(net::to_string(s.sip.listen), "127.0.0.1:5060");
  EXPECT_EQ(net::to_string(s.admin.listen), "127.0.0.1:8080");
  EXPECT_EQ(s.domain, "127.0.0.1");
}

TEST(settings, file_overrides_defaults) {
  auto p = write_file("domain = \"example.org\"\n[sip]\nlisten = "
                      "\"127.0.0.2:5070\"\nt1_ms = 250\n[admin]\nlisten = "
                      "\"127.0.0.1:9090\"\n");
  auto s = app::load_file(p);
  std::filesystem::remove(p);
  ASSERT_TRUE(s) << s.error().what;
  EXPECT_EQ(s->domain, "example.org");
  EXPECT_EQ(s->sip.listen.port, 5070);
  EXPECT_EQ(s->sip.t1.count(), 250);
  EXPECT_EQ(s->admin.listen.port, 9090);
}

TEST(settings, unknown_key_is_named) {
  auto p = write_file("[sip]\nlisten_port = 5060\n");
  auto s = app::load_file(p);
  std::filesystem::remove(p);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().what.find("sip.listen_port: unknown key"),
            std::string::npos)
      << s.error().what;
}

TEST(settings, bad_port_is_named) {
  app::settings s;
  auto e = app::apply(s, "admin.listen", "127.0.0.1:70000");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->what.rfind("admin.listen: ", 0), 0u);
  EXPECT_EQ(s.admin.listen.port, 8080) << "a failed apply changes nothing";
}

TEST(settings, syntax_error_names_the_line) {
  auto p = write_file("domain = \"a\"\n[sip\n");
  auto s = app::load_file(p);
  std::filesystem::remove(p);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().what.find(":2:"), std::string::npos) << s.error().what;
}

TEST(settings, wrong_type_and_bad_level) {
  app::settings s;
  EXPECT_TRUE(app::apply(s, "log_level", "loud"));
  EXPECT_TRUE(app::apply(s, "sip.t1_ms", "fast"));
  EXPECT_FALSE(app::apply(s, "log_level", "debug"));
}

TEST(settings, unwritable_data_dir) {
  app::settings s;
  auto f = write_file("x");
  s.data_dir = f / "sub"; // below a regular file
  auto e = app::validate(s);
  std::filesystem::remove(f);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->what.rfind("data_dir: ", 0), 0u) << e->what;
}

// The data dir holds digest hashes and message texts: one other accounts
// can enter is refused, unless the admin says so.
TEST(settings, shared_data_dir_is_refused) {
  namespace fs = std::filesystem;
  auto dir = fs::temp_directory_path() /
             ("ivm-settings-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  app::settings s;
  s.data_dir = dir;
  fs::permissions(dir, fs::perms::owner_all | fs::perms::group_read |
                           fs::perms::group_exec | fs::perms::others_read |
                           fs::perms::others_exec);
  auto e = app::validate(s);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->what.rfind("data_dir: ", 0), 0u) << e->what;
  EXPECT_NE(e->what.find("0755"), std::string::npos) << e->what;
  EXPECT_NE(e->what.find("chmod"), std::string::npos) << e->what;
  fs::permissions(dir, fs::perms::owner_all | fs::perms::others_write);
  EXPECT_TRUE(app::validate(s)); // writable by others: worse
  EXPECT_FALSE(app::apply(s, "allow_shared_data_dir", "true"));
  EXPECT_FALSE(app::validate(s));
  EXPECT_TRUE(app::apply(s, "allow_shared_data_dir", "maybe"));
  s.allow_shared_data_dir = false;
  fs::permissions(dir, fs::perms::owner_all);
  EXPECT_FALSE(app::validate(s));
  s.data_dir = dir / "new" / "var"; // made by the box, 0700
  EXPECT_FALSE(app::validate(s));
  fs::remove_all(dir);
}

TEST(settings, to_toml_round_trips) {
  app::settings s;
  s.domain = "box.example";
  s.sip.listen = {"127.0.0.3", 5999};
  auto p = write_file(app::to_toml(s));
  auto back = app::load_file(p);
  std::filesystem::remove(p);
  ASSERT_TRUE(back) << back.error().what;
  EXPECT_EQ(back->domain, "box.example");
  EXPECT_EQ(back->sip.listen, s.sip.listen);
}

} // namespace

namespace {

TEST(settings, mail) {
  auto p = write_file("[mail]\nsmarthost = \"mail.office.example:25\"\n"
                      "security = \"none\"\nfrom = \"ivm@office.example\"\n"
                      "voice_format = \"wav\"\nretry_s = 10\n");
  auto s = app::load_file(p);
  std::filesystem::remove(p);
  ASSERT_TRUE(s) << s.error().what;
  EXPECT_TRUE(s->mail.enabled());
  EXPECT_EQ(s->mail.host, "mail.office.example");
  EXPECT_EQ(s->mail.port, 25);
  EXPECT_EQ(s->mail.security, mail::smtp_settings::security::none);
  EXPECT_EQ(s->mail.voice_format, "wav");
  EXPECT_EQ(s->mail.retry_first.count(), 10);
  app::settings d;
  EXPECT_FALSE(d.mail.enabled()); // no mail unless configured
  EXPECT_EQ(d.mail.security, mail::smtp_settings::security::starttls);
  EXPECT_FALSE(app::apply(d, "mail.smarthost", "[2001:db8::25]:587"));
  EXPECT_EQ(d.mail.host, "2001:db8::25");
  EXPECT_FALSE(app::apply(d, "mail.smarthost", "smtp.example"));
  EXPECT_EQ(d.mail.host, "smtp.example");
  EXPECT_EQ(d.mail.port, 587);
}

TEST(settings, bad_mail_settings_name_the_key_and_change_nothing) {
  app::settings s;
  auto before = app::to_toml(s);
  for (auto [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"mail.smarthost", "a b"},
           {"mail.smarthost", "host:99999"},
           {"mail.smarthost", "[::1"},
           {"mail.security", "ssl"},
           {"mail.from", "not an address"},
           {"mail.voice_format", "mp3"},
           {"mail.retry_s", "0"},
           {"mail.nope", "1"}}) {
    auto e = app::apply(s, key, value);
    ASSERT_TRUE(e) << key << " = " << value;
    EXPECT_EQ(e->what.rfind(key + ": ", 0), 0u) << e->what;
  }
  EXPECT_EQ(app::to_toml(s), before);
  // Together: a login only over TLS, both halves of it.
  s.mail.host = "smtp.example";
  s.mail.username = "box";
  auto e = app::validate(s);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->what.rfind("mail.password: ", 0), 0u) << e->what;
  s.mail.password = "x";
  s.mail.security = mail::smtp_settings::security::none;
  e = app::validate(s);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->what.rfind("mail.security: ", 0), 0u) << e->what;
  // The password is not shown.
  s.mail.security = mail::smtp_settings::security::starttls;
  EXPECT_EQ(app::to_toml(s).find("\"x\""), std::string::npos);
}

} // namespace

TEST(settings, prompt_language) {
  app::settings s;
  EXPECT_EQ(s.voice.language, "en");
  EXPECT_FALSE(app::apply(s, "voice.language", "de"));
  EXPECT_EQ(s.voice.language, "de");
  auto e = app::apply(s, "voice.language", "tlh");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->what.rfind("voice.language: ", 0), 0u) << e->what;
  EXPECT_EQ(s.voice.language, "de") << "a failed apply changes nothing";
  auto p = write_file("[voice]\nlanguage = \"fr\"\n");
  auto f = app::load_file(p);
  std::filesystem::remove(p);
  ASSERT_TRUE(f) << f.error().what;
  EXPECT_EQ(f->voice.language, "fr");
}
