#include "appliance/sip/transaction/timer_set.hpp"

namespace ivm::sip {

void timer_set::arm(timer_id id, tx_duration after, tx_time now,
                    transaction_effects& out) {
  auto generation = next_generation_++;
  armed_[index(id)] = generation;
  out.emplace_back(effects::start_timer{id, generation, after, now + after});
}

void timer_set::disarm(timer_id id, transaction_effects& out) {
  auto& slot = armed_[index(id)];
  if (slot == 0)
    return;
  out.emplace_back(effects::cancel_timer{id, slot});
  slot = 0;
}

void timer_set::disarm_all(transaction_effects& out) {
  for (std::size_t i = 0; i < timer_count; ++i)
    disarm(static_cast<timer_id>(i), out);
}

bool timer_set::fire(const events::timer_fired& ev) {
  if (index(ev.id) >= timer_count)
    return false;
  auto& slot = armed_[index(ev.id)];
  if (slot == 0 || slot != ev.generation)
    return false;
  slot = 0;
  return true;
}

} // namespace ivm::sip
