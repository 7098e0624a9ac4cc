#pragma once

#include <variant>

#include "appliance/sip/transaction/effects.hpp"
#include "appliance/sip/transaction/events.hpp"
#include "appliance/sip/transaction/timer_set.hpp"

namespace ivm::sip {

/// The checks every machine's `step` runs first: a firing of a cancelled or
/// replaced timer, or an event the current state does not accept, is counted
/// in `stats` and ignored. Returns true when the step should go on.
template <class Event, class Machine>
bool admit(const Event& ev, const Machine& machine, timer_set& timers,
           transaction_stats& stats) {
  if (auto t = std::get_if<events::timer_fired>(&ev); t && !timers.fire(*t)) {
    ++stats.stale_timers;
    return false;
  }
  if (!machine.accepts(ev)) {
    ++stats.ignored_events;
    return false;
  }
  return true;
}

} // namespace ivm::sip
