#pragma once

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

namespace ivm {

/// The error side of an `expected`, built with `unexpected(e)`.
template <class E>
struct unexpected_t {
  E error;
};

template <class E>
unexpected_t<std::decay_t<E>> unexpected(E&& e) {
  return {std::forward<E>(e)};
}

/// A value or an error (C++17 stand-in for std::expected). Pure code returns
/// it instead of throwing.
template <class T, class E>
class expected {
public:
  expected(T value) : v_(std::in_place_index<0>, std::move(value)) {
    // nop
  }

  template <class U>
  expected(unexpected_t<U> err)
    : v_(std::in_place_index<1>, E(std::move(err.error))) {
    // nop
  }

  bool has_value() const noexcept {
    return v_.index() == 0;
  }

  explicit operator bool() const noexcept {
    return has_value();
  }

  T& value() & {
    assert(has_value());
    return std::get<0>(v_);
  }

  const T& value() const& {
    assert(has_value());
    return std::get<0>(v_);
  }

  T&& value() && {
    assert(has_value());
    return std::get<0>(std::move(v_));
  }

  const E& error() const {
    assert(!has_value());
    return std::get<1>(v_);
  }

  T& operator*() & {
    return value();
  }

  const T& operator*() const& {
    return value();
  }

  T* operator->() {
    return &value();
  }

  const T* operator->() const {
    return &value();
  }

private:
  std::variant<T, E> v_;
};

} // namespace ivm
