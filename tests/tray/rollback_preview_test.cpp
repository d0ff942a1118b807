// What a rollback from the tray shows before it asks (tray/core/state/rollback_preview): both
// generations with their dates in the local time zone, and the closure diff between them.
#include "catch.hpp"

#include "core/state/rollback_preview.hpp"

#include <cstdlib>
#include <ctime>

using namespace nixtray;
using namespace nixtray::tray;

namespace {

#ifndef _WIN32
// The process's time zone, set for one test and restored after it.
class TimeZone {
 public:
  explicit TimeZone(const char* zone) {
    if (const char* old = std::getenv("TZ")) old_ = old;
    ::setenv("TZ", zone, 1);
    ::tzset();
  }
  ~TimeZone() {
    if (old_)
      ::setenv("TZ", old_->c_str(), 1);
    else
      ::unsetenv("TZ");
    ::tzset();
  }
  TimeZone(const TimeZone&) = delete;
  TimeZone& operator=(const TimeZone&) = delete;

 private:
  std::optional<std::string> old_;
};
#endif

std::vector<protocol::Generation> generations() {
  protocol::Generation five;
  five.number = 5;
  five.created = 1717243200;  // 2024-06-01 12:00:00 UTC
  five.nixos_version = "24.11.20241220.aaaaaaa (Vicuna)";
  protocol::Generation three;
  three.number = 3;
  three.created = 1714564800;  // 2024-05-01 12:00:00 UTC
  return {five, three};
}

protocol::GenerationsDiff diff() {
  protocol::GenerationsDiff d;
  d.from = 5;
  d.to = 3;
  d.changes = {{"firefox", protocol::PackageChangeKind::changed, {"126.0.1"}, {"126.0"}, -1024},
               {"hello", protocol::PackageChangeKind::removed, {"2.12"}, {}, -50'000},
               {"htop", protocol::PackageChangeKind::added, {}, {"3.3.0"}, 300'000}};
  d.from_closure_size = 2'000'000;
  d.to_closure_size = 2'250'000;
  return d;
}

}  // namespace

#ifndef _WIN32
TEST_CASE("a rollback's preview: both generations with their dates in the local time zone") {
  {
    TimeZone zone("Asia/Tokyo");
    const auto preview = rollback_preview(generations(), 5, 3, diff());
    CHECK(preview.from.number == 5);
    CHECK(preview.to.number == 3);
    CHECK(preview.from.date == "2024-06-01 21:00");  // 12:00 UTC is 21:00 in Tokyo
    CHECK(preview.to.date == "2024-05-01 21:00");
    CHECK(preview.from.nixos_version == "24.11.20241220.aaaaaaa (Vicuna)");
  }
  TimeZone zone("America/New_York");
  CHECK(rollback_preview(generations(), 5, 3, diff()).from.date == "2024-06-01 08:00");
}
#endif  // the time zone is set through TZ, which MinGW's C library reads differently

TEST_CASE("a rollback's preview: the closure diff from the current generation to the target, counted") {
  const auto preview = rollback_preview(generations(), 5, 3, diff());
  CHECK(preview.question.english() == "Roll back from generation 5 to generation 3?");
  CHECK(preview.packages.known);
  REQUIRE(preview.packages.changes.size() == 3);
  CHECK(preview.packages.changes[0].name == "firefox");
  CHECK(preview.packages.summary.english() == "3 packages change: 1 added, 1 removed, 1 changed.");
  CHECK(preview.packages.from_closure_size == 2'000'000);
  CHECK(preview.packages.to_closure_size == 2'250'000);

  auto same = diff();
  same.changes.clear();
  CHECK(rollback_preview(generations(), 5, 3, same).packages.summary.english() ==
        "No package changes: the two generations have the same packages.");
}

TEST_CASE("a rollback's preview without a diff still has the dates, and says the packages are not known") {
  const auto preview = rollback_preview(generations(), 5, 3, std::nullopt);
  CHECK_FALSE(preview.packages.known);
  CHECK(preview.packages.changes.empty());
  CHECK(preview.packages.summary.english() == "The agent could not say which packages change.");
  CHECK_FALSE(preview.to.date.empty());
  // A generation the agent did not list has no date rather than a made-up one.
  CHECK(rollback_preview(generations(), 5, 9, std::nullopt).to.date.empty());
}
