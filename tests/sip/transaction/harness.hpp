#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "appliance/sip/transaction/effects.hpp"
#include "appliance/sip/transaction/events.hpp"
#include "appliance/sip/transaction/timer.hpp"

namespace ivm::sip::test {

using namespace std::chrono_literals;

/// Renders an effect with the bytes of `send` spelled out, e.g. "send:ACK".
inline std::string describe(const effect& x) {
  if (auto s = std::get_if<effects::send>(&x))
    return "send:" + s->bytes;
  return to_string(x);
}

/// Renders all effects of a step.
inline std::vector<std::string> describe(const transaction_effects& xs) {
  std::vector<std::string> result;
  for (auto& x : xs)
    result.emplace_back(describe(x));
  return result;
}

/// Plays the caller of a machine with a fake clock: executes the timer
/// effects, fires due timers in order when time advances, answers
/// `build_ack` / `send_trying` when told how, and logs every effect with
/// the time it happened.
template <class Machine, class Event>
class harness {
public:
  struct record {
    tx_duration at;
    effect what;
  };

  explicit harness(Machine m) : machine(std::move(m)) {
    // nop
  }

  /// Steps the machine at the current time; returns that step's effects.
  transaction_effects feed(Event ev) {
    auto out = machine.step(ev, now_);
    for (auto& x : out)
      execute(x);
    return out;
  }

  /// Advances the clock by `d`, firing due timers in deadline order.
  void advance(tx_duration d) {
    advance_to(elapsed() + d);
  }

  /// Advances the clock to `t` after the start, firing due timers.
  void advance_to(tx_duration t) {
    auto target = epoch_ + t;
    for (;;) {
      auto next = timers_.end();
      for (auto i = timers_.begin(); i != timers_.end(); ++i)
        if (i->second.at <= target &&
            (next == timers_.end() || i->second.at < next->second.at ||
             (i->second.at == next->second.at &&
              i->second.generation < next->second.generation)))
          next = i;
      if (next == timers_.end())
        break;
      auto fired = next->second;
      timers_.erase(next);
      now_ = fired.at;
      feed(events::timer_fired{fired.id, fired.generation});
    }
    now_ = target;
  }

  /// Time since the start.
  tx_duration elapsed() const {
    return std::chrono::duration_cast<tx_duration>(now_ - epoch_);
  }

  tx_time now() const {
    return now_;
  }

  /// The pending start effect of timer `id`, if armed.
  std::optional<effects::start_timer> pending(timer_id id) const {
    if (auto i = timers_.find(id); i != timers_.end())
      return i->second;
    return std::nullopt;
  }

  /// When (in ms since the start) `bytes` were sent.
  std::vector<long long> send_times(const std::string& bytes) const {
    std::vector<long long> result;
    for (auto& r : log)
      if (auto s = std::get_if<effects::send>(&r.what); s && s->bytes == bytes)
        result.push_back(r.at.count());
    return result;
  }

  /// How many effects of type `Effect` happened.
  template <class Effect>
  size_t count() const {
    size_t n = 0;
    for (auto& r : log)
      n += std::holds_alternative<Effect>(r.what) ? 1 : 0;
    return n;
  }

  /// When (in ms since the start) effects of type `Effect` happened.
  template <class Effect>
  std::vector<long long> times_of() const {
    std::vector<long long> result;
    for (auto& r : log)
      if (std::holds_alternative<Effect>(r.what))
        result.push_back(r.at.count());
    return result;
  }

  Machine machine;

  /// Every effect so far.
  std::vector<record> log;

  /// If set, `build_ack` is answered with `events::ack_built{*ack}`.
  std::optional<std::string> ack;

  /// If set, `send_trying` is answered with `events::tu_response{100, ...}`.
  std::optional<std::string> trying;

private:
  void execute(const effect& x) {
    log.push_back(record{elapsed(), x});
    if (auto s = std::get_if<effects::start_timer>(&x)) {
      timers_[s->id] = *s;
    } else if (auto c = std::get_if<effects::cancel_timer>(&x)) {
      if (auto i = timers_.find(c->id);
          i != timers_.end() && i->second.generation == c->generation)
        timers_.erase(i);
    } else if (std::holds_alternative<effects::build_ack>(x)) {
      if constexpr (std::is_constructible_v<Event, events::ack_built>)
        if (ack)
          feed(events::ack_built{*ack});
    } else if (std::holds_alternative<effects::send_trying>(x)) {
      if constexpr (std::is_constructible_v<Event, events::tu_response>)
        if (trying)
          feed(events::tu_response{100, *trying});
    }
  }

  tx_time epoch_ = tx_time{} + 1h;
  tx_time now_ = epoch_;
  std::map<timer_id, effects::start_timer> timers_;
};

} // namespace ivm::sip::test
