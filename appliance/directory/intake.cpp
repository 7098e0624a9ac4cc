#include "appliance/directory/intake.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>

#include "appliance/sip/core/uas_policy.hpp"
#include "appliance/sip/header_values.hpp"
#include "appliance/sip/name_addr.hpp"

namespace ivm::directory {

namespace {

std::string lower(std::string_view s) {
  std::string out{s};
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool ends_with_ci(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         lower(s.substr(s.size() - suffix.size())) == lower(suffix);
}

// Reads the CPIM message headers (RFC 3862 §3: up to the first empty line)
// for the IMDN ones (RFC 5438 §6), whatever the namespace prefix.
void read_cpim(std::string_view body, storage::records::queued_message& out) {
  auto end = body.find("\r\n\r\n");
  auto head = body.substr(0, end);
  std::size_t pos = 0;
  while (pos < head.size()) {
    auto eol = head.find("\r\n", pos);
    auto line =
        head.substr(pos, eol == std::string_view::npos ? std::string_view::npos
                                                       : eol - pos);
    auto colon = line.find(':');
    if (colon != std::string_view::npos) {
      auto name = line.substr(0, colon);
      auto value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ')
        value.remove_prefix(1);
      if (ends_with_ci(name, ".Disposition-Notification") &&
          lower(value).find("positive-delivery") != std::string::npos)
        out.notify_delivery = true;
      else if (ends_with_ci(name, ".Message-ID"))
        out.imdn_id = std::string{value};
    }
    if (eol == std::string_view::npos)
      break;
    pos = eol + 2;
  }
}

} // namespace

std::uint64_t unix_now() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count());
}

std::string iso8601(std::uint64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

intake make_intake(const sip::message& req,
                   const storage::records::account& sender,
                   const std::string& realm, std::size_t max_body) {
  intake out;
  if (req.body.size() > max_body) {
    out.code = 413;
    out.reason = "Request Entity Too Large";
    return out;
  }
  std::string type = "text/plain";
  if (auto ct = req.find(sip::header_id::content_type)) {
    auto mt = sip::parse_content_type(ct->value);
    if (!mt) {
      out.code = 400;
      out.reason = "Bad Content-Type";
      return out;
    }
    type = lower(mt->type + "/" + mt->subtype);
    if (lower(mt->type) != "text" && type != "message/cpim") {
      out.code = 415;
      out.reason = "Unsupported Media Type";
      out.headers.emplace_back("Accept", "text/plain, message/cpim");
      return out;
    }
    type = std::string{ct->value};
  }
  auto& m = out.msg;
  m.id = sip::core::random_tag() + sip::core::random_tag();
  m.from = (sender.display_name.empty()
                ? std::string{}
                : sip::quoted_string(sender.display_name) + " ") +
           "<sip:" + sender.username + "@" + realm + ">";
  m.from_ext = sender.extension;
  m.content_type = type;
  m.body = req.body;
  m.date_s = unix_now();
  if (lower(type).rfind("message/cpim", 0) == 0)
    read_cpim(req.body, m);
  auto from = sip::parse_name_addr(req.value_of("From"));
  auto tag = from ? from->tag() : std::nullopt;
  auto cseq = sip::parse_cseq(req.value_of("CSeq"));
  if (tag && cseq)
    out.dedup = storage::records::request_identity(
        *tag, req.value_of("Call-ID"), cseq->number);
  return out;
}

storage::records::queued_message
make_delivery_notification(const storage::records::queued_message& original,
                           const std::string& realm, std::uint64_t now_s) {
  storage::records::queued_message n;
  n.id = sip::core::random_tag() + sip::core::random_tag();
  n.from = "<" + original.to + ">";
  n.to = "sip:" + original.from_ext + "@" + realm;
  n.content_type = "message/cpim";
  n.date_s = now_s;
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
                    "<imdn xmlns=\"urn:ietf:params:xml:ns:imdn\">\r\n"
                    "<message-id>" +
                    original.imdn_id +
                    "</message-id>\r\n"
                    "<datetime>" +
                    iso8601(original.date_s) +
                    "</datetime>\r\n"
                    "<delivery-notification><status><delivered/></status>"
                    "</delivery-notification>\r\n</imdn>\r\n";
  n.body = "From: <" + original.to +
           ">\r\n"
           "To: <" +
           n.to +
           ">\r\n"
           "NS: imdn <urn:ietf:params:imdn>\r\n"
           "imdn.Message-ID: " +
           n.id +
           "\r\n"
           "DateTime: " +
           iso8601(now_s) +
           "\r\n"
           "\r\n"
           "Content-type: message/imdn+xml\r\n"
           "Content-Disposition: notification\r\n"
           "Content-length: " +
           std::to_string(xml.size()) +
           "\r\n"
           "\r\n" +
           xml;
  return n;
}

storage::records::queued_message make_notice(const std::string& to_ext,
                                             const std::string& realm,
                                             const std::string& text,
                                             std::uint64_t now_s) {
  storage::records::queued_message n;
  n.id = sip::core::random_tag() + sip::core::random_tag();
  n.from = "\"IVM appliance\" <sip:ivm@" + realm + ">";
  n.to = "sip:" + to_ext + "@" + realm;
  n.content_type = "text/plain;charset=UTF-8";
  n.body = text;
  n.date_s = now_s;
  return n;
}

} // namespace ivm::directory
