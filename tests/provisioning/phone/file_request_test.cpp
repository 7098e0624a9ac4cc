#include "provisioning/phone/file_request.hpp"

#include <gtest/gtest.h>

#include <string>

#include "provisioning/phone/user_agent.hpp"

using namespace ivm::provisioning;
using namespace ivm::provisioning::phone;

namespace {

std::string mac_text(const std::optional<mac_address>& mac) {
  return mac ? mac->to_string() : std::string{};
}

struct name_row {
  const char* path;
  vendor expected_vendor;
  file_kind expected_kind;
  const char* expected_mac; // "" for none
  const char* expected_model = "";
  const char* expected_code = "";
};

// File names real phones ask for (STACK-NOTES "What phones fetch", the
// vendors' provisioning guides), without a User-Agent: what TFTP sees.
const name_row name_table[] = {
    // Cisco: option 150, trust lists first (answered "not found").
    {"SEP001122AABBCC.cnf.xml", vendor::cisco, file_kind::device_config,
     "00:11:22:aa:bb:cc"},
    {"/SEP001122aabbcc.CNF.XML", vendor::cisco, file_kind::device_config,
     "00:11:22:aa:bb:cc"},
    {"sep001122aabbcc.cnf.xml", vendor::cisco, file_kind::device_config,
     "00:11:22:aa:bb:cc"},
    {"CTLSEP001122AABBCC.tlv", vendor::cisco, file_kind::security,
     "00:11:22:aa:bb:cc"},
    {"ITLSEP001122AABBCC.tlv", vendor::cisco, file_kind::security,
     "00:11:22:aa:bb:cc"},
    {"ITLFile.tlv", vendor::cisco, file_kind::security, ""},
    {"CTLFile.tlv", vendor::cisco, file_kind::security, ""},
    {"SEP001122AABBCC.cnf.xml.sgn", vendor::cisco, file_kind::security,
     "00:11:22:aa:bb:cc"},
    {"XMLDefault.cnf.xml", vendor::cisco, file_kind::common_config, ""},
    {"/xmldefault.CNF.xml", vendor::cisco, file_kind::common_config, ""},
    {"SIP88xx.12-8-1-0001-455.loads", vendor::cisco, file_kind::firmware, ""},
    {"sip88xx.12-8-1-0001-455.sbn", vendor::cisco, file_kind::firmware, ""},
    // Polycom: per-phone master, default master, the files they name.
    {"000000000000.cfg", vendor::polycom, file_kind::common_index, ""},
    {"/000000000000.cfg", vendor::polycom, file_kind::common_index, ""},
    {"0004f2aabbcc.cfg", vendor::polycom, file_kind::device_index,
     "00:04:f2:aa:bb:cc"},
    {"0004F2AABBCC.CFG", vendor::polycom, file_kind::device_index,
     "00:04:f2:aa:bb:cc"},
    {"64167f010203.cfg", vendor::polycom, file_kind::device_index,
     "64:16:7f:01:02:03"},
    {"0004f2aabbcc-ivm.cfg", vendor::polycom, file_kind::device_config,
     "00:04:f2:aa:bb:cc"},
    {"0004f2aabbcc-phone.cfg", vendor::polycom, file_kind::not_served,
     "00:04:f2:aa:bb:cc"},
    {"0004f2aabbcc-web.cfg", vendor::polycom, file_kind::not_served,
     "00:04:f2:aa:bb:cc"},
    {"0004f2aabbcc-app.log", vendor::polycom, file_kind::not_served,
     "00:04:f2:aa:bb:cc"},
    {"0004f2aabbcc-directory.xml", vendor::polycom, file_kind::not_served,
     "00:04:f2:aa:bb:cc"},
    {"000000000000-directory.xml", vendor::polycom, file_kind::not_served, ""},
    {"sip.ld", vendor::polycom, file_kind::firmware, ""},
    {"3111-40250-001.sip.ld", vendor::polycom, file_kind::firmware, ""},
    {"bootrom.ld", vendor::polycom, file_kind::firmware, ""},
    // Yealink: boot files, then the model's common file and the MAC's file.
    {"y000000000000.boot", vendor::yealink, file_kind::common_index, ""},
    {"001565aabbcc.boot", vendor::yealink, file_kind::device_index,
     "00:15:65:aa:bb:cc"},
    {"y000000000066.cfg", vendor::yealink, file_kind::common_config, "", "",
     "66"},
    {"Y000000000028.CFG", vendor::yealink, file_kind::common_config, "", "",
     "28"},
    {"001565aabbcc.cfg", vendor::yealink, file_kind::device_config,
     "00:15:65:aa:bb:cc"},
    {"805EC0112233.cfg", vendor::yealink, file_kind::device_config,
     "80:5e:c0:11:22:33"},
    {"001565aabbcc-local.cfg", vendor::yealink, file_kind::not_served,
     "00:15:65:aa:bb:cc"},
    {"T46S-66.86.0.15.rom", vendor::yealink, file_kind::firmware, ""},
    // Grandstream: binary cfg<mac>, then cfg<mac>.xml, then cfg.xml.
    {"cfg000b82aabbcc.xml", vendor::grandstream, file_kind::device_config,
     "00:0b:82:aa:bb:cc"},
    {"CFG000B82AABBCC.XML", vendor::grandstream, file_kind::device_config,
     "00:0b:82:aa:bb:cc"},
    {"cfg000b82aabbcc", vendor::grandstream, file_kind::not_served,
     "00:0b:82:aa:bb:cc"},
    {"cfg.xml", vendor::grandstream, file_kind::common_config, ""},
    {"cfggxp2170.xml", vendor::grandstream, file_kind::common_config, "",
     "GXP2170"},
    {"gxp2170fw.bin", vendor::grandstream, file_kind::firmware, ""},
    // Snom: the model's general file, then the phone's own.
    {"snom370-000413AABBCC.htm", vendor::snom, file_kind::device_config,
     "00:04:13:aa:bb:cc", "snom370"},
    {"/snom370-000413aabbcc.HTM", vendor::snom, file_kind::device_config,
     "00:04:13:aa:bb:cc", "snom370"},
    {"snomD785-000413AABBCC.htm", vendor::snom, file_kind::device_config,
     "00:04:13:aa:bb:cc", "snomd785"},
    {"snom370.htm", vendor::snom, file_kind::common_config, "", "snom370"},
    {"snom370-8.7.5.35-SIP-r.bin", vendor::snom, file_kind::firmware, ""},
    // <mac>.cfg of an address block the box does not know: Polycom or
    // Yealink, decided later from the device record.
    {"aabbccddeeff.cfg", vendor::unknown, file_kind::device_config,
     "aa:bb:cc:dd:ee:ff"},
    // A query string is ignored.
    {"/000000000000.cfg?ts=1", vendor::polycom, file_kind::common_index, ""},
    // Unknown names.
    {"index.html", vendor::unknown, file_kind::unknown, ""},
    {"notes.txt", vendor::unknown, file_kind::unknown, ""},
    {"SEP001122AABBC.cnf.xml", vendor::unknown, file_kind::unknown, ""},
    {"SEP001122AABBCCDD.cnf.xml", vendor::unknown, file_kind::unknown, ""},
    {"001122aabbcc.cfg.bak", vendor::unknown, file_kind::unknown, ""},
    {"y000000000066.boot", vendor::unknown, file_kind::unknown, ""},
    {"cfg", vendor::unknown, file_kind::unknown, ""},
    {"snom.htm", vendor::unknown, file_kind::unknown, ""},
    {"snom370-00041.htm", vendor::unknown, file_kind::unknown, ""},
    {"", vendor::unknown, file_kind::unknown, ""},
    {"/", vendor::unknown, file_kind::unknown, ""},
    // Anything that is not a plain file name.
    {"../SEP001122AABBCC.cnf.xml", vendor::unknown, file_kind::unknown, ""},
    {"..\\000000000000.cfg", vendor::unknown, file_kind::unknown, ""},
    {"/etc/passwd", vendor::unknown, file_kind::unknown, ""},
    {"configs/000000000000.cfg", vendor::unknown, file_kind::unknown, ""},
    {"%2e%2e/000000000000.cfg", vendor::unknown, file_kind::unknown, ""},
    {"%2e%2e%2f000000000000.cfg", vendor::unknown, file_kind::unknown, ""},
    {".000000000000.cfg", vendor::unknown, file_kind::unknown, ""},
    {"000000000000..cfg", vendor::unknown, file_kind::unknown, ""},
    {"SEP001122AABBCC.cnf.xml/..", vendor::unknown, file_kind::unknown, ""},
    {"C:\\SEP001122AABBCC.cnf.xml", vendor::unknown, file_kind::unknown, ""},
    {"000000000000.cfg ", vendor::unknown, file_kind::unknown, ""},
};

} // namespace

TEST(file_request, classifies_real_file_names) {
  for (auto& row : name_table) {
    SCOPED_TRACE(row.path);
    auto req = classify(row.path);
    EXPECT_EQ(req.vendor_id, row.expected_vendor);
    EXPECT_EQ(req.kind, row.expected_kind);
    EXPECT_EQ(mac_text(req.mac), row.expected_mac);
    EXPECT_EQ(req.model, row.expected_model);
    EXPECT_EQ(req.model_code, row.expected_code);
  }
}

TEST(file_request, refuses_names_with_nul_or_control_bytes_or_too_long) {
  using namespace std::string_literals;
  EXPECT_EQ(classify("000000000000.cfg\0.txt"s).kind, file_kind::unknown);
  EXPECT_EQ(classify("000000000000.cfg\r\n").kind, file_kind::unknown);
  EXPECT_EQ(classify("sip\xc3\xa9.ld").kind, file_kind::unknown);
  EXPECT_EQ(classify(std::string(200, 'a') + ".ld").kind, file_kind::unknown);
  EXPECT_EQ(classify(std::string(100, 'a') + ".ld").kind, file_kind::firmware);
}

TEST(file_request, a_refused_name_says_nothing_even_with_a_user_agent) {
  auto req = classify("../../etc/passwd",
                      "Yealink SIP-T46S 66.86.0.15 00:15:65:aa:bb:cc");
  EXPECT_EQ(req.kind, file_kind::unknown);
  EXPECT_EQ(req.vendor_id, vendor::unknown);
  EXPECT_TRUE(req.name.empty());
  EXPECT_FALSE(req.agent_mac);
}

TEST(file_request, normalizes_the_name) {
  EXPECT_EQ(classify("//SEP001122AABBCC.cnf.xml").name,
            "sep001122aabbcc.cnf.xml");
  EXPECT_EQ(classify("/000000000000.cfg?x=1").name, "000000000000.cfg");
}

struct agent_row {
  const char* user_agent;
  vendor expected_vendor;
  const char* expected_model;
  const char* expected_version;
  const char* expected_mac;
};

const agent_row agent_table[] = {
    {"Yealink SIP-T46S 66.86.0.15 00:15:65:aa:bb:cc", vendor::yealink, "T46S",
     "66.86.0.15", "00:15:65:aa:bb:cc"},
    {"Yealink SIP VP-T49G 51.80.0.100 00:15:65:11:22:33", vendor::yealink,
     "VP-T49G", "51.80.0.100", "00:15:65:11:22:33"},
    {"Yealink W60B 77.85.0.25 80:5e:c0:11:22:33", vendor::yealink, "W60B",
     "77.85.0.25", "80:5e:c0:11:22:33"},
    {"FileTransport PolycomVVX-VVX_411-UA/6.3.1.1234 (SN:0004f2aabbcc) "
     "Type/Application",
     vendor::polycom, "VVX_411", "6.3.1.1234", "00:04:f2:aa:bb:cc"},
    {"PolycomVVX-VVX_411-UA/6.3.1.1234", vendor::polycom, "VVX_411",
     "6.3.1.1234", ""},
    {"FileTransport PolycomSoundPointIP-SPIP_650-UA/4.0.1.13681",
     vendor::polycom, "SPIP_650", "4.0.1.13681", ""},
    {"Cisco-CP8845/12.8.1", vendor::cisco, "CP8845", "12.8.1", ""},
    {"Cisco-CP-8845-3PCC/11.3.1 (00562b0428c6)", vendor::cisco, "CP-8845-3PCC",
     "11.3.1", "00:56:2b:04:28:c6"},
    {"Cisco/SPA504G-7.5.5 (88755a4a3a19)(CCQ163700SL)", vendor::cisco,
     "SPA504G", "7.5.5", "88:75:5a:4a:3a:19"},
    {"Grandstream GXP2170 1.0.11.3", vendor::grandstream, "GXP2170", "1.0.11.3",
     ""},
    {"Grandstream Model HW GXP2170 SW 1.0.11.3 DevId 000b82aabbcc",
     vendor::grandstream, "GXP2170", "1.0.11.3", "00:0b:82:aa:bb:cc"},
    {"Mozilla/4.0 (compatible; snom370-SIP 8.7.5.35 1.1.3-s)", vendor::snom,
     "snom370", "8.7.5.35", ""},
    {"Mozilla/4.0 (compatible; snomD785-SIP 10.1.54.13)", vendor::snom,
     "snomD785", "10.1.54.13", ""},
    {"curl/7.88.1", vendor::unknown, "", "", ""},
    {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36", vendor::unknown, "",
     "", ""},
    {"", vendor::unknown, "", "", ""},
};

TEST(user_agent, reads_vendor_model_version_and_mac) {
  for (auto& row : agent_table) {
    SCOPED_TRACE(row.user_agent);
    auto info = parse_user_agent(row.user_agent);
    EXPECT_EQ(info.vendor_id, row.expected_vendor);
    EXPECT_EQ(info.model, row.expected_model);
    EXPECT_EQ(info.firmware_version, row.expected_version);
    EXPECT_EQ(mac_text(info.mac), row.expected_mac);
  }
}

TEST(file_request, the_user_agent_adds_model_code_and_mac) {
  auto req = classify("y000000000066.cfg",
                      "Yealink SIP-T46S 66.86.0.15 00:15:65:aa:bb:cc");
  EXPECT_EQ(req.vendor_id, vendor::yealink);
  EXPECT_EQ(req.kind, file_kind::common_config);
  EXPECT_EQ(req.model, "T46S");
  EXPECT_EQ(req.model_code, "66");
  EXPECT_FALSE(req.mac);
  EXPECT_EQ(mac_text(req.phone_mac()), "00:15:65:aa:bb:cc");
  // The Yealink model code also comes from the firmware version alone.
  auto cfg = classify("001565aabbcc.cfg",
                      "Yealink SIP-T46S 66.86.0.15 00:15:65:aa:bb:cc");
  EXPECT_EQ(cfg.model_code, "66");
  EXPECT_FALSE(cfg.mac_conflict());
}

TEST(file_request, polycom_common_file_learns_the_mac_from_the_serial) {
  auto req = classify("/000000000000.cfg",
                      "FileTransport PolycomVVX-VVX_411-UA/6.3.1.1234 "
                      "(SN:0004f2aabbcc) Type/Application");
  EXPECT_EQ(req.kind, file_kind::common_index);
  EXPECT_EQ(req.model, "VVX_411");
  EXPECT_EQ(mac_text(req.phone_mac()), "00:04:f2:aa:bb:cc");
}

TEST(file_request, a_phone_asking_for_another_phones_file_is_a_conflict) {
  auto req = classify("0004f2aabbcc-ivm.cfg",
                      "FileTransport PolycomVVX-VVX_411-UA/6.3.1.1234 "
                      "(SN:0004f2112233) Type/Application");
  EXPECT_EQ(req.kind, file_kind::device_config);
  EXPECT_TRUE(req.mac_conflict());
  EXPECT_EQ(mac_text(req.phone_mac()), "00:04:f2:aa:bb:cc");
}

TEST(file_request, user_agent_then_hint_then_oui_decide_mac_cfg) {
  const char* name = "aabbccddeeff.cfg";
  const char* yealink = "Yealink SIP-T46S 66.86.0.15 aa:bb:cc:dd:ee:ff";
  const char* polycom = "FileTransport PolycomVVX-VVX_411-UA/6.3.1.1234";
  EXPECT_EQ(classify(name, yealink).kind, file_kind::device_config);
  EXPECT_EQ(classify(name, yealink).vendor_id, vendor::yealink);
  EXPECT_EQ(classify(name, polycom).kind, file_kind::device_index);
  EXPECT_EQ(classify(name, polycom).vendor_id, vendor::polycom);
  EXPECT_EQ(classify(name, {}, vendor::polycom).kind, file_kind::device_index);
  EXPECT_EQ(classify(name, {}, vendor::yealink).vendor_id, vendor::yealink);
  // The User-Agent is what the phone is: it wins over the record.
  EXPECT_EQ(classify(name, yealink, vendor::polycom).vendor_id,
            vendor::yealink);
  // The record wins over the address block.
  EXPECT_EQ(classify("0004f2aabbcc.cfg", {}, vendor::yealink).vendor_id,
            vendor::yealink);
  // A hint for a vendor without <mac>.cfg changes nothing.
  EXPECT_EQ(classify(name, {}, vendor::cisco).vendor_id, vendor::unknown);
}

TEST(file_request, snom_model_keeps_the_user_agents_spelling) {
  auto req = classify("snomd785-000413aabbcc.htm",
                      "Mozilla/4.0 (compatible; snomD785-SIP 10.1.54.13)");
  EXPECT_EQ(req.model, "snomD785");
}

TEST(file_request, an_unknown_name_still_tells_who_asked) {
  auto req = classify("dialplan.xml", "Cisco-CP8845/12.8.1");
  EXPECT_EQ(req.kind, file_kind::unknown);
  EXPECT_EQ(req.vendor_id, vendor::cisco);
  EXPECT_EQ(req.model, "CP8845");
}

TEST(file_request, a_user_agent_of_another_vendor_adds_no_model) {
  auto req = classify("SEP001122AABBCC.cnf.xml", "Grandstream GXP2170 1.0.1.1");
  EXPECT_EQ(req.vendor_id, vendor::cisco);
  EXPECT_EQ(req.model, "");
}

TEST(file_request, file_name_and_classify_agree) {
  auto mac = *mac_address::parse("aa:bb:cc:dd:ee:ff");
  struct row {
    vendor v;
    file_kind k;
    const char* model;
    const char* expected;
  };
  const row rows[] = {
      {vendor::cisco, file_kind::device_config, "", "SEPAABBCCDDEEFF.cnf.xml"},
      {vendor::cisco, file_kind::common_config, "", "XMLDefault.cnf.xml"},
      {vendor::polycom, file_kind::device_config, "", "aabbccddeeff-ivm.cfg"},
      {vendor::polycom, file_kind::device_index, "", "aabbccddeeff.cfg"},
      {vendor::polycom, file_kind::common_index, "", "000000000000.cfg"},
      {vendor::yealink, file_kind::device_config, "", "aabbccddeeff.cfg"},
      {vendor::yealink, file_kind::device_index, "", "aabbccddeeff.boot"},
      {vendor::yealink, file_kind::common_index, "", "y000000000000.boot"},
      {vendor::yealink, file_kind::common_config, "66", "y000000000066.cfg"},
      {vendor::grandstream, file_kind::device_config, "",
       "cfgaabbccddeeff.xml"},
      {vendor::grandstream, file_kind::common_config, "", "cfg.xml"},
      {vendor::snom, file_kind::device_config, "snom370",
       "snom370-AABBCCDDEEFF.htm"},
      {vendor::snom, file_kind::device_config, "D785",
       "snomD785-AABBCCDDEEFF.htm"},
      {vendor::snom, file_kind::common_config, "snom370", "snom370.htm"},
  };
  for (auto& r : rows) {
    SCOPED_TRACE(r.expected);
    auto name = file_name(r.v, r.k, mac, r.model);
    EXPECT_EQ(name, r.expected);
    auto req = classify(name, {}, r.v);
    EXPECT_EQ(req.vendor_id, r.v);
    EXPECT_EQ(req.kind, r.k);
    if (is_per_device(r.k)) {
      EXPECT_EQ(mac_text(req.mac), "aa:bb:cc:dd:ee:ff");
    }
  }
  EXPECT_EQ(file_name(vendor::yealink, file_kind::common_config, mac), "");
  EXPECT_EQ(file_name(vendor::snom, file_kind::device_config, mac), "");
  EXPECT_EQ(file_name(vendor::cisco, file_kind::security, mac), "");
  EXPECT_EQ(file_name(vendor::unknown, file_kind::device_config, mac), "");
}

TEST(vendor, check_sync_event_per_vendor) {
  EXPECT_EQ(check_sync_event(vendor::cisco), "check-sync");
  EXPECT_EQ(check_sync_event(vendor::grandstream), "check-sync");
  EXPECT_EQ(check_sync_event(vendor::snom), "check-sync");
  EXPECT_EQ(check_sync_event(vendor::yealink), "check-sync;reboot=false");
  EXPECT_EQ(check_sync_event(vendor::polycom), "check-sync;reboot=false");
}

TEST(vendor, names_round_trip) {
  for (auto v : all_vendors)
    EXPECT_EQ(parse_vendor(to_string(v)), v);
  EXPECT_EQ(parse_vendor("Yealink"), vendor::yealink);
  EXPECT_FALSE(parse_vendor("unknown"));
  EXPECT_FALSE(parse_vendor("avaya"));
  EXPECT_EQ(parse_file_kind("device_config"), file_kind::device_config);
  EXPECT_FALSE(parse_file_kind("bogus"));
}
