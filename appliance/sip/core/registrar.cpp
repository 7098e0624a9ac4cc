#include "appliance/sip/core/registrar.hpp"

#include <algorithm>
#include <ctime>

#include "appliance/sip/header_values.hpp"
#include "appliance/sip/name_addr.hpp"

namespace ivm::sip::core {

namespace {

register_outcome fail(int code, std::string reason) {
  register_outcome out;
  out.code = code;
  out.reason = std::move(reason);
  return out;
}

std::string http_date(std::uint64_t now_s) {
  std::time_t t = static_cast<std::time_t>(now_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

std::string q_text(std::uint16_t q) {
  if (q >= 1000)
    return "1";
  std::string out = "0.";
  out += static_cast<char>('0' + q / 100);
  out += static_cast<char>('0' + (q / 10) % 10);
  out += static_cast<char>('0' + q % 10);
  while (out.back() == '0' && out.size() > 3)
    out.pop_back();
  return out;
}

} // namespace

std::vector<contact_binding> live_bindings(std::vector<contact_binding> all,
                                           std::uint64_t now_s) {
  all.erase(std::remove_if(all.begin(), all.end(),
                           [now_s](const contact_binding& b) {
                             return b.expires_s <= now_s;
                           }),
            all.end());
  std::stable_sort(all.begin(), all.end(),
                   [](const contact_binding& x, const contact_binding& y) {
                     return x.q > y.q;
                   });
  return all;
}

register_outcome apply_register(const std::vector<contact_binding>& current,
                                const message& req, std::uint64_t now_s,
                                const registrar_config& cfg) {
  auto bindings = live_bindings(current, now_s);
  auto cseq = parse_cseq(req.value_of("CSeq"));
  if (!cseq)
    return fail(400, "Bad CSeq");
  std::string call_id{req.value_of("Call-ID")};
  std::optional<std::uint32_t> header_expires;
  if (auto h = req.find(header_id::expires)) {
    auto e = parse_expires(h->value);
    if (!e)
      return fail(400, "Bad Expires");
    header_expires = *e;
  }
  // Collect every Contact value of every Contact line.
  bool star = false;
  std::vector<name_addr> contacts;
  for (auto h : req.find_all("Contact")) {
    auto list = parse_contact(h->value);
    if (!list)
      return fail(400, "Bad Contact");
    star = star || list->star;
    for (auto& c : list->entries)
      contacts.push_back(std::move(c));
  }
  register_outcome out;
  if (star) {
    // RFC 3261 §10.3 step 6: "*" only alone and with Expires: 0.
    if (!contacts.empty() || header_expires != std::optional<std::uint32_t>{0})
      return fail(400, "Contact * needs Expires: 0 and no other contact");
    for (auto& b : bindings) {
      if (b.call_id == call_id && cseq->number <= b.cseq)
        return fail(500, "Out of order CSeq");
    }
    for (auto& b : bindings)
      out.removed.push_back(b.contact);
    bindings.clear();
  }
  for (auto& c : contacts) {
    if (!c.uri.is_sip() && c.uri.scheme != "tel")
      return fail(400, "Contact must be a SIP URI");
    std::uint32_t expires = cfg.default_expires;
    if (auto e = contact_expires(c))
      expires = *e;
    else if (header_expires)
      expires = *header_expires;
    if (expires != 0 && expires < cfg.min_expires) {
      auto r = fail(423, "Interval Too Brief");
      r.headers.emplace_back("Min-Expires", std::to_string(cfg.min_expires));
      return r;
    }
    expires = std::min(expires, cfg.max_expires);
    auto it = std::find_if(
        bindings.begin(), bindings.end(),
        [&](const contact_binding& b) { return b.contact == c.uri_text; });
    if (it != bindings.end() && it->call_id == call_id &&
        cseq->number <= it->cseq)
      return fail(500, "Out of order CSeq");
    if (expires == 0) {
      if (it != bindings.end()) {
        out.removed.push_back(it->contact);
        bindings.erase(it);
      }
      continue;
    }
    contact_binding b;
    b.contact = c.uri_text;
    b.q = static_cast<std::uint16_t>(contact_q(c).value_or(1000));
    b.expires_s = now_s + expires;
    b.call_id = call_id;
    b.cseq = cseq->number;
    if (it != bindings.end())
      *it = b;
    else
      bindings.push_back(b);
    out.upserted.push_back(b);
  }
  if (bindings.size() > cfg.max_bindings)
    return fail(403, "Too many contacts for this user");
  out.bindings = live_bindings(std::move(bindings), now_s);
  for (auto& b : out.bindings)
    out.headers.emplace_back(
        "Contact", "<" + b.contact +
                       ">;expires=" + std::to_string(b.expires_s - now_s) +
                       ";q=" + q_text(b.q));
  out.headers.emplace_back("Date", http_date(now_s));
  return out;
}

} // namespace ivm::sip::core
