#include "appliance/sip/transaction/invite_server_transaction.hpp"
#include "appliance/sip/transaction/step_guard.hpp"

#include <algorithm>
#include <cassert>
#include <utility>

#include "appliance/sip/transaction/status_class.hpp"
#include "appliance/sip/transaction/transition_table.hpp"

namespace ivm::sip {

namespace {

using st = invite_server_state;

/// The events, classified as the transition table sees them.
enum class input : std::uint8_t {
  request,
  provisional,
  success,
  failure,
  ack,
  timer_g,
  timer_h,
  timer_i,
  timer_l,
  timer_trying,
  transport_error,
  invalid,
};

/// Indexed by state (RFC 3261 figure 7, RFC 6026 figure 7).
constexpr state_rule rules[] = {
    // idle
    {bits(input::request), bits(st::proceeding)},
    // proceeding
    {bits(input::request, input::provisional, input::success, input::failure,
          input::timer_trying, input::transport_error),
     bits(st::completed, st::accepted, st::terminated)},
    // completed
    {bits(input::request, input::ack, input::timer_g, input::timer_h,
          input::transport_error),
     bits(st::confirmed, st::terminated)},
    // confirmed
    {bits(input::request, input::ack, input::timer_i), bits(st::terminated)},
    // accepted
    {bits(input::request, input::success, input::ack, input::timer_l,
          input::transport_error),
     bits(st::terminated)},
    // terminated
    {0, 0},
};

input classify(const server_event& ev) {
  if (std::holds_alternative<events::request_received>(ev))
    return input::request;
  if (auto r = std::get_if<events::tu_response>(&ev)) {
    switch (classify_status(r->status_code)) {
      case status_class::provisional:
        return input::provisional;
      case status_class::success:
        return input::success;
      case status_class::failure:
        return input::failure;
      case status_class::invalid:
        return input::invalid;
    }
  }
  if (std::holds_alternative<events::ack_received>(ev))
    return input::ack;
  if (auto t = std::get_if<events::timer_fired>(&ev)) {
    switch (t->id) {
      case timer_id::g:
        return input::timer_g;
      case timer_id::h:
        return input::timer_h;
      case timer_id::i:
        return input::timer_i;
      case timer_id::l:
        return input::timer_l;
      case timer_id::trying:
        return input::timer_trying;
      default:
        return input::invalid;
    }
  }
  if (std::holds_alternative<events::transport_error>(ev))
    return input::transport_error;
  return input::invalid;
}

} // namespace

std::string_view to_string(invite_server_state x) {
  switch (x) {
    case st::idle:
      return "Idle";
    case st::proceeding:
      return "Proceeding";
    case st::completed:
      return "Completed";
    case st::confirmed:
      return "Confirmed";
    case st::accepted:
      return "Accepted";
    case st::terminated:
      return "Terminated";
  }
  return "?";
}

invite_server_transaction::invite_server_transaction(timer_config cfg,
                                                     bool reliable)
  : cfg_(std::move(cfg)), reliable_(reliable) {
  // nop
}

bool invite_server_transaction::accepts(const server_event& ev) const {
  return sip::accepts(rules, state_, classify(ev));
}

transaction_effects invite_server_transaction::step(const server_event& ev,
                                                    tx_time now) {
  transaction_effects out;
  if (!admit(ev, *this, timers_, stats_))
    return out;
  if (std::holds_alternative<events::request_received>(ev))
    on_request(now, out);
  else if (auto r = std::get_if<events::tu_response>(&ev))
    on_response(*r, now, out);
  else if (std::holds_alternative<events::ack_received>(ev))
    on_ack(now, out);
  else if (auto t = std::get_if<events::timer_fired>(&ev))
    on_timer(t->id, now, out);
  else
    on_transport_error(now, out);
  return out;
}

void invite_server_transaction::on_request(tx_time now,
                                           transaction_effects& out) {
  switch (state_) {
    case st::idle: // §17.2.1: pass to the TU, 100 Trying unless it answers
      enter(st::proceeding, now);
      out.emplace_back(effects::pass_request_to_tu{});
      if (cfg_.auto_trying) {
        auto delay = cfg_.value(timer_id::trying, reliable_);
        if (delay.count() > 0)
          timers_.arm(timer_id::trying, delay, now, out);
        else
          out.emplace_back(effects::send_trying{});
      }
      break;
    case st::proceeding: // re-send the latest provisional, if any
    case st::completed:  // re-send the final response
      ++stats_.absorbed;
      if (!last_response_.empty()) {
        ++stats_.retransmissions;
        out.emplace_back(effects::send{last_response_});
      }
      break;
    default: // Confirmed, Accepted (RFC 6026 §8.7): absorbed
      ++stats_.absorbed;
      break;
  }
}

void invite_server_transaction::on_response(const events::tu_response& rsp,
                                            tx_time now,
                                            transaction_effects& out) {
  out.emplace_back(effects::send{rsp.bytes});
  switch (classify_status(rsp.status_code)) {
    case status_class::provisional:
      timers_.disarm(timer_id::trying, out);
      last_response_ = rsp.bytes;
      break;
    case status_class::success: // RFC 6026 §8.5, §8.7
      last_response_ = rsp.bytes;
      if (state_ == st::proceeding) {
        timers_.disarm_all(out);
        enter(st::accepted, now);
        timers_.arm(timer_id::l, cfg_.value(timer_id::l, reliable_), now, out);
      }
      break;
    case status_class::failure: // §17.2.1
      last_response_ = rsp.bytes;
      timers_.disarm_all(out);
      enter(st::completed, now);
      if (!reliable_) {
        interval_ = cfg_.value(timer_id::g, reliable_);
        timers_.arm(timer_id::g, interval_, now, out);
      }
      timers_.arm(timer_id::h, cfg_.value(timer_id::h, reliable_), now, out);
      break;
    case status_class::invalid:
      break; // filtered by the table
  }
}

void invite_server_transaction::on_ack(tx_time now, transaction_effects& out) {
  switch (state_) {
    case st::completed: { // §17.2.1
      timers_.disarm_all(out);
      enter(st::confirmed, now);
      auto wait = cfg_.value(timer_id::i, reliable_);
      if (wait.count() > 0)
        timers_.arm(timer_id::i, wait, now, out);
      else
        terminate(now, out);
      break;
    }
    case st::accepted: // RFC 6026 §7.1: ACKs for 2xx go to the TU
      out.emplace_back(effects::pass_ack_to_tu{});
      break;
    default: // Confirmed: absorbed
      ++stats_.absorbed;
      break;
  }
}

void invite_server_transaction::on_timer(timer_id id, tx_time now,
                                         transaction_effects& out) {
  switch (id) {
    case timer_id::trying:
      out.emplace_back(effects::send_trying{});
      break;
    case timer_id::g: // §17.2.1: MIN(2*interval, T2)
      ++stats_.retransmissions;
      out.emplace_back(effects::send{last_response_});
      interval_ = std::min(2 * interval_, cfg_.t2);
      timers_.arm(timer_id::g, interval_, now, out);
      break;
    case timer_id::h:
      out.emplace_back(effects::timeout{timer_id::h});
      terminate(now, out);
      break;
    default: // I in Confirmed, L in Accepted
      terminate(now, out);
      break;
  }
}

void invite_server_transaction::on_transport_error(tx_time now,
                                                   transaction_effects& out) {
  out.emplace_back(effects::transport_failure{});
  // In Accepted the TU owns the 2xx (RFC 6026): the transaction stays to
  // absorb INVITE retransmissions until Timer L.
  if (state_ != st::accepted)
    terminate(now, out);
}

void invite_server_transaction::enter(state_type next, tx_time now) {
  assert(may_move(rules, state_, next));
  state_ = next;
  entered_at_ = now;
}

void invite_server_transaction::terminate(tx_time now,
                                          transaction_effects& out) {
  timers_.disarm_all(out);
  enter(st::terminated, now);
  out.emplace_back(effects::terminated{});
}

} // namespace ivm::sip
