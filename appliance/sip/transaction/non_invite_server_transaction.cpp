#include "appliance/sip/transaction/non_invite_server_transaction.hpp"
#include "appliance/sip/transaction/step_guard.hpp"

#include <cassert>
#include <utility>

#include "appliance/sip/transaction/status_class.hpp"
#include "appliance/sip/transaction/transition_table.hpp"

namespace ivm::sip {

namespace {

using st = non_invite_server_state;

/// The events, classified as the transition table sees them.
enum class input : std::uint8_t {
  request,
  provisional,
  final_response,
  timer_j,
  transport_error,
  invalid,
};

/// Indexed by state (RFC 3261 figure 8).
constexpr state_rule rules[] = {
    // idle
    {bits(input::request), bits(st::trying)},
    // trying
    {bits(input::request, input::provisional, input::final_response),
     bits(st::proceeding, st::completed, st::terminated)},
    // proceeding
    {bits(input::request, input::provisional, input::final_response,
          input::transport_error),
     bits(st::completed, st::terminated)},
    // completed
    {bits(input::request, input::timer_j, input::transport_error),
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
      case status_class::failure:
        return input::final_response;
      case status_class::invalid:
        return input::invalid;
    }
  }
  if (auto t = std::get_if<events::timer_fired>(&ev))
    return t->id == timer_id::j ? input::timer_j : input::invalid;
  if (std::holds_alternative<events::transport_error>(ev))
    return input::transport_error;
  return input::invalid; // ack_received
}

} // namespace

std::string_view to_string(non_invite_server_state x) {
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

non_invite_server_transaction::non_invite_server_transaction(timer_config cfg,
                                                             bool reliable)
  : cfg_(std::move(cfg)), reliable_(reliable) {
  // nop
}

bool non_invite_server_transaction::accepts(const server_event& ev) const {
  return sip::accepts(rules, state_, classify(ev));
}

transaction_effects non_invite_server_transaction::step(const server_event& ev,
                                                        tx_time now) {
  transaction_effects out;
  if (!admit(ev, *this, timers_, stats_))
    return out;
  if (std::holds_alternative<events::request_received>(ev)) {
    on_request(now, out);
  } else if (auto r = std::get_if<events::tu_response>(&ev)) {
    on_response(*r, now, out);
  } else if (std::holds_alternative<events::timer_fired>(ev)) {
    terminate(now, out); // Timer J in Completed
  } else {               // §17.2.4
    out.emplace_back(effects::transport_failure{});
    terminate(now, out);
  }
  return out;
}

void non_invite_server_transaction::on_request(tx_time now,
                                               transaction_effects& out) {
  switch (state_) {
    case st::idle: // §17.2.2: pass to the TU
      enter(st::trying, now);
      out.emplace_back(effects::pass_request_to_tu{});
      break;
    case st::trying: // discarded
      ++stats_.absorbed;
      break;
    default: // Proceeding, Completed: re-send the latest response
      ++stats_.absorbed;
      ++stats_.retransmissions;
      out.emplace_back(effects::send{last_response_});
      break;
  }
}

void non_invite_server_transaction::on_response(const events::tu_response& rsp,
                                                tx_time now,
                                                transaction_effects& out) {
  last_response_ = rsp.bytes;
  out.emplace_back(effects::send{rsp.bytes});
  if (classify_status(rsp.status_code) == status_class::provisional) {
    if (state_ == st::trying)
      enter(st::proceeding, now);
    return;
  }
  enter(st::completed, now);
  auto wait = cfg_.value(timer_id::j, reliable_);
  if (wait.count() > 0)
    timers_.arm(timer_id::j, wait, now, out);
  else
    terminate(now, out);
}

void non_invite_server_transaction::enter(state_type next, tx_time now) {
  assert(may_move(rules, state_, next));
  state_ = next;
  entered_at_ = now;
}

void non_invite_server_transaction::terminate(tx_time now,
                                              transaction_effects& out) {
  timers_.disarm_all(out);
  enter(st::terminated, now);
  out.emplace_back(effects::terminated{});
}

} // namespace ivm::sip
