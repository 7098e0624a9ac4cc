#include "appliance/sip/events/subscription.hpp"

#include "appliance/sip/header_values.hpp"
#include "appliance/sip/name_addr.hpp"
#include "appliance/sip/uri.hpp"

namespace ivm::sip::events {

namespace {

bool has_lr(std::string_view route_uri) {
  auto u = parse_uri(route_uri);
  return u && find_param(u->params, "lr") != nullptr;
}

} // namespace

const char* to_string(sub_state x) noexcept {
  switch (x) {
    case sub_state::pending:
      return "pending";
    case sub_state::active:
      return "active";
    default:
      return "terminated";
  }
}

const char* to_string(term_reason x) noexcept {
  switch (x) {
    case term_reason::timeout:
      return "timeout";
    case term_reason::rejected:
      return "rejected";
    case term_reason::deactivated:
      return "deactivated";
    case term_reason::noresource:
      return "noresource";
    case term_reason::giveup:
      return "giveup";
    default:
      return "";
  }
}

expected<subscription_start, message>
create_subscription(const message& req, const notifier_context& ctx,
                    std::string local_tag, bool authorized, std::uint64_t now) {
  auto reject =
      [&](int code, std::string_view reason,
          std::vector<std::pair<std::string, std::string>> hdrs = {}) {
        return unexpected(
            make_answer(req, code, reason, local_tag, std::move(hdrs)));
      };
  // RFC 6665 §4.2.1: Event is mandatory (400), unknown packages get 489
  // with Allow-Events (§8.3.2).
  auto* ev_hdr = req.find(header_id::event);
  if (ev_hdr == nullptr)
    return reject(400, "Missing Event", {});
  auto ev = parse_event(ev_hdr->value);
  if (!ev)
    return reject(400, "Bad Event Header", {});
  auto* pkg = ctx.config.find(ev->package);
  if (pkg == nullptr)
    return reject(489, "Bad Event",
                  {{"Allow-Events", ctx.config.allow_events()}});
  auto from = parse_name_addr(req.value_of("From"));
  auto to = parse_name_addr(req.value_of("To"));
  if (!from || !to || !from->tag())
    return reject(400, "Bad From or To", {});
  if (to->tag())
    return reject(481, "Subscription Does Not Exist", {});
  auto contact = parse_contact(req.value_of("Contact"));
  if (!contact || contact->star || contact->entries.size() != 1)
    return reject(400, "Bad Contact", {});
  auto seq = parse_cseq(req.value_of("CSeq"));
  if (!seq)
    return reject(400, "Bad CSeq", {});
  std::vector<std::string> routes;
  for (auto value : req.values("Record-Route")) {
    auto rr = parse_name_addr(value);
    if (!rr)
      return reject(400, "Bad Record-Route", {});
    routes.push_back(rr->uri_text);
  }
  auto expiry = choose_expiry(req, *pkg);
  if (expiry.malformed)
    return reject(400, "Bad Expires", {});
  if (expiry.too_brief)
    return reject(423, "Interval Too Brief",
                  {{"Min-Expires", std::to_string(pkg->min_expires)}});
  subscription_start out;
  auto& s = out.data;
  s.call_id = std::string{req.value_of("Call-ID")};
  s.local_tag = local_tag;
  s.remote_tag = std::string{*from->tag()};
  s.local_party = std::string{req.value_of("To")}; // has no tag
  s.remote_party = std::string{req.value_of("From")};
  s.remote_target = contact->entries.front().uri_text;
  s.route_set = std::move(routes); // in order, as a UAS (RFC 3261 §12.1.1)
  s.remote_cseq = seq->number;
  s.package = ev->package;
  if (auto id = ev->id())
    s.event_id = std::string{*id};
  s.expires_at = now + expiry.seconds;
  s.state = authorized ? sub_state::active : sub_state::pending;
  int code = !authorized && ctx.legacy_202 ? 202 : 200;
  auto& fx = out.effects;
  fx.response = make_answer(
      req, code, code == 200 ? "OK" : "Accepted", local_tag,
      {{"Expires", std::to_string(expiry.seconds)}, {"Contact", ctx.contact}});
  fx.notify = true; // RFC 6665 §4.2.1.2: NOTIFY at once
  if (expiry.seconds == 0) {
    // A fetch (RFC 6665 §4.4.3): one NOTIFY, then gone.
    s.state = sub_state::terminated;
    s.reason = term_reason::timeout;
    fx.drop = true;
  } else {
    fx.timer_at = s.expires_at;
  }
  return out;
}

std::string subscription_state_value(const subscription_data& sub,
                                     std::uint64_t now) {
  std::string out = to_string(sub.state);
  if (sub.state == sub_state::terminated) {
    if (sub.reason != term_reason::none)
      out += std::string{";reason="} + to_string(sub.reason);
    return out;
  }
  auto left = sub.expires_at > now ? sub.expires_at - now : 0;
  out += ";expires=" + std::to_string(left);
  return out;
}

message make_notify(subscription_data& sub, std::uint64_t now,
                    const notifier_context& ctx, std::string_view content_type,
                    std::string body) {
  // RFC 3261 §12.2.1.1: loose first route -> Request-URI is the remote
  // target; strict first route -> it becomes the Request-URI and the
  // remote target goes last.
  std::string ruri = sub.remote_target;
  std::vector<std::string> routes = sub.route_set;
  if (!routes.empty() && !has_lr(routes.front())) {
    ruri = routes.front();
    routes.erase(routes.begin());
    routes.push_back(sub.remote_target);
  }
  auto msg = message::make_request("NOTIFY", ruri);
  for (auto& r : routes)
    msg.add("Route", '<' + r + '>');
  msg.add("Max-Forwards", std::to_string(ctx.max_forwards));
  msg.add("From", sub.local_party + ";tag=" + sub.local_tag);
  msg.add("To", sub.remote_party);
  msg.add("Call-ID", sub.call_id);
  msg.add("CSeq", std::to_string(++sub.local_cseq) + " NOTIFY");
  std::string ev = sub.package;
  if (!sub.event_id.empty())
    ev += ";id=" + sub.event_id;
  msg.add("Event", std::move(ev));
  msg.add("Subscription-State", subscription_state_value(sub, now));
  msg.add("Contact", ctx.contact);
  if (!content_type.empty())
    msg.add("Content-Type", std::string{content_type});
  msg.body = std::move(body);
  return msg;
}

bool matches_dialog(const subscription_data& sub, const message& req) {
  if (req.value_of("Call-ID") != sub.call_id)
    return false;
  auto from = parse_name_addr(req.value_of("From"));
  auto to = parse_name_addr(req.value_of("To"));
  return from && to && from->tag() && to->tag() &&
         *from->tag() == sub.remote_tag && *to->tag() == sub.local_tag;
}

} // namespace ivm::sip::events
