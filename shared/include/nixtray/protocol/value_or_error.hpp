// A value or an error, for results whose failures are expected (an agent that does not answer, a
// refused request): both sides return these instead of throwing. Outcome (protocol/outcome.hpp)
// and the tray's ActionResult are the two instances.
#pragma once

#include <utility>
#include <variant>

namespace nixtray {

template <class T, class E>
class ValueOrError {
 public:
  ValueOrError(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit on purpose
  ValueOrError(E error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  [[nodiscard]] bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(state_); }
  const T& value() const { return std::get<0>(state_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  [[nodiscard]] const E& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, E> state_;
};

}  // namespace nixtray
