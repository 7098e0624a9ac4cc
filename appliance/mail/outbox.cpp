#include "appliance/mail/mail.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>

namespace ivm::mail {

using json = nlohmann::json;

std::string encode(const outbox_job& j) {
  return json{{"kind", j.kind},           {"user", j.user},
              {"email", j.email},         {"from", j.from_ext},
              {"from_name", j.from_name}, {"queued", j.queued}}
      .dump();
}

std::optional<outbox_job> decode_job(std::string_view text) {
  auto j = json::parse(text, nullptr, false);
  if (!j.is_object())
    return std::nullopt;
  outbox_job out;
  out.kind = j.value("kind", "");
  if (out.kind != "voicemail" && out.kind != "fax")
    return std::nullopt;
  try {
    out.user = j.at("user").get<std::string>();
    out.email = j.at("email").get<std::string>();
    out.from_ext = j.value("from", "");
    out.from_name = j.value("from_name", "");
    out.queued = j.value("queued", std::int64_t{0});
  } catch (const json::exception&) {
    return std::nullopt;
  }
  if (out.user.empty() || !valid_address(out.email))
    return std::nullopt;
  return out;
}

bool valid_address(std::string_view a) {
  auto at = a.rfind('@');
  if (a.size() > 254 || at == std::string_view::npos || at == 0 ||
      at + 1 >= a.size())
    return false;
  return std::none_of(a.begin(), a.end(), [](unsigned char c) {
    return c <= 0x20 || c >= 0x7f || c == '<' || c == '>' || c == '(' ||
           c == ')' || c == ',' || c == ';' || c == ':' || c == '"' ||
           c == '\\' || c == '[' || c == ']';
  });
}

namespace {

std::string base64(std::string_view in) {
  static const char* abc =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    auto v = (std::uint32_t{static_cast<unsigned char>(in[i])} << 16) |
             (std::uint32_t{static_cast<unsigned char>(in[i + 1])} << 8) |
             static_cast<unsigned char>(in[i + 2]);
    out += abc[v >> 18];
    out += abc[(v >> 12) & 63];
    out += abc[(v >> 6) & 63];
    out += abc[v & 63];
  }
  if (i < in.size()) {
    std::uint32_t v = std::uint32_t{static_cast<unsigned char>(in[i])} << 16;
    if (i + 1 < in.size())
      v |= std::uint32_t{static_cast<unsigned char>(in[i + 1])} << 8;
    out += abc[v >> 18];
    out += abc[(v >> 12) & 63];
    out += i + 1 < in.size() ? abc[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

void put_le(std::string& out, std::uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i)
    out += static_cast<char>((v >> (8 * i)) & 0xff);
}

std::string minutes_seconds(std::uint32_t ms) {
  auto s = (ms + 500) / 1000;
  char buf[24];
  std::snprintf(buf, sizeof buf, "%u:%02u", s / 60, s % 60);
  return buf;
}

} // namespace

std::string header_text(std::string_view text) {
  std::string clean;
  for (unsigned char c : text)
    if (c >= 0x20 && c != 0x7f)
      clean += static_cast<char>(c);
  bool ascii = std::all_of(clean.begin(), clean.end(),
                           [](unsigned char c) { return c < 0x80; });
  if (ascii)
    return clean;
  // RFC 2047 §2: an encoded word is at most 75 characters; split the text
  // on whole UTF-8 characters, 45 bytes (60 base64 characters) at most.
  std::string out;
  std::size_t i = 0;
  while (i < clean.size()) {
    auto end = std::min(clean.size(), i + 45);
    while (end < clean.size() && end > i &&
           (static_cast<unsigned char>(clean[end]) & 0xc0) == 0x80)
      --end;
    if (!out.empty())
      out += ' ';
    out += "=?UTF-8?B?" + base64(std::string_view{clean}.substr(i, end - i)) +
           "?=";
    i = end;
  }
  return out;
}

std::string rfc5322_date(std::int64_t unix) {
  auto t = static_cast<std::time_t>(unix);
  std::tm tm{};
  gmtime_r(&t, &tm);
  static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000",
                days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
                tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string wav_file(const std::vector<std::int16_t>& pcm, int rate) {
  auto data = static_cast<std::uint32_t>(pcm.size() * 2);
  std::string out;
  out.reserve(44 + data);
  out += "RIFF";
  put_le(out, 36 + data, 4);
  out += "WAVEfmt ";
  put_le(out, 16, 4);
  put_le(out, 1, 2); // PCM
  put_le(out, 1, 2); // mono
  put_le(out, static_cast<std::uint32_t>(rate), 4);
  put_le(out, static_cast<std::uint32_t>(rate) * 2, 4);
  put_le(out, 2, 2);
  put_le(out, 16, 2);
  out += "data";
  put_le(out, data, 4);
  for (auto s : pcm)
    put_le(out, static_cast<std::uint16_t>(s), 2);
  return out;
}

message voicemail_message(const outbox_job& j, std::string_view voice_id,
                          std::uint32_t duration_ms,
                          const std::string& local_time, attachment audio,
                          const std::string& domain) {
  auto who = j.from_name.empty() || j.from_name == j.from_ext
                 ? j.from_ext
                 : j.from_name + " (" + j.from_ext + ")";
  message m;
  m.to = j.email;
  m.subject = "Voice message from " + who + ", " + minutes_seconds(duration_ms);
  m.text = who + " left you a voice message (" + minutes_seconds(duration_ms) +
           ") on " + local_time +
           ".\r\n\r\nThe recording is attached. It also waits for you on the "
           "box: dial *8 from your phone to listen.\r\n\r\n-- \r\n"
           "IVM appliance\r\n";
  m.message_id = "voicemail." + std::string{voice_id} + "." + j.user + "@" +
                 (domain.empty() ? std::string{"localhost"} : domain);
  m.date = j.queued;
  m.attachments.push_back(std::move(audio));
  return m;
}

message fax_message(const outbox_job& j, std::string_view fax_id, int pages,
                    bool complete, const std::string& error,
                    const std::string& local_time, std::string pdf,
                    const std::string& domain) {
  auto who = j.from_name.empty() || j.from_name == j.from_ext
                 ? j.from_ext
                 : j.from_name + " (" + j.from_ext + ")";
  auto count = std::to_string(pages) + (pages == 1 ? " page" : " pages");
  message m;
  m.to = j.email;
  m.subject =
      "Fax from " + who + ", " + (complete ? "" : "incomplete: ") + count;
  m.text = who + " sent you a fax (" + count + ") on " + local_time + "." +
           (complete ? std::string{}
                     : "\r\n\r\nThe fax did not come through whole: " + error +
                           ". The pages that came are attached.") +
           "\r\n\r\nThe fax is attached as PDF. It also waits for you on the "
           "box.\r\n\r\n-- \r\nIVM appliance\r\n";
  m.message_id = "fax." + std::string{fax_id} + "." + j.user + "@" +
                 (domain.empty() ? std::string{"localhost"} : domain);
  m.date = j.queued;
  m.attachments.push_back({"fax-" + std::string{fax_id} + ".pdf",
                           "application/pdf", std::move(pdf)});
  return m;
}

std::chrono::seconds retry_delay(unsigned attempt, std::chrono::seconds first,
                                 std::chrono::seconds max) {
  auto d = first;
  for (unsigned i = 1; i < attempt && d < max; ++i)
    d *= 2;
  return std::min(d, max);
}

} // namespace ivm::mail
