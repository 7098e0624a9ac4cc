#include "provisioning/tftp/transfer.hpp"

#include <algorithm>
#include <cassert>
#include <utility>

#include "appliance/sip/transaction/transition_table.hpp"
#include "provisioning/tftp/codec.hpp"

namespace ivm::provisioning::tftp {

namespace {

using st = transfer_state;
using sip::bits;
using sip::state_rule;

/// The events, classified as the transition table sees them.
enum class input : std::uint8_t {
  start,
  ack,
  client_error,
  timeout,
};

/// Indexed by state.
constexpr state_rule rules[] = {
    // idle
    {bits(input::start), bits(st::negotiating, st::sending)},
    // negotiating
    {bits(input::ack, input::client_error, input::timeout),
     bits(st::sending, st::finished)},
    // sending
    {bits(input::ack, input::client_error, input::timeout), bits(st::finished)},
    // finished
    {0, 0},
};

input classify(const transfer_event& ev) {
  struct visitor {
    input operator()(const events::start&) const {
      return input::start;
    }
    input operator()(const events::ack_received&) const {
      return input::ack;
    }
    input operator()(const events::error_received&) const {
      return input::client_error;
    }
    input operator()(const events::timer_fired&) const {
      return input::timeout;
    }
  };
  return std::visit(visitor{}, ev);
}

std::uint16_t wire_block(std::uint64_t index) {
  return static_cast<std::uint16_t>(index & 0xFFFF);
}

} // namespace

std::string_view to_string(transfer_state x) {
  switch (x) {
    case st::idle:
      return "idle";
    case st::negotiating:
      return "negotiating";
    case st::sending:
      return "sending";
    case st::finished:
      return "finished";
  }
  return "?";
}

transfer::transfer(const server_config& cfg, const std::vector<option>& options,
                   std::uint64_t file_size)
  : nego_(negotiate(options, cfg, file_size)), max_retries_(cfg.max_retries),
    file_size_(file_size), blocks_(file_size / nego_.block_size + 1) {
  if (!nego_.acknowledged.empty())
    oack_ = make_oack(nego_.acknowledged);
}

std::uint64_t transfer::bytes_acked() const noexcept {
  return std::min<std::uint64_t>(acked_ * nego_.block_size, file_size_);
}

bool transfer::accepts(const transfer_event& ev) const {
  return sip::accepts(rules, state_, classify(ev));
}

transfer_effects transfer::step(const transfer_event& ev, time_point now) {
  transfer_effects out;
  if (auto t = std::get_if<events::timer_fired>(&ev)) {
    if (timer_ == 0 || t->generation != timer_) {
      ++stats_.stale_timers;
      return out;
    }
    timer_ = 0;
  }
  if (!accepts(ev)) {
    ++stats_.ignored_events;
    return out;
  }
  if (std::holds_alternative<events::start>(ev)) {
    on_start(now, out);
  } else if (auto a = std::get_if<events::ack_received>(&ev)) {
    on_ack(a->block, now, out);
  } else if (auto e = std::get_if<events::error_received>(&ev)) {
    finish(effects::done{effects::outcome::client_error, bytes_acked(), e->code,
                         e->message},
           now, out);
  } else {
    on_timeout(now, out);
  }
  return out;
}

void transfer::on_start(time_point now, transfer_effects& out) {
  if (oack_.empty()) { // RFC 1350: DATA 1 answers the RRQ
    enter(st::sending, now);
    send_window(now, out);
    return;
  }
  enter(st::negotiating, now); // RFC 2347: OACK, then ACK 0
  out.emplace_back(effects::send{oack_});
  arm(now, out);
}

void transfer::on_ack(std::uint16_t block, time_point now,
                      transfer_effects& out) {
  if (state_ == st::negotiating) {
    if (block != 0) {
      ++stats_.stale_acks;
      return;
    }
    retries_ = 0;
    enter(st::sending, now);
    send_window(now, out);
    return;
  }
  // Find the block index k in acked_ .. next_-1 whose wire number this is.
  auto last_sent = next_ - 1;
  auto back = static_cast<std::uint16_t>(wire_block(last_sent) - block);
  if (back > last_sent - acked_) {
    ++stats_.stale_acks;
    return;
  }
  auto k = last_sent - back;
  if (k == acked_) { // RFC 1123 §4.2.3.1: never answer a duplicate ACK
    ++stats_.duplicate_acks;
    return;
  }
  acked_ = k;
  retries_ = 0;
  if (acked_ == blocks_) {
    finish(effects::done{effects::outcome::completed, bytes_acked(), 0, {}},
           now, out);
    return;
  }
  send_window(now, out);
}

void transfer::on_timeout(time_point now, transfer_effects& out) {
  ++stats_.timeouts;
  if (retries_ >= max_retries_) {
    finish(effects::done{effects::outcome::timed_out, bytes_acked(), 0, {}},
           now, out);
    return;
  }
  ++retries_;
  if (state_ == st::negotiating) {
    ++stats_.retransmissions;
    out.emplace_back(effects::send{oack_});
    arm(now, out);
    return;
  }
  send_window(now, out);
}

void transfer::send_window(time_point now, transfer_effects& out) {
  auto first = acked_ + 1;
  auto last = std::min(acked_ + nego_.window_size, blocks_);
  for (auto i = first; i <= last; ++i) {
    auto offset = (i - 1) * nego_.block_size;
    auto length = static_cast<std::size_t>(
        std::min<std::uint64_t>(nego_.block_size, file_size_ - offset));
    bool again = i < next_;
    out.emplace_back(effects::send_data{wire_block(i), offset, length, again});
    ++stats_.data_sent;
    if (again)
      ++stats_.retransmissions;
  }
  next_ = std::max(next_, last + 1);
  arm(now, out);
}

void transfer::arm(time_point now, transfer_effects& out) {
  timer_ = next_generation_++;
  out.emplace_back(
      effects::set_timer{timer_, nego_.timeout, now + nego_.timeout});
}

void transfer::finish(effects::done result, time_point now,
                      transfer_effects& out) {
  if (timer_ != 0) {
    out.emplace_back(effects::cancel_timer{timer_});
    timer_ = 0;
  }
  enter(st::finished, now);
  out.emplace_back(std::move(result));
}

void transfer::enter(transfer_state next, time_point now) {
  assert(sip::may_move(rules, state_, next));
  state_ = next;
  entered_at_ = now;
}

} // namespace ivm::provisioning::tftp
