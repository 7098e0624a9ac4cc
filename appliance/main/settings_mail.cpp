// `[mail]`: the office's SMTP smarthost for voicemail by e-mail (issue 18).

#include "appliance/main/settings.hpp"
#include "appliance/main/settings_parse.hpp"

#include <sstream>

namespace ivm::app {

namespace {

using detail::err;
using detail::to_int;

std::string q(const std::string& v) {
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  return out + "\"";
}

template <class Duration>
std::optional<config_error> to_duration(std::string_view key,
                                        std::string_view v, long long lo,
                                        long long hi, Duration& out) {
  long long x = 0;
  if (auto e = to_int<long long>(key, v, lo, hi, x))
    return e;
  out = Duration{x};
  return std::nullopt;
}

} // namespace

std::optional<config_error> apply_mail(settings& s, std::string_view key,
                                       std::string_view v) {
  auto& m = s.mail;
  if (key == "mail.smarthost") {
    if (v.empty()) {
      m.host.clear();
      return std::nullopt;
    }
    // host, host:port or [v6]:port; the port defaults by security.
    std::string host{v};
    std::uint16_t port = 0;
    auto colon = v.rfind(':');
    bool v6 = !v.empty() && v.front() == '[';
    if (colon != std::string_view::npos &&
        (!v6 || v.substr(0, colon).back() == ']')) {
      if (auto e =
              to_int<std::uint16_t>(key, v.substr(colon + 1), 1, 65535, port))
        return e;
      host = std::string{v.substr(0, colon)};
    }
    if (v6) {
      if (host.size() < 3 || host.back() != ']')
        return err(key, "'" + std::string{v} + "' is not host[:port]");
      host = host.substr(1, host.size() - 2);
    }
    if (host.empty() ||
        host.find_first_of(" \t/@;,<>\"[]") != std::string::npos)
      return err(key, "'" + std::string{v} + "' is not host[:port]");
    m.host = host;
    if (port)
      m.port = port;
  } else if (key == "mail.port") {
    return to_int<std::uint16_t>(key, v, 1, 65535, m.port);
  } else if (key == "mail.security") {
    if (v == "starttls")
      m.security = mail::smtp_settings::security::starttls;
    else if (v == "tls")
      m.security = mail::smtp_settings::security::tls;
    else if (v == "none")
      m.security = mail::smtp_settings::security::none;
    else
      return err(key, "'" + std::string{v} + "' is not starttls, tls or none");
  } else if (key == "mail.username") {
    m.username = std::string{v};
  } else if (key == "mail.password") {
    m.password = std::string{v};
  } else if (key == "mail.from") {
    if (!mail::valid_address(v))
      return err(key, "'" + std::string{v} +
                          "' is not an address like ivm@example.com");
    m.from = std::string{v};
  } else if (key == "mail.ca_file") {
    m.ca_file = std::string{v};
  } else if (key == "mail.voice_format") {
    if (v != "ogg" && v != "wav")
      return err(key, "'" + std::string{v} + "' is not ogg or wav");
    m.voice_format = std::string{v};
  } else if (key == "mail.timeout_s") {
    return to_duration(key, v, 5, 600, m.timeout);
  } else if (key == "mail.retry_s") {
    return to_duration(key, v, 1, 86400, m.retry_first);
  } else if (key == "mail.retry_max_s") {
    return to_duration(key, v, 1, 86400, m.retry_max);
  } else if (key == "mail.max_age_h") {
    return to_duration(key, v, 1, 24 * 365, m.max_age);
  } else {
    return err(key, "unknown key");
  }
  return std::nullopt;
}

std::optional<config_error> validate_mail(const settings& s) {
  const auto& m = s.mail;
  if (m.retry_max < m.retry_first)
    return err("mail.retry_max_s", "must not be smaller than mail.retry_s");
  if (m.username.empty() != m.password.empty())
    return err(m.username.empty() ? "mail.username" : "mail.password",
               "mail.username and mail.password go together");
  if (m.enabled() && !m.username.empty() &&
      m.security == mail::smtp_settings::security::none)
    return err("mail.security",
               "a password is not sent unencrypted: use starttls or tls");
  return std::nullopt;
}

std::string mail_to_toml(const settings& s) {
  const auto& m = s.mail;
  std::ostringstream os;
  auto sec = m.security == mail::smtp_settings::security::starttls ? "starttls"
             : m.security == mail::smtp_settings::security::tls    ? "tls"
                                                                   : "none";
  os << "[mail]\n"
     << "smarthost = " << q(m.host) << "\n"
     << "port = " << m.port << "\n"
     << "security = \"" << sec << "\"\n"
     << "username = " << q(m.username) << "\n"
     << (m.password.empty() ? "password = \"\"\n"
                            : "# password = (set, not shown)\n")
     << "from = " << q(m.from) << "\n"
     << "ca_file = " << q(m.ca_file) << "\n"
     << "voice_format = \"" << m.voice_format << "\"\n"
     << "timeout_s = " << m.timeout.count() << "\n"
     << "retry_s = " << m.retry_first.count() << "\n"
     << "retry_max_s = " << m.retry_max.count() << "\n"
     << "max_age_h = " << m.max_age.count() << "\n\n";
  return os.str();
}

} // namespace ivm::app
