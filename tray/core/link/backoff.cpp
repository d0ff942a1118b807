#include "core/link/backoff.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>

namespace nixtray::tray {

namespace {

Backoff::RandomSource default_random() {
  auto engine = std::make_shared<std::minstd_rand>(std::random_device{}());
  return [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
}

}  // namespace

Backoff::Backoff(BackoffPolicy policy, RandomSource random, Now now)
    : policy_(policy),
      random_(random ? std::move(random) : default_random()),
      now_(now ? std::move(now) : Now([] { return Clock::now(); })) {}

std::chrono::milliseconds Backoff::base_delay() const {
  const double initial = static_cast<double>(policy_.initial.count());
  const double cap = static_cast<double>(policy_.cap.count());
  // pow on a bounded exponent: failures keeps counting, the delay stops growing at the cap.
  const double grown = initial * std::pow(std::max(policy_.factor, 1.0), std::min(failures_, 64));
  return std::chrono::milliseconds(static_cast<long long>(std::min(grown, cap)));
}

std::chrono::milliseconds Backoff::next_delay() {
  if (connected_) {
    connected_ = false;
    if (now_() - connected_at_ >= policy_.stable_after) {
      failures_ = 0;
    }
  }
  const auto base = base_delay();
  ++failures_;
  const double jitter = std::clamp(policy_.jitter, 0.0, 1.0);
  const double r = std::clamp(random_(), 0.0, 1.0);
  const auto delay = static_cast<long long>(static_cast<double>(base.count()) * (1.0 - jitter * r));
  return std::clamp(std::chrono::milliseconds(delay), std::chrono::milliseconds(0), policy_.cap);
}

void Backoff::succeeded() {
  connected_ = true;
  connected_at_ = now_();
}

void Backoff::reset() {
  failures_ = 0;
  connected_ = false;
}

}  // namespace nixtray::tray
