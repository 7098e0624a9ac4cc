#pragma once

#include <array>
#include <cstdint>

#include "appliance/sip/transaction/effects.hpp"
#include "appliance/sip/transaction/events.hpp"
#include "appliance/sip/transaction/timer.hpp"

namespace ivm::sip {

/// The armed timers of one transaction, each tagged with a generation
/// number unique within the transaction. A firing counts only if its id and
/// generation match an armed timer, so cancelled and replaced timers that
/// fire late are recognised as stale.
class timer_set {
public:
  /// Arms `id` (replacing an armed one) and appends the start effect.
  void arm(timer_id id, tx_duration after, tx_time now,
           transaction_effects& out);

  /// Disarms `id` if armed and appends the cancel effect.
  void disarm(timer_id id, transaction_effects& out);

  /// Disarms every armed timer.
  void disarm_all(transaction_effects& out);

  /// Returns true and disarms the timer if `ev` matches an armed timer;
  /// returns false for a stale firing.
  bool fire(const events::timer_fired& ev);

  /// Returns true if `id` is armed.
  bool armed(timer_id id) const {
    return armed_[index(id)] != 0;
  }

private:
  static std::size_t index(timer_id id) {
    return static_cast<std::size_t>(id);
  }

  /// Generation per armed timer; 0 means "not armed".
  std::array<std::uint64_t, timer_count> armed_{};

  std::uint64_t next_generation_ = 1;
};

} // namespace ivm::sip
