// Hand-over points between the io thread and the GUI thread, so that a burst of core callbacks
// costs one CallAfter, not one each: the producer learns whether the consumer must be woken
// (the box was empty), the consumer takes everything at once. wx-free, so it is tested headless.
#pragma once

#include <mutex>
#include <optional>
#include <utility>
#include <vector>

namespace nixtray::gui {

// Every item, in order.
template <class T>
class Inbox {
 public:
  // True when the box was empty: schedule one drain.
  bool push(T item) {
    std::lock_guard lock(mutex_);
    items_.push_back(std::move(item));
    return items_.size() == 1;
  }
  std::vector<T> take_all() {
    std::lock_guard lock(mutex_);
    return std::exchange(items_, {});
  }

 private:
  std::mutex mutex_;
  std::vector<T> items_;
};

// Only the newest value (states: a person sees the latest, not every step on the way).
template <class T>
class LatestValue {
 public:
  // True when no value was waiting: schedule one take.
  bool put(T value) {
    std::lock_guard lock(mutex_);
    const bool was_empty = !value_.has_value();
    value_ = std::move(value);
    return was_empty;
  }
  std::optional<T> take() {
    std::lock_guard lock(mutex_);
    return std::exchange(value_, std::nullopt);
  }

 private:
  std::mutex mutex_;
  std::optional<T> value_;
};

}  // namespace nixtray::gui
