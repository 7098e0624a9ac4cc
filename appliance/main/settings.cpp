#include "appliance/main/settings.hpp"
#include "appliance/main/settings_parse.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

#include <toml++/toml.h>

#include "appliance/common/log.hpp"
#include "appliance/voice/prompts.hpp"

namespace ivm::app {

namespace {

using detail::err;
using detail::to_int;

std::optional<config_error>
to_endpoint(std::string_view key, std::string_view v, net::endpoint& out) {
  auto ep = net::parse_endpoint(v);
  if (!ep)
    return err(key, "'" + std::string{v} + "': " + ep.error());
  out = *ep;
  return std::nullopt;
}

std::optional<config_error> to_ms(std::string_view key, std::string_view v,
                                  std::chrono::milliseconds& out) {
  long long ms = 0;
  if (auto e = to_int<long long>(key, v, 1, 3600000, ms))
    return e;
  out = std::chrono::milliseconds{ms};
  return std::nullopt;
}

/// `v` as a TOML basic string.
std::string quoted(const std::string& v) {
  std::ostringstream os;
  os << toml::value<std::string>{v};
  return os.str();
}

} // namespace

/// A TOML array as `apply` text (settings_provisioning.cpp).
std::string flatten(const toml::array& arr);

std::optional<config_error> apply(settings& s, std::string_view key,
                                  std::string_view v) {
  if (key.rfind("dhcp.", 0) == 0 || key.rfind("provisioning.", 0) == 0)
    return apply_provisioning(s, key, v);
  if (key.rfind("mail.", 0) == 0)
    return apply_mail(s, key, v);
  if (key == "data_dir") {
    if (v.empty())
      return err(key, "must not be empty");
    s.data_dir = std::string{v};
  } else if (key == "allow_shared_data_dir") {
    if (v != "true" && v != "false")
      return err(key, "must be true or false");
    s.allow_shared_data_dir = v == "true";
  } else if (key == "domain") {
    if (v.empty() || v.find_first_of(" \t;,<>\"") != std::string_view::npos)
      return err(key, "'" + std::string{v} + "' is not a host name");
    s.domain = std::string{v};
  } else if (key == "site_name") {
    if (v.empty() || v.size() > 64)
      return err(key, "must be 1 to 64 characters");
    if (std::any_of(v.begin(), v.end(),
                    [](unsigned char c) { return c < 0x20 || c == 0x7f; }))
      return err(key, "must not contain control characters");
    s.site_name = std::string{v};
  } else if (key == "log_level") {
    if (!log::valid_level(v))
      return err(key, "'" + std::string{v} +
                          "' is not one of trace, debug, info, warn, error, "
                          "critical, off");
    s.log_level = std::string{v};
  } else if (key == "sip.listen") {
    return to_endpoint(key, v, s.sip.listen);
  } else if (key == "sip.tls_listen") {
    return to_endpoint(key, v, s.sip.tls_listen);
  } else if (key == "sip.max_message_size") {
    return to_int<std::size_t>(key, v, 1024, 1 << 20, s.sip.max_message_size);
  } else if (key == "sip.max_headers") {
    return to_int<std::size_t>(key, v, 16, 4096, s.sip.max_headers);
  } else if (key == "sip.max_tcp_per_source") {
    return to_int<std::size_t>(key, v, 1, 65535, s.sip.max_tcp_per_source);
  } else if (key == "sip.max_queue_delay_ms") {
    return to_ms(key, v, s.sip.max_queue_delay);
  } else if (key == "sip.max_pending") {
    return to_int<std::size_t>(key, v, 0, 1000000, s.sip.max_pending);
  } else if (key == "sip.tcp_idle_timeout_s") {
    long long secs = 0;
    if (auto e = to_int<long long>(key, v, 1, 86400, secs))
      return e;
    s.sip.tcp_idle_timeout = std::chrono::seconds{secs};
  } else if (key == "sip.t1_ms") {
    return to_ms(key, v, s.sip.t1);
  } else if (key == "sip.t2_ms") {
    return to_ms(key, v, s.sip.t2);
  } else if (key == "sip.t4_ms") {
    return to_ms(key, v, s.sip.t4);
  } else if (key == "sip.tls_certificate") {
    s.sip.tls_certificate = std::string{v};
  } else if (key == "sip.tls_private_key") {
    s.sip.tls_private_key = std::string{v};
  } else if (key == "admin.listen") {
    return to_endpoint(key, v, s.admin.listen);
  } else if (key == "mgcp.listen") {
    return to_endpoint(key, v, s.mgcp.listen);
  } else if (key == "mgcp.accept_unknown") {
    if (v != "true" && v != "false")
      return err(key, "true or false");
    s.mgcp.accept_unknown = v == "true";
  } else if (key == "megaco.listen") {
    return to_endpoint(key, v, s.megaco.listen);
  } else if (key == "megaco.accept_unknown") {
    if (v != "true" && v != "false")
      return err(key, "true or false");
    s.megaco.accept_unknown = v == "true";
  } else if (key == "mgcp.audit_interval_s") {
    return to_int<std::uint32_t>(key, v, 1, 3600, s.mgcp.audit_interval_s);
  } else if (key == "mgcp.max_retransmissions") {
    return to_int<std::uint32_t>(key, v, 1, 20, s.mgcp.max_retransmissions);
  } else if (key == "registrar.min_expires") {
    return to_int<std::uint32_t>(key, v, 1, 86400, s.registrar.min_expires);
  } else if (key == "registrar.max_expires") {
    return to_int<std::uint32_t>(key, v, 1, 604800, s.registrar.max_expires);
  } else if (key == "registrar.default_expires") {
    return to_int<std::uint32_t>(key, v, 1, 604800,
                                 s.registrar.default_expires);
  } else if (key == "messaging.max_body") {
    return to_int<std::size_t>(key, v, 16, 1 << 20, s.messaging.max_body);
  } else if (key == "messaging.fork_timeout_ms") {
    return to_ms(key, v, s.messaging.fork_timeout);
  } else if (key == "messaging.max_attempts") {
    return to_int<std::uint32_t>(key, v, 1, 1000, s.messaging.max_attempts);
  } else if (key == "messaging.client_idle_s") {
    long long n = 0;
    if (auto e = to_int<long long>(key, v, 0, 86400, n))
      return e;
    s.messaging.client_idle = std::chrono::seconds{n};
  } else if (key == "messaging.client_leaves_per_s") {
    return to_int<std::uint32_t>(key, v, 0, 1000000,
                                 s.messaging.client_leaves_per_s);
  } else if (key == "messaging.max_age_h") {
    long long h = 0;
    if (auto e = to_int<long long>(key, v, 1, 24 * 365, h))
      return e;
    s.messaging.max_age = std::chrono::hours{h};
  } else if (key == "voice.max_length_s") {
    long long n = 0;
    if (auto e = to_int<long long>(key, v, 1, 3600, n))
      return e;
    s.voice.max_length = std::chrono::seconds{n};
  } else if (key == "voice.silence_timeout_s") {
    long long n = 0;
    if (auto e = to_int<long long>(key, v, 1, 600, n))
      return e;
    s.voice.silence_timeout = std::chrono::seconds{n};
  } else if (key == "voice.intercom_answer_s") {
    long long n = 0;
    if (auto e = to_int<long long>(key, v, 1, 120, n))
      return e;
    s.voice.intercom_answer = std::chrono::seconds{n};
  } else if (key == "voice.language") {
    if (!voice::prompt_language(v))
      return err(key, "'" + std::string{v} +
                          "' is not a prompt language: en, de, fr or es");
    s.voice.language = std::string{v};
  } else if (key == "voice.rtp_port_min") {
    return to_int<std::uint16_t>(key, v, 1024, 65534, s.voice.rtp_port_min);
  } else if (key == "voice.rtp_port_max") {
    return to_int<std::uint16_t>(key, v, 1025, 65535, s.voice.rtp_port_max);
  } else if (key == "auth.algorithms") {
    std::vector<std::string> algs;
    std::string_view rest = v;
    while (!rest.empty()) {
      auto comma = rest.find(',');
      auto item = rest.substr(0, comma);
      while (!item.empty() && item.front() == ' ')
        item.remove_prefix(1);
      while (!item.empty() && item.back() == ' ')
        item.remove_suffix(1);
      if (item != "MD5" && item != "SHA-256")
        return err(key, "'" + std::string{item} + "' is not MD5 or SHA-256");
      algs.emplace_back(item);
      rest = comma == std::string_view::npos ? std::string_view{}
                                             : rest.substr(comma + 1);
    }
    if (algs.empty())
      return err(key, "name at least one of MD5, SHA-256");
    s.auth.algorithms = std::move(algs);
  } else if (key == "auth.md5_only_user_agents") {
    std::vector<std::string> agents;
    std::string_view rest = v;
    while (!rest.empty()) {
      auto comma = rest.find(',');
      auto item = rest.substr(0, comma);
      while (!item.empty() && item.front() == ' ')
        item.remove_prefix(1);
      while (!item.empty() && item.back() == ' ')
        item.remove_suffix(1);
      if (!item.empty())
        agents.emplace_back(item);
      rest = comma == std::string_view::npos ? std::string_view{}
                                             : rest.substr(comma + 1);
    }
    s.auth.md5_only_user_agents = std::move(agents);
  } else if (key == "auth.max_failures") {
    return to_int<std::size_t>(key, v, 1, 1000, s.auth.max_failures);
  } else if (key == "auth.window_s") {
    long long x = 0;
    if (auto e = to_int<long long>(key, v, 1, 86400, x))
      return e;
    s.auth.window = std::chrono::seconds{x};
  } else if (key == "auth.ban_s") {
    long long x = 0;
    if (auto e = to_int<long long>(key, v, 0, 86400 * 30, x))
      return e;
    s.auth.ban = std::chrono::seconds{x};
  } else if (key == "storage.max_batch") {
    return to_int<std::size_t>(key, v, 1, 65536, s.storage.max_batch);
  } else {
    return err(key, "unknown key");
  }
  return std::nullopt;
}

expected<settings, config_error> load_file(const std::filesystem::path& file,
                                           settings base) {
  std::ifstream in{file};
  if (!in)
    return unexpected(config_error{file.string() + ": cannot be read"});
  toml::table tbl;
  try {
    tbl = toml::parse(in, file.string());
  } catch (const toml::parse_error& e) {
    std::ostringstream os;
    os << file.string() << ":" << e.source().begin.line << ": "
       << e.description();
    return unexpected(config_error{os.str()});
  }
  std::optional<config_error> failure;
  auto visit = [&](const std::string& key, const toml::node& node) {
    std::string text;
    if (auto s = node.as_string())
      text = s->get();
    else if (auto i = node.as_integer())
      text = std::to_string(i->get());
    else if (auto b = node.as_boolean())
      text = b->get() ? "true" : "false";
    else if (auto arr = node.as_array())
      text = flatten(*arr); // lists: "a, b"; tables: "k=v k=v"
    else {
      failure = config_error{key + ": unsupported value type"};
      return;
    }
    if (auto e = apply(base, key, text))
      failure = e;
  };
  for (auto& [k, node] : tbl) {
    if (failure)
      break;
    std::string key{k.str()};
    if (auto sub = node.as_table()) {
      for (auto& [k2, node2] : *sub) {
        if (failure)
          break;
        visit(key + "." + std::string{k2.str()}, node2);
      }
    } else {
      visit(key, node);
    }
  }
  if (failure)
    return unexpected(config_error{file.string() + ": " + failure->what});
  return base;
}

std::optional<std::string> shared_data_dir(const std::filesystem::path& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return std::nullopt; // made by the box, mode 0700
  auto others = st.st_mode & (S_IRWXG | S_IRWXO);
  if (others == 0)
    return std::nullopt;
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", st.st_mode & 07777);
  auto path = std::filesystem::absolute(dir).string();
  return "'" + path +
         "' can be read or written by other local accounts (mode " + mode +
         "; it holds password hashes and messages): run chmod -R go-rwx '" +
         path + "', or set allow_shared_data_dir = true";
}

std::optional<config_error> validate(const settings& s) {
  namespace fs = std::filesystem;
  std::error_code ec;
  // The data dir, or its nearest existing ancestor, must be writable.
  fs::path probe = fs::absolute(s.data_dir, ec);
  while (!probe.empty() && !fs::exists(probe, ec)) {
    auto parent = probe.parent_path();
    if (parent == probe)
      break;
    probe = parent;
  }
  if (fs::exists(probe, ec) && !fs::is_directory(probe, ec))
    return err("data_dir", "'" + probe.string() + "' is not a directory");
  if (::access(probe.c_str(), W_OK | X_OK) != 0)
    return err("data_dir", "'" + probe.string() + "' is not writable");
  if (auto open = shared_data_dir(s.data_dir); open && !s.allow_shared_data_dir)
    return err("data_dir", *open);
  if (s.sip.tls_listen.port != 0 && s.sip.tls_listen == s.sip.listen)
    return err("sip.tls_listen", "same address as sip.listen");
  if (s.admin.listen.port != 0 && s.admin.listen == s.sip.listen)
    return err("admin.listen", "same address as sip.listen (TCP)");
  if (s.sip.tls_certificate.empty() != s.sip.tls_private_key.empty())
    return err(s.sip.tls_certificate.empty() ? "sip.tls_certificate"
                                             : "sip.tls_private_key",
               "sip.tls_certificate and sip.tls_private_key go together");
  if (s.registrar.min_expires > s.registrar.max_expires)
    return err("registrar.min_expires",
               "must not be larger than registrar.max_expires");
  if (s.sip.t2 < s.sip.t1)
    return err("sip.t2_ms", "must not be smaller than sip.t1_ms");
  if (s.voice.rtp_port_min + 1 > s.voice.rtp_port_max)
    return err("voice.rtp_port_min",
               "voice.rtp_port_max must be above voice.rtp_port_min");
  if (auto e = validate_mail(s))
    return e;
  return validate_provisioning(s);
}

std::string to_toml(const settings& s) {
  std::ostringstream os;
  os << "data_dir = \"" << s.data_dir.string() << "\"\n"
     << "allow_shared_data_dir = "
     << (s.allow_shared_data_dir ? "true" : "false") << "\n"
     << "domain = \"" << s.domain << "\"\n"
     << (s.site_name.empty() ? std::string{}
                             : "site_name = " + quoted(s.site_name) + "\n")
     << "log_level = \"" << s.log_level << "\"\n\n"
     << "[sip]\n"
     << "listen = \"" << net::to_string(s.sip.listen) << "\"\n"
     << "tls_listen = \"" << net::to_string(s.sip.tls_listen) << "\"\n"
     << "max_message_size = " << s.sip.max_message_size << "\n"
     << "max_headers = " << s.sip.max_headers << "\n"
     << "max_tcp_per_source = " << s.sip.max_tcp_per_source << "\n"
     << "tcp_idle_timeout_s = " << s.sip.tcp_idle_timeout.count() << "\n"
     << "max_pending = " << s.sip.max_pending << "\n"
     << "max_queue_delay_ms = " << s.sip.max_queue_delay.count() << "\n"
     << "t1_ms = " << s.sip.t1.count() << "\n"
     << "t2_ms = " << s.sip.t2.count() << "\n"
     << "t4_ms = " << s.sip.t4.count() << "\n"
     << "tls_certificate = \"" << s.sip.tls_certificate << "\"\n"
     << "tls_private_key = \"" << s.sip.tls_private_key << "\"\n\n"
     << "[admin]\n"
     << "listen = \"" << net::to_string(s.admin.listen) << "\"\n\n"
     << "[mgcp]\n"
     << "listen = \"" << net::to_string(s.mgcp.listen) << "\"\n"
     << "accept_unknown = " << (s.mgcp.accept_unknown ? "true" : "false")
     << "\n"
     << "audit_interval_s = " << s.mgcp.audit_interval_s << "\n"
     << "max_retransmissions = " << s.mgcp.max_retransmissions << "\n\n"
     << "[megaco]\n"
     << "listen = \"" << net::to_string(s.megaco.listen) << "\"\n"
     << "accept_unknown = " << (s.megaco.accept_unknown ? "true" : "false")
     << "\n\n"
     << "[registrar]\n"
     << "min_expires = " << s.registrar.min_expires << "\n"
     << "max_expires = " << s.registrar.max_expires << "\n"
     << "default_expires = " << s.registrar.default_expires << "\n\n"
     << "[messaging]\n"
     << "max_body = " << s.messaging.max_body << "\n"
     << "fork_timeout_ms = " << s.messaging.fork_timeout.count() << "\n"
     << "max_attempts = " << s.messaging.max_attempts << "\n"
     << "max_age_h = " << s.messaging.max_age.count() << "\n"
     << "client_idle_s = " << s.messaging.client_idle.count() << "\n"
     << "client_leaves_per_s = " << s.messaging.client_leaves_per_s << "\n\n"
     << "[voice]\n"
     << "max_length_s = " << s.voice.max_length.count() << "\n"
     << "silence_timeout_s = " << s.voice.silence_timeout.count() << "\n"
     << "intercom_answer_s = " << s.voice.intercom_answer.count() << "\n"
     << "language = \"" << s.voice.language << "\"\n"
     << "rtp_port_min = " << s.voice.rtp_port_min << "\n"
     << "rtp_port_max = " << s.voice.rtp_port_max << "\n\n"
     << "[auth]\n"
     << "algorithms = \"" <<
      [&] {
        std::string out;
        for (auto& a : s.auth.algorithms)
          out += (out.empty() ? "" : ",") + a;
        return out;
      }()
     << "\"\n"
     << "md5_only_user_agents = \"" <<
      [&] {
        std::string out;
        for (auto& a : s.auth.md5_only_user_agents)
          out += (out.empty() ? "" : ",") + a;
        return out;
      }()
     << "\"\n"
     << "max_failures = " << s.auth.max_failures << "\n"
     << "window_s = " << s.auth.window.count() << "\n"
     << "ban_s = " << s.auth.ban.count() << "\n\n"
     << "[storage]\n"
     << "max_batch = " << s.storage.max_batch << "\n\n"
     << mail_to_toml(s) << provisioning_to_toml(s);
  return os.str();
}

} // namespace ivm::app
