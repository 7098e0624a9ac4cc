#include "appliance/sip/transaction/timer.hpp"

namespace ivm::sip {

std::string_view to_string(timer_id id) {
  switch (id) {
    case timer_id::a:
      return "A";
    case timer_id::b:
      return "B";
    case timer_id::d:
      return "D";
    case timer_id::e:
      return "E";
    case timer_id::f:
      return "F";
    case timer_id::g:
      return "G";
    case timer_id::h:
      return "H";
    case timer_id::i:
      return "I";
    case timer_id::j:
      return "J";
    case timer_id::k:
      return "K";
    case timer_id::l:
      return "L";
    case timer_id::m:
      return "M";
    case timer_id::trying:
      return "trying";
  }
  return "?";
}

tx_duration timer_config::value(timer_id id, bool reliable) const {
  auto long_wait = [this](const std::optional<tx_duration>& x) {
    return x ? *x : 64 * t1;
  };
  switch (id) {
    case timer_id::a:
    case timer_id::e:
    case timer_id::g:
      return t1;
    case timer_id::b:
      return long_wait(timer_b);
    case timer_id::f:
      return long_wait(timer_f);
    case timer_id::h:
      return long_wait(timer_h);
    case timer_id::j:
      return reliable ? tx_duration{0} : long_wait(timer_j);
    case timer_id::l:
      return long_wait(timer_l);
    case timer_id::m:
      return long_wait(timer_m);
    case timer_id::d:
      return reliable ? tx_duration{0} : timer_d;
    case timer_id::i:
    case timer_id::k:
      return reliable ? tx_duration{0} : t4;
    case timer_id::trying:
      return trying_delay;
  }
  return tx_duration{0};
}

} // namespace ivm::sip
