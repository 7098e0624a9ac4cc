#include "appliance/sip/transaction/invite_client_transaction.hpp"
#include "appliance/sip/transaction/step_guard.hpp"

#include <cassert>
#include <utility>

#include "appliance/sip/transaction/status_class.hpp"
#include "appliance/sip/transaction/transition_table.hpp"

namespace ivm::sip {

namespace {

using st = invite_client_state;

/// The events, classified as the transition table sees them.
enum class input : std::uint8_t {
  start,
  provisional,
  success,
  failure,
  ack_built,
  timer_a,
  timer_b,
  timer_d,
  timer_m,
  transport_error,
  invalid,
};

/// Indexed by state: the inputs each state accepts, the states it may
/// enter (RFC 3261 figure 5, RFC 6026 figure 5).
constexpr state_rule rules[] = {
    // idle
    {bits(input::start), bits(st::calling)},
    // calling
    {bits(input::provisional, input::success, input::failure, input::timer_a,
          input::timer_b, input::transport_error),
     bits(st::proceeding, st::completed, st::accepted, st::terminated)},
    // proceeding
    {bits(input::provisional, input::success, input::failure,
          input::transport_error),
     bits(st::completed, st::accepted, st::terminated)},
    // completed
    {bits(input::failure, input::ack_built, input::timer_d,
          input::transport_error),
     bits(st::terminated)},
    // accepted
    {bits(input::success, input::timer_m), bits(st::terminated)},
    // terminated
    {0, 0},
};

input classify_timer(timer_id id) {
  switch (id) {
    case timer_id::a:
      return input::timer_a;
    case timer_id::b:
      return input::timer_b;
    case timer_id::d:
      return input::timer_d;
    case timer_id::m:
      return input::timer_m;
    default:
      return input::invalid;
  }
}

input classify(const client_event& ev) {
  if (std::holds_alternative<events::start>(ev))
    return input::start;
  if (auto r = std::get_if<events::response_received>(&ev)) {
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
  if (std::holds_alternative<events::ack_built>(ev))
    return input::ack_built;
  if (auto t = std::get_if<events::timer_fired>(&ev))
    return classify_timer(t->id);
  if (std::holds_alternative<events::transport_error>(ev))
    return input::transport_error;
  return input::invalid;
}

} // namespace

std::string_view to_string(invite_client_state x) {
  switch (x) {
    case st::idle:
      return "Idle";
    case st::calling:
      return "Calling";
    case st::proceeding:
      return "Proceeding";
    case st::completed:
      return "Completed";
    case st::accepted:
      return "Accepted";
    case st::terminated:
      return "Terminated";
  }
  return "?";
}

invite_client_transaction::invite_client_transaction(timer_config cfg,
                                                     bool reliable)
  : cfg_(std::move(cfg)), reliable_(reliable) {
  // nop
}

bool invite_client_transaction::accepts(const client_event& ev) const {
  return sip::accepts(rules, state_, classify(ev));
}

transaction_effects invite_client_transaction::step(const client_event& ev,
                                                    tx_time now) {
  transaction_effects out;
  if (!admit(ev, *this, timers_, stats_))
    return out;
  if (auto s = std::get_if<events::start>(&ev)) { // §17.1.1.2
    request_ = s->request;
    enter(st::calling, now);
    out.emplace_back(effects::send{request_});
    if (!reliable_) {
      interval_ = cfg_.value(timer_id::a, reliable_);
      timers_.arm(timer_id::a, interval_, now, out);
    }
    timers_.arm(timer_id::b, cfg_.value(timer_id::b, reliable_), now, out);
  } else if (auto r = std::get_if<events::response_received>(&ev)) {
    on_response(r->status_code, now, out);
  } else if (auto a = std::get_if<events::ack_built>(&ev)) {
    on_ack_built(a->ack, now, out);
  } else if (auto t = std::get_if<events::timer_fired>(&ev)) {
    on_timer(t->id, now, out);
  } else { // transport error, §17.1.4
    out.emplace_back(effects::transport_failure{});
    terminate(now, out);
  }
  return out;
}

void invite_client_transaction::on_response(int status_code, tx_time now,
                                            transaction_effects& out) {
  switch (classify_status(status_code)) {
    case status_class::provisional:
      if (state_ == st::calling) {
        timers_.disarm(timer_id::a, out);
        timers_.disarm(timer_id::b, out);
        enter(st::proceeding, now);
      }
      out.emplace_back(effects::pass_to_tu{status_code});
      break;
    case status_class::success:
      if (state_ != st::accepted) { // RFC 6026 §8.4
        timers_.disarm_all(out);
        enter(st::accepted, now);
        timers_.arm(timer_id::m, cfg_.value(timer_id::m, reliable_), now, out);
      }
      out.emplace_back(effects::pass_to_tu{status_code});
      break;
    case status_class::failure:
      on_final_failure(status_code, now, out);
      break;
    case status_class::invalid:
      break; // filtered by the table
  }
}

void invite_client_transaction::on_final_failure(int status_code, tx_time now,
                                                 transaction_effects& out) {
  if (state_ == st::completed) {
    // §17.1.1.2: a retransmission re-sends the ACK, never reaches the TU.
    ++stats_.absorbed;
    if (ack_.empty()) {
      out.emplace_back(effects::build_ack{status_code});
    } else {
      ++stats_.retransmissions;
      send(ack_, out);
    }
    return;
  }
  timers_.disarm_all(out);
  enter(st::completed, now);
  out.emplace_back(effects::pass_to_tu{status_code});
  out.emplace_back(effects::build_ack{status_code});
  auto wait = cfg_.value(timer_id::d, reliable_);
  if (wait.count() > 0)
    timers_.arm(timer_id::d, wait, now, out);
  // With a zero Timer D the transaction ends once the ACK is out.
}

void invite_client_transaction::on_ack_built(std::string ack, tx_time now,
                                             transaction_effects& out) {
  ack_ = std::move(ack);
  send(ack_, out);
  if (!timers_.armed(timer_id::d))
    terminate(now, out);
}

void invite_client_transaction::on_timer(timer_id id, tx_time now,
                                         transaction_effects& out) {
  switch (id) {
    case timer_id::a: // §17.1.1.2: doubles, no cap
      ++stats_.retransmissions;
      send(request_, out);
      interval_ *= 2;
      timers_.arm(timer_id::a, interval_, now, out);
      break;
    case timer_id::b:
      out.emplace_back(effects::timeout{timer_id::b});
      terminate(now, out);
      break;
    default: // D in Completed, M in Accepted
      terminate(now, out);
      break;
  }
}

void invite_client_transaction::send(const std::string& bytes,
                                     transaction_effects& out) {
  out.emplace_back(effects::send{bytes});
}

void invite_client_transaction::enter(state_type next, tx_time now) {
  assert(may_move(rules, state_, next));
  state_ = next;
  entered_at_ = now;
}

void invite_client_transaction::terminate(tx_time now,
                                          transaction_effects& out) {
  timers_.disarm_all(out);
  enter(st::terminated, now);
  out.emplace_back(effects::terminated{});
}

} // namespace ivm::sip
