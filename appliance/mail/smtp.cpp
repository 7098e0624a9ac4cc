// SMTP through libcurl: the session (EHLO, STARTTLS, AUTH, MAIL, RCPT,
// DATA) and the MIME body (multipart/mixed, base64 attachments) are
// libcurl's; here only the settings, the headers and the outcome.

#include "appliance/mail/mail.hpp"

#include <memory>
#include <mutex>

#include <curl/curl.h>

namespace ivm::mail {

namespace {

void init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct easy_deleter {
  void operator()(CURL* c) const {
    curl_easy_cleanup(c);
  }
};
struct mime_deleter {
  void operator()(curl_mime* m) const {
    curl_mime_free(m);
  }
};
struct slist_deleter {
  void operator()(curl_slist* l) const {
    curl_slist_free_all(l);
  }
};

std::string bracketed(const std::string& a) {
  return "<" + a + ">";
}

// The SMTP reply codes that mean "the login", which an admin fixes in the
// settings: kept for later rather than dropped.
bool auth_code(long code) {
  return code == 530 || code == 534 || code == 535 || code == 538;
}

} // namespace

send_result send(const smtp_settings& s, const message& m) {
  init_once();
  send_result out;
  if (!s.enabled() || !valid_address(m.to) || !valid_address(s.from)) {
    out.what = send_result::outcome::rejected;
    out.error = !s.enabled() ? "no smarthost" : "bad address";
    return out;
  }
  std::unique_ptr<CURL, easy_deleter> c{curl_easy_init()};
  if (!c) {
    out.error = "curl_easy_init failed";
    return out;
  }
  auto* h = c.get();
  std::string url =
      std::string{s.security == smtp_settings::security::tls ? "smtps://"
                                                             : "smtp://"} +
      (s.host.find(':') != std::string::npos ? "[" + s.host + "]" : s.host) +
      ":" + std::to_string(s.port);
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, static_cast<long>(s.timeout.count()));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 20L);
  if (s.security == smtp_settings::security::starttls)
    curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!s.ca_file.empty())
    curl_easy_setopt(h, CURLOPT_CAINFO, s.ca_file.c_str());
  if (!s.username.empty()) {
    curl_easy_setopt(h, CURLOPT_USERNAME, s.username.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, s.password.c_str());
  }
  auto from = bracketed(s.from);
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, from.c_str());
  std::unique_ptr<curl_slist, slist_deleter> rcpt{
      curl_slist_append(nullptr, bracketed(m.to).c_str())};
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt.get());

  std::unique_ptr<curl_slist, slist_deleter> headers;
  auto add = [&headers](const std::string& line) {
    auto* l = curl_slist_append(headers.get(), line.c_str());
    if (l) {
      (void)headers.release();
      headers.reset(l);
    }
  };
  add("Date: " + rfc5322_date(m.date));
  add("From: " + header_text(s.from));
  add("To: " + header_text(m.to));
  add("Subject: " + header_text(m.subject));
  add("Message-ID: <" + header_text(m.message_id) + ">");
  add("MIME-Version: 1.0");
  add("Auto-Submitted: auto-generated"); // RFC 3834: no auto-replies
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());

  std::unique_ptr<curl_mime, mime_deleter> mime{curl_mime_init(h)};
  auto* text = curl_mime_addpart(mime.get());
  curl_mime_data(text, m.text.data(), m.text.size());
  curl_mime_type(text, "text/plain; charset=utf-8");
  curl_mime_encoder(text, "quoted-printable");
  for (auto& a : m.attachments) {
    auto* part = curl_mime_addpart(mime.get());
    curl_mime_data(part, a.data.data(), a.data.size());
    curl_mime_type(part, a.type.c_str());
    curl_mime_filename(part, a.name.c_str());
    curl_mime_encoder(part, "base64");
  }
  curl_easy_setopt(h, CURLOPT_MIMEPOST, mime.get());

  char err[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, err);
  auto rc = curl_easy_perform(h);
  long code = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
  out.smtp_code = static_cast<int>(code);
  if (rc == CURLE_OK) {
    out.what = send_result::outcome::sent;
    return out;
  }
  out.error = err[0] ? std::string{err} : curl_easy_strerror(rc);
  if (code >= 500 && code < 600 && !auth_code(code) && rc != CURLE_LOGIN_DENIED)
    out.what = send_result::outcome::rejected;
  return out;
}

} // namespace ivm::mail
