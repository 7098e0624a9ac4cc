// The subscription machine (RFC 6665 §4.1.2, §4.2): one input at a time.

#include "appliance/sip/events/subscription.hpp"

#include "appliance/sip/header_values.hpp"
#include "appliance/sip/name_addr.hpp"

namespace ivm::sip::events {

namespace {

constexpr unsigned bit(sub_input in) {
  return 1u << static_cast<unsigned>(in);
}

/// Inputs each state accepts (osmo-fsm's in_event_mask).
constexpr unsigned accepted[] = {
    // pending
    bit(sub_input::subscribe) | bit(sub_input::accept) |
        bit(sub_input::decline) | bit(sub_input::terminate) |
        bit(sub_input::timer) | bit(sub_input::notify_result),
    // active
    bit(sub_input::subscribe) | bit(sub_input::decline) |
        bit(sub_input::terminate) | bit(sub_input::timer) |
        bit(sub_input::notify_result),
    // terminated: late SUBSCRIBEs get 481, the final NOTIFY's answer drops it
    bit(sub_input::subscribe) | bit(sub_input::notify_result),
};

sub_effects finish(subscription_data& sub, term_reason why) {
  sub.state = sub_state::terminated;
  sub.reason = why;
  sub_effects fx;
  fx.notify = true; // final NOTIFY (RFC 6665 §4.2.2)
  fx.drop = true;
  return fx;
}

using header_pairs = std::vector<std::pair<std::string, std::string>>;

/// In-dialog SUBSCRIBE: refresh or unsubscribe (RFC 6665 §4.2.1.2,
/// §4.2.1.4).
sub_effects refresh(subscription_data& sub, const message& req,
                    std::uint64_t now, const notifier_context& ctx) {
  sub_effects fx;
  auto answer = [&](int code, std::string_view reason, header_pairs h = {}) {
    fx.response = make_answer(req, code, reason, sub.local_tag, std::move(h));
    return fx;
  };
  if (sub.state == sub_state::terminated)
    return answer(481, "Subscription Does Not Exist");
  auto seq = parse_cseq(req.value_of("CSeq"));
  if (!seq)
    return answer(400, "Bad CSeq");
  if (seq->number <= sub.remote_cseq) // RFC 3261 §12.2.2
    return answer(500, "Server Internal Error");
  auto* ev_hdr = req.find(header_id::event);
  if (ev_hdr == nullptr)
    return answer(400, "Missing Event");
  auto ev = parse_event(ev_hdr->value);
  if (!ev)
    return answer(400, "Bad Event Header");
  auto* pkg = ctx.config.find(ev->package);
  if (pkg == nullptr)
    return answer(489, "Bad Event",
                  {{"Allow-Events", ctx.config.allow_events()}});
  if (ev->package != sub.package ||
      std::string{ev->id().value_or("")} != sub.event_id)
    return answer(481, "Subscription Does Not Exist");
  auto expiry = choose_expiry(req, *pkg);
  if (expiry.malformed)
    return answer(400, "Bad Expires");
  if (expiry.too_brief)
    return answer(423, "Interval Too Brief",
                  {{"Min-Expires", std::to_string(pkg->min_expires)}});
  sub.remote_cseq = seq->number;
  // SUBSCRIBE is a target refresh request (RFC 6665 §4.1.2.1).
  if (auto* c = req.find(header_id::contact)) {
    auto contact = parse_contact(c->value);
    if (contact && !contact->star && contact->entries.size() == 1)
      sub.remote_target = contact->entries.front().uri_text;
  }
  header_pairs hdrs{{"Expires", std::to_string(expiry.seconds)},
                    {"Contact", ctx.contact}};
  if (expiry.seconds == 0) {
    auto response = make_answer(req, 200, "OK", sub.local_tag, hdrs);
    fx = finish(sub, term_reason::timeout);
    fx.response = std::move(response);
    return fx;
  }
  sub.expires_at = now + expiry.seconds;
  fx.timer_at = sub.expires_at;
  fx.notify = true; // RFC 6665 §4.2.1.2
  return answer(200, "OK", std::move(hdrs));
}

} // namespace

bool accepts(sub_state state, sub_input in) noexcept {
  return (accepted[static_cast<unsigned>(state)] & bit(in)) != 0;
}

sub_effects step(subscription_data& sub, const sub_event& ev, std::uint64_t now,
                 const notifier_context& ctx) {
  if (!accepts(sub.state, ev.input)) {
    sub_effects fx;
    fx.ignored = true;
    return fx;
  }
  switch (ev.input) {
    case sub_input::subscribe:
      if (ev.request == nullptr) {
        sub_effects fx;
        fx.ignored = true;
        return fx;
      }
      return refresh(sub, *ev.request, now, ctx);
    case sub_input::accept: {
      sub.state = sub_state::active;
      sub_effects fx;
      fx.notify = true;
      return fx;
    }
    case sub_input::decline:
      return finish(sub, term_reason::rejected);
    case sub_input::terminate:
      return finish(sub, ev.reason == term_reason::none
                             ? term_reason::deactivated
                             : ev.reason);
    case sub_input::timer: {
      if (now >= sub.expires_at)
        return finish(sub, term_reason::timeout);
      sub_effects fx; // refreshed meanwhile: re-arm
      fx.timer_at = sub.expires_at;
      return fx;
    }
    case sub_input::notify_result: {
      sub_effects fx;
      if (ev.status >= 100 && ev.status < 300) {
        fx.drop = sub.state == sub_state::terminated;
        return fx;
      }
      // RFC 6665 §4.2.2: 481, a timeout (408) or a transport failure end
      // the subscription without another NOTIFY; so do other failures.
      sub.state = sub_state::terminated;
      fx.drop = true;
      return fx;
    }
  }
  return {};
}

} // namespace ivm::sip::events
