#include "appliance/sip/transaction/non_invite_client_transaction.hpp"
#include "appliance/sip/transaction/step_guard.hpp"

#include <algorithm>
#include <cassert>
#include <utility>

#include "appliance/sip/transaction/status_class.hpp"
#include "appliance/sip/transaction/transition_table.hpp"

namespace ivm::sip {

namespace {

using st = non_invite_client_state;

/// The events, classified as the transition table sees them.
enum class input : std::uint8_t {
  start,
  provisional,
  final_response,
  timer_e,
  timer_f,
  timer_k,
  transport_error,
  invalid,
};

/// Indexed by state (RFC 3261 figure 6).
constexpr state_rule rules[] = {
    // idle
    {bits(input::start), bits(st::trying)},
    // trying
    {bits(input::provisional, input::final_response, input::timer_e,
          input::timer_f, input::transport_error),
     bits(st::proceeding, st::completed, st::terminated)},
    // proceeding
    {bits(input::provisional, input::final_response, input::timer_e,
          input::timer_f, input::transport_error),
     bits(st::completed, st::terminated)},
    // completed
    {bits(input::provisional, input::final_response, input::timer_k),
     bits(st::terminated)},
    // terminated
    {0, 0},
};

input classify(const client_event& ev) {
  if (std::holds_alternative<events::start>(ev))
    return input::start;
  if (auto r = std::get_if<events::response_received>(&ev)) {
    switch (classify_status(r->status_code)) {
      case status_class::provisional:
        return input::provisional;
      case status_class::success:
      case status_class::failure:
        return input::final_response;
      case status_class::invalid:
        return input::invalid;
    }
  }
  if (auto t = std::get_if<events::timer_fired>(&ev)) {
    switch (t->id) {
      case timer_id::e:
        return input::timer_e;
      case timer_id::f:
        return input::timer_f;
      case timer_id::k:
        return input::timer_k;
      default:
        return input::invalid;
    }
  }
  if (std::holds_alternative<events::transport_error>(ev))
    return input::transport_error;
  return input::invalid; // ack_built
}

} // namespace

std::string_view to_string(non_invite_client_state x) {
  switch (x) {
    case st::idle:
      return "Idle";
    case st::trying:
      return "Trying";
    case st::proceeding:
      return "Proceeding";
    case st::completed:
      return "Completed";
    case st::terminated:
      return "Terminated";
  }
  return "?";
}

non_invite_client_transaction::non_invite_client_transaction(timer_config cfg,
                                                             bool reliable)
  : cfg_(std::move(cfg)), reliable_(reliable) {
  // nop
}

bool non_invite_client_transaction::accepts(const client_event& ev) const {
  return sip::accepts(rules, state_, classify(ev));
}

transaction_effects non_invite_client_transaction::step(const client_event& ev,
                                                        tx_time now) {
  transaction_effects out;
  if (!admit(ev, *this, timers_, stats_))
    return out;
  if (auto s = std::get_if<events::start>(&ev)) { // §17.1.2.2
    request_ = s->request;
    enter(st::trying, now);
    out.emplace_back(effects::send{request_});
    if (!reliable_) {
      interval_ = cfg_.value(timer_id::e, reliable_);
      timers_.arm(timer_id::e, interval_, now, out);
    }
    timers_.arm(timer_id::f, cfg_.value(timer_id::f, reliable_), now, out);
  } else if (auto r = std::get_if<events::response_received>(&ev)) {
    on_response(r->status_code, now, out);
  } else if (auto t = std::get_if<events::timer_fired>(&ev)) {
    on_timer(t->id, now, out);
  } else { // transport error, §17.1.4
    out.emplace_back(effects::transport_failure{});
    terminate(now, out);
  }
  return out;
}

void non_invite_client_transaction::on_response(int status_code, tx_time now,
                                                transaction_effects& out) {
  if (state_ == st::completed) { // §17.1.2.2: buffer retransmissions
    ++stats_.absorbed;
    return;
  }
  out.emplace_back(effects::pass_to_tu{status_code});
  if (classify_status(status_code) == status_class::provisional) {
    // Timer E keeps running; its next firing resets it to T2.
    if (state_ == st::trying)
      enter(st::proceeding, now);
    return;
  }
  timers_.disarm_all(out);
  enter(st::completed, now);
  auto wait = cfg_.value(timer_id::k, reliable_);
  if (wait.count() > 0)
    timers_.arm(timer_id::k, wait, now, out);
  else
    terminate(now, out);
}

void non_invite_client_transaction::on_timer(timer_id id, tx_time now,
                                             transaction_effects& out) {
  switch (id) {
    case timer_id::e: // §17.1.2.2: MIN(2*interval, T2), T2 in Proceeding
      ++stats_.retransmissions;
      out.emplace_back(effects::send{request_});
      if (state_ == st::proceeding)
        interval_ = cfg_.t2;
      else
        interval_ = std::min(2 * interval_, cfg_.t2);
      timers_.arm(timer_id::e, interval_, now, out);
      break;
    case timer_id::f:
      out.emplace_back(effects::timeout{timer_id::f});
      terminate(now, out);
      break;
    default: // K in Completed
      terminate(now, out);
      break;
  }
}

void non_invite_client_transaction::enter(state_type next, tx_time now) {
  assert(may_move(rules, state_, next));
  state_ = next;
  entered_at_ = now;
}

void non_invite_client_transaction::terminate(tx_time now,
                                              transaction_effects& out) {
  timers_.disarm_all(out);
  enter(st::terminated, now);
  out.emplace_back(effects::terminated{});
}

} // namespace ivm::sip
