// appliance/directory/devices: the device API's semantics, the phones' own
// credentials, sightings of unassigned phones.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "appliance/directory/authenticator.hpp"
#include "appliance/directory/directory.hpp"
#include "appliance/sip/digest/algorithm.hpp"
#include "appliance/sip/parser.hpp"

using namespace ivm;
using json = nlohmann::json;

namespace {

std::string md5(const std::string& s) {
  return sip::digest::hash_hex(sip::digest::algorithm::md5, s);
}

class devices_test : public ::testing::Test {
protected:
  devices_test() {
    for (auto [ext, name] : {std::pair{"201", "Alice"}, {"202", "Bob"}}) {
      directory::account a;
      a.extension = a.username = ext;
      a.display_name = name;
      directory::set_password(a, "user-pw", "box.example");
      dir.load(a);
    }
    crypto.new_password = [this] { return "pw" + std::to_string(++passwords); };
    crypto.seal = [](std::string_view pw, std::string_view mac) {
      return "sealed(" + std::string{pw} + "," + std::string{mac} + ")";
    };
  }

  directory::device_outcome call(const std::string& method,
                                 const std::string& rest,
                                 const std::string& body = "") {
    auto out =
        dir.devices().handle(method, rest, body, 1700000000, dir, crypto);
    if (out.status < 300)
      dir.devices().commit(out, dir.realm());
    return out;
  }

  static json body(const directory::device_outcome& out) {
    return json::parse(out.body);
  }

  // A REGISTER of `ext` with digest credentials `user`/`pw`.
  directory::authenticator::outcome register_as(const std::string& ext,
                                                const std::string& user,
                                                const std::string& pw) {
    auto first =
        sip::parse("REGISTER sip:box.example SIP/2.0\r\nVia: SIP/2.0/UDP "
                   "h;branch=z9hG4bK-0\r\nFrom: <sip:" +
                   ext + "@box.example>;tag=1\r\nTo: <sip:" + ext +
                   "@box.example>\r\nCall-ID: a\r\nCSeq: 1 REGISTER\r\n"
                   "Content-Length: 0\r\n\r\n");
    auto ch = auth.check(*first, false, dir, "127.0.0.9", now);
    auto& v = ch.headers.at(0).second;
    auto pos = v.find("nonce=\"") + 7;
    auto nonce = v.substr(pos, v.find('"', pos) - pos);
    auto ha1 = md5(user + ":box.example:" + pw);
    auto resp = md5(ha1 + ":" + nonce +
                    ":00000001:c0:auth:" + md5("REGISTER:sip:box.example"));
    auto m =
        sip::parse("REGISTER sip:box.example SIP/2.0\r\nVia: SIP/2.0/UDP "
                   "h;branch=z9hG4bK-1\r\nFrom: <sip:" +
                   ext + "@box.example>;tag=1\r\nTo: <sip:" + ext +
                   "@box.example>\r\nCall-ID: a\r\nCSeq: 2 REGISTER\r\n"
                   "Authorization: Digest username=\"" +
                   user + "\", realm=\"box.example\", nonce=\"" + nonce +
                   "\", uri=\"sip:box.example\", response=\"" + resp +
                   "\", algorithm=MD5, qop=auth, nc=00000001, cnonce=\"c0\"\r\n"
                   "Content-Length: 0\r\n\r\n");
    return auth.check(*m, false, dir, "127.0.0.9", now);
  }

  directory::directory dir{"box.example"};
  directory::device_crypto crypto;
  int passwords = 0;
  directory::authenticator auth{"box.example"};
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
};

TEST_F(devices_test, a_device_gets_its_own_credentials_once_shown) {
  auto out = call("POST", "",
                  R"({"mac":"00:15:65:12:34:56","user":"201","model":"T46S"})");
  ASSERT_EQ(out.status, 201) << out.body;
  auto b = body(out);
  EXPECT_EQ(b["mac"], "001565123456");
  EXPECT_EQ(b["vendor"], "yealink"); // from the OUI
  EXPECT_EQ(b["sip_auth_user"], "dev+001565123456");
  EXPECT_EQ(b["sip_password"], "pw1");
  // Stored sealed, never in clear; GET never shows it.
  EXPECT_EQ(out.batch.size(), 1u);
  auto shown = call("GET", "/00-15-65-12-34-56");
  ASSERT_EQ(shown.status, 200);
  EXPECT_EQ(shown.body.find("pw1"), std::string::npos);
  EXPECT_EQ(call("GET", "").body.find("pw1"), std::string::npos);
  auto cfg = dir.devices().config_of("001565123456", dir);
  ASSERT_TRUE(cfg);
  EXPECT_EQ(cfg->auth_user, "dev+001565123456");
  EXPECT_EQ(cfg->auth_password, "pw1");
  EXPECT_EQ(cfg->extension, "201");
  EXPECT_EQ(cfg->display_name, "Alice");
}

TEST_F(devices_test, device_credentials_register_as_its_user_only) {
  call("POST", "", R"({"mac":"001565123456","user":"201"})");
  auto ok = register_as("201", "dev+001565123456", "pw1");
  ASSERT_NE(ok.user, nullptr) << ok.why;
  EXPECT_EQ(ok.user->extension, "201");
  EXPECT_EQ(ok.device, "001565123456");
  // The user's own password still works and names no device.
  auto own = register_as("201", "201", "user-pw");
  ASSERT_NE(own.user, nullptr);
  EXPECT_TRUE(own.device.empty());
  EXPECT_EQ(register_as("201", "dev+001565123456", "wrong").code, 403);
}

TEST_F(devices_test, deleting_or_moving_a_device_revokes_its_credentials) {
  call("POST", "", R"({"mac":"001565123456","user":"201"})");
  auto moved = call("PATCH", "/001565123456", R"({"user":"202"})");
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(body(moved)["sip_password"], "pw2");
  ASSERT_EQ(moved.revoked.size(), 1u);
  EXPECT_EQ(moved.revoked[0].first, "201");
  EXPECT_EQ(register_as("202", "dev+001565123456", "pw1").code, 403);
  auto ok = register_as("202", "dev+001565123456", "pw2");
  ASSERT_NE(ok.user, nullptr);
  EXPECT_EQ(ok.user->extension, "202");
  auto gone = call("DELETE", "/001565123456");
  EXPECT_EQ(gone.status, 204);
  EXPECT_EQ(register_as("202", "dev+001565123456", "pw2").code, 403);
  EXPECT_EQ(call("GET", "/001565123456").status, 404);
}

TEST_F(devices_test, a_change_asks_the_phone_to_sync_without_new_secrets) {
  call("POST", "", R"({"mac":"001565123456","user":"201"})");
  auto out = call("PATCH", "/001565123456",
                  R"({"line_keys":[{"extension":"202"}],"label":"desk 4"})");
  ASSERT_EQ(out.status, 200) << out.body;
  EXPECT_FALSE(body(out).contains("sip_password"));
  ASSERT_EQ(out.check_sync.size(), 1u);
  EXPECT_TRUE(out.revoked.empty());
  auto cfg = dir.devices().config_of("001565123456", dir);
  ASSERT_EQ(cfg->line_keys.size(), 1u);
  EXPECT_EQ(cfg->line_keys[0].label, "Bob");
  EXPECT_EQ(cfg->auth_password, "pw1");
}

TEST_F(devices_test, bad_input_is_refused_and_changes_nothing) {
  struct bad {
    const char* body;
    int status;
    const char* field;
  };
  for (
      auto& c : {
          bad{R"({"user":"201"})", 400, "mac"},
          bad{R"({"mac":"zz:15:65:12:34:56","user":"201"})", 400, "mac"},
          bad{R"({"mac":"001565123456"})", 400, "user"},
          bad{R"({"mac":"001565123456","user":"999"})", 400, "user"},
          bad{R"({"mac":"001565123456","user":"201","vendor":"acme"})", 400,
              "vendor"},
          bad{R"({"mac":"0a0b0c0d0e0f","user":"201"})", 400, "vendor"},
          bad{R"({"mac":"001565123456","user":"201","line_keys":[{"extension":"7"}]})",
              400, "line_keys"},
          bad{R"({"mac":"001565123456","user":"201","firmware":"../x"})", 400,
              "firmware"},
          bad{R"({"mac":"001565123456","user":"201","pin":"1"})", 400, "pin"},
          bad{R"(["x"])", 400, ""},
      }) {
    auto out = call("POST", "", c.body);
    EXPECT_EQ(out.status, c.status) << c.body;
    EXPECT_TRUE(out.batch.empty()) << c.body;
    if (*c.field) {
      EXPECT_EQ(body(out)["field"], c.field) << c.body;
    }
  }
  EXPECT_TRUE(dir.devices().devices().empty());
  call("POST", "", R"({"mac":"001565123456","user":"201"})");
  EXPECT_EQ(
      call("POST", "", R"({"mac":"00:15:65:12:34:56","user":"202"})").status,
      409);
  EXPECT_EQ(call("PUT", "/001565123456", "{}").status, 405);
  EXPECT_EQ(call("GET", "/001565123457").status, 404);
  EXPECT_EQ(call("GET", "/garbage").status, 404);
}

TEST_F(devices_test, unknown_phones_are_listed_until_assigned) {
  directory::seen_device s;
  s.mac = "0004f2aabbcc";
  s.source = "dhcp";
  s.address = "192.0.2.100";
  s.vendor_class = "Polycom-VVX411";
  ASSERT_TRUE(dir.devices().sighted(s, 100));
  // The same again says nothing new: not stored again.
  EXPECT_FALSE(dir.devices().sighted(s, 110));
  directory::seen_device t;
  t.mac = s.mac;
  t.source = "http";
  t.vendor = "polycom";
  t.model = "VVX_411";
  auto stored = dir.devices().sighted(t, 120);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->vendor_class, "Polycom-VVX411"); // kept from DHCP
  EXPECT_EQ(stored->first_s, 100u);
  auto list = body(call("GET", "/unassigned"));
  ASSERT_EQ(list["unassigned"].size(), 1u);
  EXPECT_EQ(list["unassigned"][0]["model"], "VVX_411");
  // Assigned in one step: vendor and model come from what was seen.
  auto out = call("POST", "", R"({"mac":"0004f2aabbcc","user":"202"})");
  ASSERT_EQ(out.status, 201) << out.body;
  EXPECT_EQ(body(out)["vendor"], "polycom");
  EXPECT_EQ(body(out)["model"], "VVX_411");
  EXPECT_TRUE(body(call("GET", "/unassigned"))["unassigned"].empty());
  // A device is not "seen" any more.
  EXPECT_FALSE(dir.devices().sighted(t, 130));
}

TEST_F(devices_test, a_flood_of_made_up_macs_stays_bounded) {
  for (int i = 0; i < 3000; ++i) {
    directory::seen_device s;
    char mac[13];
    std::snprintf(mac, sizeof(mac), "02%010x", i);
    s.mac = mac;
    dir.devices().sighted(s, 1000 + static_cast<std::uint64_t>(i));
  }
  EXPECT_EQ(dir.devices().seen().size(), directory::device_book::max_seen);
  EXPECT_EQ(dir.devices().seen().count("020000000000"), 0u); // oldest gone
}

} // namespace

TEST_F(devices_test, a_provisioned_phone_shows_its_registration_and_fetches) {
  ASSERT_EQ(
      call("POST", "", R"({"mac":"00:15:65:12:34:56","user":"201"})").status,
      201);
  auto shown = body(call("GET", "/001565123456"));
  EXPECT_EQ(shown["registered"], false);
  EXPECT_EQ(shown["last_fetch"], "");
  EXPECT_EQ(shown["last_registration"], "");
  auto& book = dir.devices();
  book.active("001565123456", "http", "001565123456.cfg", "192.0.2.7",
              "Yealink SIP-T46S", 0, 1699999000);
  // Registered until after the API's clock (1700000000).
  book.active("001565123456", "register", "", "192.0.2.7", "", 1700003600,
              1699999500);
  // Someone else's MAC is no device: nothing is kept for it.
  book.active("0015650000ff", "register", "", "192.0.2.8", "", 1700003600,
              1699999500);
  EXPECT_EQ(book.activity_of("0015650000ff"), nullptr);
  shown = body(call("GET", "/001565123456"));
  EXPECT_EQ(shown["registered"], true);
  EXPECT_EQ(shown["last_fetch_file"], "001565123456.cfg");
  EXPECT_EQ(shown["address"], "192.0.2.7");
  EXPECT_NE(shown["last_fetch"], "");
  EXPECT_NE(shown["last_registration"], "");
  auto listed = body(call("GET", ""));
  EXPECT_EQ(listed["devices"][0]["registered"], true);
  // Unregistered (expires 0), then deleted: its activity goes with it.
  book.active("001565123456", "register", "", "", "", 0, 1699999900);
  EXPECT_EQ(body(call("GET", "/001565123456"))["registered"], false);
  ASSERT_EQ(call("DELETE", "/001565123456").status, 204);
  EXPECT_EQ(book.activity_of("001565123456"), nullptr);
}
