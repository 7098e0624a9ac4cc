#include "appliance/sip/events/publication.hpp"

#include <algorithm>

#include "appliance/sip/header_values.hpp"

namespace ivm::sip::events {

bool expire_publications(resource_publications& res, std::uint64_t now) {
  auto& es = res.entries;
  auto n = es.size();
  es.erase(std::remove_if(es.begin(), es.end(),
                          [now](auto& e) { return e.expires_at <= now; }),
           es.end());
  return es.size() != n;
}

std::optional<std::uint64_t> next_expiry(const resource_publications& res) {
  std::optional<std::uint64_t> out;
  for (auto& e : res.entries)
    if (!out || e.expires_at < *out)
      out = e.expires_at;
  return out;
}

publish_outcome apply_publish(resource_publications& res, const message& req,
                              std::uint64_t now, const events_config& cfg,
                              std::string new_etag, std::string_view to_tag) {
  publish_outcome out;
  auto answer = [&](int code, std::string_view reason,
                    std::vector<std::pair<std::string, std::string>> h = {}) {
    out.response = make_answer(req, code, reason, to_tag, std::move(h));
    return std::move(out);
  };
  out.changed = expire_publications(res, now);
  // RFC 3903 §6 step 2: Event must name a supported package.
  auto* ev_hdr = req.find(header_id::event);
  if (ev_hdr == nullptr)
    return answer(400, "Missing Event");
  auto ev = parse_event(ev_hdr->value);
  if (!ev)
    return answer(400, "Bad Event Header");
  auto* pkg = cfg.find(ev->package);
  if (pkg == nullptr || (!res.package.empty() && res.package != ev->package))
    return answer(489, "Bad Event", {{"Allow-Events", cfg.allow_events()}});
  // Step 3: locate the entry named by SIP-If-Match.
  auto* match = req.find("SIP-If-Match");
  auto entry = res.entries.end();
  if (match != nullptr) {
    entry = std::find_if(res.entries.begin(), res.entries.end(),
                         [&](auto& e) { return e.etag == match->value; });
    if (entry == res.entries.end())
      return answer(412, "Conditional Request Failed");
  } else if (req.body.empty()) {
    // Step 4: an initial PUBLISH carries state.
    return answer(400, "Missing Body");
  }
  // Step 5: the expiry.
  auto expiry = choose_expiry(req, *pkg);
  if (expiry.malformed)
    return answer(400, "Bad Expires");
  if (expiry.too_brief)
    return answer(423, "Interval Too Brief",
                  {{"Min-Expires", std::to_string(pkg->min_expires)}});
  res.package = ev->package;
  if (expiry.seconds == 0) {
    // Removal (RFC 3903 §4.5); an initial PUBLISH with 0 stores nothing.
    if (entry != res.entries.end()) {
      res.entries.erase(entry);
      out.changed = true;
    }
    return answer(200, "OK", {{"Expires", "0"}});
  }
  std::string type{req.value_of("Content-Type")};
  if (entry == res.entries.end()) {
    res.entries.push_back(
        {new_etag, req.body, std::move(type), now + expiry.seconds});
    out.changed = true;
  } else {
    // Step 6: refresh (no body) or modify (body replaces the state).
    entry->etag = new_etag;
    entry->expires_at = now + expiry.seconds;
    if (!req.body.empty()) {
      entry->body = req.body;
      entry->content_type = std::move(type);
      out.changed = true;
    }
  }
  return answer(200, "OK",
                {{"SIP-ETag", std::move(new_etag)},
                 {"Expires", std::to_string(expiry.seconds)}});
}

} // namespace ivm::sip::events
