#include "catch.hpp"

#include "core/link/backoff.hpp"

using namespace nixtray::tray;
using namespace std::chrono_literals;

namespace {

struct FakeClock {
  Backoff::Clock::time_point now{};
  Backoff::Now source() {
    return [this] { return now; };
  }
};

}  // namespace

TEST_CASE("backoff grows exponentially and stops at the cap") {
  BackoffPolicy policy{.initial = 500ms, .cap = 30'000ms, .factor = 2.0, .jitter = 0.0};
  Backoff backoff(policy, [] { return 0.0; });
  std::vector<std::chrono::milliseconds> delays;
  for (int i = 0; i < 12; ++i) delays.push_back(backoff.next_delay());
  CHECK(delays[0] == 500ms);
  CHECK(delays[1] == 1000ms);
  CHECK(delays[2] == 2000ms);
  CHECK(delays[5] == 16'000ms);
  CHECK(delays[6] == 30'000ms);
  CHECK(delays[11] == 30'000ms);
  CHECK(backoff.failures() == 12);
}

TEST_CASE("backoff never exceeds the cap, even after very many failures") {
  Backoff backoff(BackoffPolicy{}, [] { return 0.0; });
  for (int i = 0; i < 10'000; ++i) {
    REQUIRE(backoff.next_delay() <= 30'000ms);
  }
}

TEST_CASE("backoff jitter stays within [base * (1 - jitter), base]") {
  const BackoffPolicy policy{.initial = 1000ms, .cap = 30'000ms, .factor = 2.0, .jitter = 0.5};
  SECTION("the lowest random value gives the full delay") {
    Backoff backoff(policy, [] { return 0.0; });
    CHECK(backoff.next_delay() == 1000ms);
  }
  SECTION("the highest random value gives half of it") {
    Backoff backoff(policy, [] { return 0.999999; });
    const auto delay = backoff.next_delay();
    CHECK(delay >= 500ms);
    CHECK(delay <= 501ms);
  }
  SECTION("random values in between stay in bounds at every step") {
    double r = 0.0;
    Backoff backoff(policy, [&r] {
      r = r + 0.37 < 1.0 ? r + 0.37 : r + 0.37 - 1.0;
      return r;
    });
    std::chrono::milliseconds base = 1000ms;
    for (int i = 0; i < 20; ++i) {
      const auto delay = backoff.next_delay();
      CHECK(delay >= base / 2);
      CHECK(delay <= base);
      base = std::min(base * 2, std::chrono::milliseconds(30'000));
    }
  }
  SECTION("a random source out of range is clamped") {
    Backoff backoff(policy, [] { return 7.0; });
    CHECK(backoff.next_delay() == 500ms);
    Backoff negative(policy, [] { return -3.0; });
    CHECK(negative.next_delay() == 1000ms);
  }
}

TEST_CASE("backoff starts over after a connection that lasted") {
  FakeClock clock;
  Backoff backoff(
      BackoffPolicy{.initial = 100ms, .jitter = 0.0, .stable_after = 10'000ms}, [] { return 0.0; }, clock.source());
  backoff.next_delay();
  backoff.next_delay();
  CHECK(backoff.next_delay() == 400ms);
  backoff.succeeded();
  clock.now += 11s;
  CHECK(backoff.next_delay() == 100ms);
}

TEST_CASE("backoff keeps growing when a connection drops right after succeeding") {
  FakeClock clock;
  Backoff backoff(
      BackoffPolicy{.initial = 100ms, .jitter = 0.0, .stable_after = 10'000ms}, [] { return 0.0; }, clock.source());
  CHECK(backoff.next_delay() == 100ms);
  backoff.succeeded();
  clock.now += 1s;  // an agent that accepts, then fails at once
  CHECK(backoff.next_delay() == 200ms);
  backoff.succeeded();
  clock.now += 2s;
  CHECK(backoff.next_delay() == 400ms);
}

TEST_CASE("reset starts over at once") {
  Backoff backoff(BackoffPolicy{.initial = 100ms, .jitter = 0.0}, [] { return 0.0; });
  backoff.next_delay();
  backoff.next_delay();
  backoff.reset();
  CHECK(backoff.failures() == 0);
  CHECK(backoff.next_delay() == 100ms);
}

TEST_CASE("the default random source gives delays within bounds") {
  Backoff backoff;
  for (int i = 0; i < 100; ++i) {
    const auto delay = backoff.next_delay();
    CHECK(delay >= 0ms);
    CHECK(delay <= 30'000ms);
  }
}
