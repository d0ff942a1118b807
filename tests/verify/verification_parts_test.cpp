// The parts of the agent's verification that need no distro: the records on disk, the probation's
// rules, whom a console logs in as, and switch-to-configuration dry-activate's output.
#include "catch.hpp"

#include "jobs/dry_activation_output.hpp"
#include "support/atomic_file.hpp"
#include "verify/default_user.hpp"
#include "verify/probation.hpp"
#include "verify/unfinished_check.hpp"
#include "verify/user_database.hpp"
#include "verify/verification_store.hpp"

#include "nixtray/testing/temp_dir.hpp"
#include "nixtray/testing/text_file.hpp"

#include <fstream>

using namespace nixtray;
using namespace nixtray::agent;
using nixtray::testing::TempDir;
namespace fs = std::filesystem;

namespace {

protocol::Unit failed_unit(const std::string& name, const std::string& result = "exit-code") {
  protocol::Unit unit;
  unit.name = name;
  unit.active_state = protocol::UnitActiveState::failed;
  unit.result = result;
  return unit;
}

StoredVerification stored(const std::string& path, std::int64_t updated) {
  StoredVerification record;
  record.store_path = path;
  record.generation = 1;
  record.outcome = protocol::VerifyOutcome::failed;
  record.updated = updated;
  record.evidence = protocol::BootEvidence{};
  return record;
}

}  // namespace

TEST_CASE("dry-activate output: each kind of line of switch-to-configuration becomes its list") {
  // As nixpkgs' switch-to-configuration.pl (and -ng) print them, on stderr, with the activation
  // script's own dry-run output in the middle.
  const auto preview = parse_dry_activation(
      "would stop the following units: accounts-daemon.service, nginx.service\n"
      "would NOT stop the following changed units: dbus.service\n"
      "would activate the configuration...\n"
      "setting up /etc...\n"
      "would restart systemd\n"
      "would reload the following units: systemd-journald.service\n"
      "would restart the following units: polkit.service, sshd.service\r\n"
      "would start the following units: accounts-daemon.service, nginx.service\n"
      "would stop swap device: /dev/sda2\n");
  CHECK(preview.stop == std::vector<std::string>{"accounts-daemon.service", "nginx.service"});
  CHECK(preview.not_stopped == std::vector<std::string>{"dbus.service"});
  CHECK(preview.reload == std::vector<std::string>{"systemd-journald.service"});
  CHECK(preview.restart == std::vector<std::string>{"polkit.service", "sshd.service"});
  CHECK(preview.start == std::vector<std::string>{"accounts-daemon.service", "nginx.service"});
  CHECK(preview.restart_systemd);
  CHECK(preview.other == std::vector<std::string>{"would stop swap device: /dev/sda2"});

  const auto nothing = parse_dry_activation("would activate the configuration...\n");
  CHECK(nothing.stop.empty());
  CHECK(nothing.start.empty());
  CHECK_FALSE(nothing.restart_systemd);
  CHECK(nothing.other.empty());
}

TEST_CASE("probation: units the pass accepted may stay failed, a new failure or one of them failing again voids it") {
  const auto probation = begin_probation(1000, std::chrono::seconds(600));
  CHECK(probation.state == protocol::ProbationState::running);
  CHECK(probation.until == 1600);

  std::vector<std::string> baseline = unit_names({failed_unit("degraded.service")});
  CHECK_FALSE(failure_during_probation(baseline, {failed_unit("degraded.service")}));
  CHECK(baseline == std::vector<std::string>{"degraded.service"});

  const auto failure =
      failure_during_probation(baseline, {failed_unit("degraded.service"), failed_unit("nginx.service")});
  REQUIRE(failure);
  CHECK(*failure == "nginx.service failed (exit-code) during the probation after the boot check");

  // degraded.service recovers: it leaves the baseline, and failing again counts.
  CHECK_FALSE(failure_during_probation(baseline, {}));
  CHECK(baseline.empty());
  CHECK(failure_during_probation(baseline, {failed_unit("degraded.service", "timeout")}));
}

TEST_CASE("verification records: kept on disk by store path, bounded, and a damaged file moved aside") {
  TempDir dir("nxv-store");
  {
    VerificationStore store(dir.path());
    store.load();
    auto record = stored("/nix/store/aaa-system", 10);
    record.probation = begin_probation(10, std::chrono::seconds(600));
    record.probation_baseline = {"degraded.service"};
    record.outcome = protocol::VerifyOutcome::passed;
    store.put(record);
  }
  {
    VerificationStore store(dir.path());
    store.load();
    const auto* record = store.find("/nix/store/aaa-system");
    REQUIRE(record);
    CHECK(record->outcome == protocol::VerifyOutcome::passed);
    CHECK(record->probation_baseline == std::vector<std::string>{"degraded.service"});
    REQUIRE(store.running_probation());
    CHECK(store.running_probation()->store_path == "/nix/store/aaa-system");
    CHECK(fs::status(dir / "verification.json").permissions() == (fs::perms::owner_read | fs::perms::owner_write));

    // Evidence on the newest failures only; the newest systems only.
    for (int i = 0; i < 70; ++i) store.put(stored("/nix/store/" + std::to_string(i) + "-system", 100 + i));
    CHECK_FALSE(store.find("/nix/store/aaa-system"));  // the oldest went
    CHECK(store.find("/nix/store/69-system")->evidence);
    CHECK(store.find("/nix/store/62-system")->evidence);
    CHECK_FALSE(store.find("/nix/store/61-system")->evidence);
    CHECK(store.find("/nix/store/6-system"));
    CHECK_FALSE(store.find("/nix/store/5-system"));
  }

  std::ofstream(dir / "verification.json") << "{\"records\": [{\"path\": 3}";
  VerificationStore damaged(dir.path());
  damaged.load();
  CHECK_FALSE(damaged.find("/nix/store/69-system"));
  bool moved_aside = false;
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    moved_aside = moved_aside || entry.path().filename().string().starts_with("verification.json.corrupt-");
  }
  CHECK(moved_aside);
  CHECK_FALSE(fs::exists(dir / "verification.json"));
}

TEST_CASE("default user: wsl.conf's [user] default, looked up in the generation's own passwd first") {
  TempDir dir("nxv-user");
  const auto generation = dir / "generation";
  fs::create_directories(generation / "etc");
  const auto live = dir / "live-passwd";
  std::ofstream(live) << "root:x:0:0::/root:/bin/bash\nalice:x:1001:100::/home/alice:/bin/bash\n";

  CHECK_FALSE(read_default_user(generation, "generation 1", live));  // no wsl.conf
  std::ofstream(generation / "etc" / "wsl.conf") << "[boot]\nsystemd=true\n";
  CHECK_FALSE(read_default_user(generation, "generation 1", live));  // no [user] default

  std::ofstream(generation / "etc" / "wsl.conf") << "[boot]\nsystemd=true\n[User]\nDefault = alice\n";
  auto user = read_default_user(generation, "generation 1", live);
  REQUIRE(user);
  CHECK(user->name == "alice");
  CHECK(user->uid == 1001);
  CHECK(user->shell == "/bin/bash");
  CHECK(user->session_unit == "user@1001.service");

  // The generation's own passwd wins (NixOS writes /etc/passwd from it when it activates).
  std::ofstream(generation / "etc" / "passwd") << "alice:x:1000:100::/home/alice:/run/current-system/sw/bin/zsh\n";
  user = read_default_user(generation, "generation 1", live);
  REQUIRE(user);
  CHECK(user->uid == 1000);
  CHECK(user->shell == "/run/current-system/sw/bin/zsh");

  std::ofstream(generation / "etc" / "wsl.conf") << "[user]\ndefault=bob\n";
  user = read_default_user(generation, "generation 1", live);
  REQUIRE(user);
  CHECK(user->name == "bob");
  CHECK_FALSE(user->uid);
  CHECK_FALSE(user->session_unit);

  const auto entry = find_passwd_entry("x:y\nbad:x:notanumber:0::/:\n", "bad");
  REQUIRE(entry);
  CHECK_FALSE(entry->uid);
  CHECK(entry->shell.empty());
}

TEST_CASE("an unfinished boot check: over at its start plus the verify timeout, then inconclusive with the reason") {
  auto record = stored("/nix/store/aaa-system", 1000);
  record.outcome = protocol::VerifyOutcome::started;
  record.started = 1000;
  const std::chrono::seconds limit(3600);
  CHECK(unfinished_deadline(record, limit) == 4600);
  CHECK_FALSE(is_abandoned(record, 4599, limit));
  CHECK(is_abandoned(record, 4600, limit));
  close_abandoned(record, limit);
  CHECK(record.outcome == protocol::VerifyOutcome::inconclusive);
  CHECK(record.finished == 4600);
  CHECK(record.reason ==
        "the boot check that started did not finish within 60 minutes (the program running it "
        "stopped and no one resumed it): its result is unknown");
  CHECK_FALSE(unfinished_deadline(record, limit));  // no longer started
  CHECK_FALSE(is_abandoned(record, 99999, limit));
  record.outcome = protocol::VerifyOutcome::passed;
  CHECK_FALSE(is_abandoned(record, 99999, limit));
}
