#pragma once

#include <cstddef>
#include <cstdint>

namespace ivm::sip {

/// One row of a transition table: the inputs a state accepts and the states
/// it may move to, as bit masks over the enums (after osmo-fsm's
/// `in_event_mask` / `out_state_mask`).
struct state_rule {
  std::uint32_t inputs = 0;
  std::uint32_t next_states = 0;
};

/// Returns the bit of one enum value.
template <class Enum>
constexpr std::uint32_t bit(Enum x) {
  return std::uint32_t{1} << static_cast<unsigned>(x);
}

/// Returns the union of the bits of several enum values.
template <class... Enums>
constexpr std::uint32_t bits(Enums... xs) {
  return (std::uint32_t{0} | ... | bit(xs));
}

/// Returns true if `rules[state]` accepts `input`.
template <class State, class Input, std::size_t N>
constexpr bool accepts(const state_rule (&rules)[N], State state, Input input) {
  auto i = static_cast<std::size_t>(state);
  return i < N && (rules[i].inputs & bit(input)) != 0;
}

/// Returns true if `rules[from]` may move to `to`.
template <class State, std::size_t N>
constexpr bool may_move(const state_rule (&rules)[N], State from, State to) {
  auto i = static_cast<std::size_t>(from);
  return i < N && (rules[i].next_states & bit(to)) != 0;
}

} // namespace ivm::sip
