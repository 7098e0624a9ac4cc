#include "provisioning/phone/file_request.hpp"

#include "provisioning/phone/user_agent.hpp"

namespace ivm::provisioning::phone {

namespace {

constexpr std::size_t max_name_length = 128;

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.substr(s.size() - suffix.size()) == suffix;
}

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_alnum(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z');
}

/// The MAC spelled as 12 hex digits at the start of `s`.
std::optional<mac_address> mac_at(std::string_view s) {
  if (s.size() < 12)
    return std::nullopt;
  for (std::size_t i = 0; i < 12; ++i)
    if (!is_hex(s[i]))
      return std::nullopt;
  return mac_address::parse(s.substr(0, 12));
}

/// `s` is exactly 12 hex digits.
std::optional<mac_address> mac_of(std::string_view s) {
  return s.size() == 12 ? mac_at(s) : std::nullopt;
}

bool all_alnum(std::string_view s) {
  for (char c : s)
    if (!is_alnum(c))
      return false;
  return !s.empty();
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto x = a[i] >= 'A' && a[i] <= 'Z' ? a[i] - 'A' + 'a' : a[i];
    auto y = b[i] >= 'A' && b[i] <= 'Z' ? b[i] - 'A' + 'a' : b[i];
    if (x != y)
      return false;
  }
  return true;
}

std::string upper(std::string_view s) {
  std::string out{s};
  for (auto& c : out)
    if (c >= 'a' && c <= 'z')
      c = static_cast<char>(c - 'a' + 'A');
  return out;
}

/// Lower-cases and checks the name; empty when refused.
std::string normalize(std::string_view path) {
  auto query = path.find('?');
  if (query != std::string_view::npos)
    path = path.substr(0, query);
  while (!path.empty() && path.front() == '/')
    path.remove_prefix(1);
  if (path.empty() || path.size() > max_name_length || path.front() == '.' ||
      path.find("..") != std::string_view::npos)
    return {};
  std::string out;
  out.reserve(path.size());
  for (char c : path) {
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
    if (!is_alnum(c) && c != '.' && c != '-' && c != '_')
      return {};
    out += c;
  }
  return out;
}

struct match {
  vendor vendor_id = vendor::unknown;
  file_kind kind = file_kind::unknown;
  std::optional<mac_address> mac;
  std::string model;
  std::string model_code;
  /// `<mac>.cfg`: Polycom or Yealink, decided by the caller.
  bool ambiguous_cfg = false;
};

match cisco(std::string_view n) {
  match m;
  m.vendor_id = vendor::cisco;
  if (starts_with(n, "sep") && (m.mac = mac_at(n.substr(3)))) {
    auto rest = n.substr(15);
    if (rest == ".cnf.xml")
      m.kind = file_kind::device_config;
    else if (rest == ".cnf.xml.sgn" || rest == ".cnf.xml.enc.sgn")
      m.kind = file_kind::security;
    return m;
  }
  for (auto prefix : {"ctlsep", "itlsep"})
    if (starts_with(n, prefix) && (m.mac = mac_at(n.substr(6))) &&
        n.substr(18) == ".tlv") {
      m.kind = file_kind::security;
      return m;
    }
  m.mac.reset();
  if (n == "itlfile.tlv" || n == "ctlfile.tlv" || n == "xmldefault.cnf.xml.sgn")
    m.kind = file_kind::security;
  else if (n == "xmldefault.cnf.xml")
    m.kind = file_kind::common_config;
  else if (ends_with(n, ".loads") || ends_with(n, ".sbn") ||
           ends_with(n, ".sb2") || ends_with(n, ".zz"))
    m.kind = file_kind::firmware;
  return m;
}

/// Polycom and Yealink names built on a bare MAC (and their vendor-wide
/// files).
match mac_named(std::string_view n) {
  match m;
  if (n == "000000000000.cfg") {
    m.vendor_id = vendor::polycom;
    m.kind = file_kind::common_index;
    return m;
  }
  if (n == "y000000000000.boot") {
    m.vendor_id = vendor::yealink;
    m.kind = file_kind::common_index;
    return m;
  }
  if (n.size() == 17 && n.front() == 'y' && ends_with(n, ".cfg")) {
    auto digits = n.substr(1, 12);
    bool numeric = true;
    for (char c : digits)
      numeric = numeric && is_digit(c);
    auto first = digits.find_first_not_of('0');
    if (numeric && first != std::string_view::npos) {
      m.vendor_id = vendor::yealink;
      m.kind = file_kind::common_config;
      m.model_code = std::string{digits.substr(first)};
    }
    return m;
  }
  auto mac = mac_at(n);
  if (!mac)
    return m;
  auto rest = n.substr(12);
  bool zero = n.substr(0, 12) == "000000000000";
  if (rest == ".cfg" && !zero) {
    m.mac = mac;
    m.kind = file_kind::device_config;
    m.ambiguous_cfg = true;
  } else if (rest == ".boot" && !zero) {
    m.mac = mac;
    m.vendor_id = vendor::yealink;
    m.kind = file_kind::device_index;
  } else if (rest == "-ivm.cfg" && !zero) {
    m.mac = mac;
    m.vendor_id = vendor::polycom;
    m.kind = file_kind::device_config;
  } else if (rest == "-local.cfg" || rest == "-contact.xml") {
    m.mac = zero ? std::nullopt : mac;
    m.vendor_id = vendor::yealink;
    m.kind = file_kind::not_served;
  } else if (rest.size() > 1 && rest.front() == '-' &&
             (ends_with(rest, ".cfg") || ends_with(rest, ".xml") ||
              ends_with(rest, ".log"))) {
    // <mac>-phone.cfg, -web.cfg (overrides), -app.log, -boot.log,
    // -directory.xml, -calls.xml, -license.cfg: the phone's own files.
    m.mac = zero ? std::nullopt : mac;
    m.vendor_id = vendor::polycom;
    m.kind = file_kind::not_served;
  }
  return m;
}

match grandstream(std::string_view n) {
  match m;
  if (starts_with(n, "cfg")) {
    auto rest = n.substr(3);
    if (auto mac = mac_of(rest)) {
      m.mac = mac;
      m.kind = file_kind::not_served; // the binary format of GS tools
    } else if (rest.size() == 16 && ends_with(rest, ".xml") &&
               (mac = mac_of(rest.substr(0, 12)))) {
      m.mac = mac;
      m.kind = file_kind::device_config;
    } else if (rest == ".xml") {
      m.kind = file_kind::common_config;
    } else if (ends_with(rest, ".xml") && rest.size() > 4 &&
               all_alnum(rest.substr(0, rest.size() - 4)) &&
               !is_digit(rest.front())) {
      m.kind = file_kind::common_config;
      m.model = upper(rest.substr(0, rest.size() - 4));
    }
  } else if (ends_with(n, "fw.bin") && n.size() > 6 &&
             all_alnum(n.substr(0, n.size() - 6))) {
    m.kind = file_kind::firmware;
  }
  if (m.kind != file_kind::unknown)
    m.vendor_id = vendor::grandstream;
  return m;
}

match snom(std::string_view n) {
  match m;
  if (!starts_with(n, "snom"))
    return m;
  std::string_view base;
  if (ends_with(n, ".htm") || ends_with(n, ".xml"))
    base = n.substr(0, n.size() - 4);
  else if (ends_with(n, ".bin"))
    m.kind = file_kind::firmware;
  if (!base.empty()) {
    auto dash = base.find('-');
    auto model = base.substr(0, dash);
    if (model.size() > 4 && all_alnum(model)) {
      if (dash == std::string_view::npos) {
        m.kind = file_kind::common_config;
        m.model = std::string{model};
      } else if (auto mac = mac_of(base.substr(dash + 1))) {
        m.kind = file_kind::device_config;
        m.model = std::string{model};
        m.mac = mac;
      }
    }
  }
  if (m.kind != file_kind::unknown)
    m.vendor_id = vendor::snom;
  return m;
}

match other_firmware(std::string_view n) {
  match m;
  if (ends_with(n, ".ld") || ends_with(n, ".ver")) {
    m.vendor_id = vendor::polycom;
    m.kind = file_kind::firmware;
  } else if (ends_with(n, ".rom")) {
    m.vendor_id = vendor::yealink;
    m.kind = file_kind::firmware;
  }
  return m;
}

match match_name(std::string_view n) {
  for (auto f : {cisco, mac_named, grandstream, snom, other_firmware}) {
    auto m = f(n);
    if (m.kind != file_kind::unknown)
      return m;
  }
  return {};
}

bool is_polycom_or_yealink(vendor v) {
  return v == vendor::polycom || v == vendor::yealink;
}

} // namespace

file_request classify(std::string_view path, std::string_view user_agent,
                      vendor hint) {
  file_request result;
  result.name = normalize(path);
  if (result.name.empty())
    return result;
  auto agent = parse_user_agent(user_agent);
  auto m = match_name(result.name);
  if (m.ambiguous_cfg) {
    if (is_polycom_or_yealink(agent.vendor_id))
      m.vendor_id = agent.vendor_id;
    else if (is_polycom_or_yealink(hint))
      m.vendor_id = hint;
    else if (auto owner = vendor_from_oui(*m.mac);
             owner && is_polycom_or_yealink(*owner))
      m.vendor_id = *owner;
    if (m.vendor_id == vendor::polycom)
      m.kind = file_kind::device_index;
  }
  result.kind = m.kind;
  result.mac = m.mac;
  result.model_code = std::move(m.model_code);
  result.agent_mac = agent.mac;
  // A name nobody knows still tells who asked, through the User-Agent.
  result.vendor_id =
      m.kind == file_kind::unknown ? agent.vendor_id : m.vendor_id;
  bool agent_is_vendor =
      agent.vendor_id != vendor::unknown && agent.vendor_id == result.vendor_id;
  if (agent_is_vendor) {
    result.model = agent.model;
    result.firmware_version = agent.firmware_version;
    if (result.vendor_id == vendor::yealink && result.model_code.empty()) {
      auto dot = agent.firmware_version.find('.');
      result.model_code = agent.firmware_version.substr(0, dot);
    }
  }
  // The name's model is lower case; the User-Agent's spelling wins when it
  // names the same model ("snomD785" for snomd785.htm).
  if (!m.model.empty() && !iequals(result.model, m.model))
    result.model = std::move(m.model);
  return result;
}

std::string file_name(vendor v, file_kind kind, const mac_address& mac,
                      std::string_view model) {
  auto upper_mac = mac.to_compact_upper();
  std::string lower_mac;
  for (char c : upper_mac)
    lower_mac += (c >= 'A' && c <= 'F') ? static_cast<char>(c - 'A' + 'a') : c;
  switch (v) {
    case vendor::cisco:
      if (kind == file_kind::device_config)
        return "SEP" + upper_mac + ".cnf.xml";
      if (kind == file_kind::common_config)
        return "XMLDefault.cnf.xml";
      break;
    case vendor::polycom:
      if (kind == file_kind::device_config)
        return lower_mac + "-ivm.cfg";
      if (kind == file_kind::device_index)
        return lower_mac + ".cfg";
      if (kind == file_kind::common_index)
        return "000000000000.cfg";
      break;
    case vendor::yealink:
      if (kind == file_kind::device_config)
        return lower_mac + ".cfg";
      if (kind == file_kind::device_index)
        return lower_mac + ".boot";
      if (kind == file_kind::common_index)
        return "y000000000000.boot";
      if (kind == file_kind::common_config && !model.empty() &&
          model.size() <= 12) {
        for (char c : model)
          if (!is_digit(c))
            return {};
        return "y" + std::string(12 - model.size(), '0') + std::string{model} +
               ".cfg";
      }
      break;
    case vendor::grandstream:
      if (kind == file_kind::device_config)
        return "cfg" + lower_mac + ".xml";
      if (kind == file_kind::common_config)
        return "cfg" + std::string{model} + ".xml";
      break;
    case vendor::snom: {
      if (model.empty())
        break;
      std::string prefix = starts_with(model, "snom") ? "" : "snom";
      if (kind == file_kind::device_config)
        return prefix + std::string{model} + "-" + upper_mac + ".htm";
      if (kind == file_kind::common_config)
        return prefix + std::string{model} + ".htm";
      break;
    }
    case vendor::unknown:
      break;
  }
  return {};
}

} // namespace ivm::provisioning::phone
