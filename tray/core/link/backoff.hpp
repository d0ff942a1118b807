// Reconnect delays: exponential with jitter, capped, reset once a connection has proven stable.
// Pure: the random source and the clock are injected so tests can pin both.
#pragma once

#include <chrono>
#include <functional>

namespace nixtray::tray {

struct BackoffPolicy {
  std::chrono::milliseconds initial{500};
  std::chrono::milliseconds cap{30'000};
  double factor = 2.0;
  // Each delay is drawn from [base * (1 - jitter), base]: trays that lost the same agent at the
  // same moment do not all come back at the same moment.
  double jitter = 0.5;
  // A connection that drops sooner than this after succeeding does not reset the delay: an agent
  // that accepts and then fails at once must not be hammered.
  std::chrono::milliseconds stable_after{10'000};
};

class Backoff {
 public:
  using Clock = std::chrono::steady_clock;
  using RandomSource = std::function<double()>;  // uniform in [0, 1)
  using Now = std::function<Clock::time_point()>;

  explicit Backoff(BackoffPolicy policy = {}, RandomSource random = {}, Now now = {});

  // The delay before the next attempt, after a failure or a lost connection.
  std::chrono::milliseconds next_delay();
  // A connection was established; the delays start over once it has lasted stable_after.
  void succeeded();
  // Start over now (the user asked to reconnect, settings changed).
  void reset();

  [[nodiscard]] int failures() const { return failures_; }
  [[nodiscard]] const BackoffPolicy& policy() const { return policy_; }

 private:
  [[nodiscard]] std::chrono::milliseconds base_delay() const;

  BackoffPolicy policy_;
  RandomSource random_;
  Now now_;
  int failures_ = 0;
  bool connected_ = false;
  Clock::time_point connected_at_{};
};

}  // namespace nixtray::tray
