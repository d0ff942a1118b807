// What the tray tells a person to do when it cannot get to a working agent for a reason they must
// fix: no distro, no agent in it, an agent of another protocol version.
#include "catch.hpp"
#include "tray_fixtures.hpp"

#include "core/onboarding/onboarding_advice.hpp"

using namespace nixtray::tray;
using namespace nixtray::tray::fixtures;

namespace {

TrayState unreachable(UnreachableReason reason, std::string message = "") {
  return fold(TrayState{},
              {LinkConnecting{1}, LinkUnreachable{reason, std::move(message), std::nullopt, false, false}});
}

}  // namespace

TEST_CASE("no distro of the configured name: install NixOS-WSL under that name") {
  const auto missing = fold(TrayState{}, {DistroPowerObserved{DistroPower::missing, "no distro named Nix"}});
  const auto advice = onboarding_advice(missing, "Nix");
  REQUIRE(advice);
  CHECK(advice->step == OnboardingStep::install_nixos);
  CHECK(advice->explanation.find("no distro named Nix") != std::string::npos);
  CHECK(advice->snippet.find("--from-file nixos.wsl") != std::string::npos);
  CHECK(advice->snippet.find("wsl.exe --import Nix ") != std::string::npos);
  CHECK(onboarding_advice(unreachable(UnreachableReason::no_distro), "Nix")->step == OnboardingStep::install_nixos);
}

TEST_CASE("a distro without the agent: the module lines and the rebuild to run") {
  const auto advice = onboarding_advice(unreachable(UnreachableReason::no_agent, "no socket"), "NixOS");
  REQUIRE(advice);
  CHECK(advice->step == OnboardingStep::add_agent);
  CHECK(advice->title == "Add the nixtray agent to NixOS");
  CHECK(advice->snippet.find("services.nixtray.enable = true;") != std::string::npos);
  CHECK(advice->snippet.find("nixos-rebuild switch") != std::string::npos);
}

TEST_CASE("an agent of another protocol version: update the older side, saying what the agent said") {
  const auto advice =
      onboarding_advice(unreachable(UnreachableReason::protocol_mismatch, "the agent speaks protocol 2"), "NixOS");
  REQUIRE(advice);
  CHECK(advice->step == OnboardingStep::update_agent);
  CHECK(advice->explanation.find("the agent speaks protocol 2") != std::string::npos);
}

TEST_CASE("no advice when nothing needs the person: connected, a passing failure, an expected stop") {
  CHECK_FALSE(onboarding_advice(connected(), "NixOS"));
  CHECK_FALSE(onboarding_advice(unreachable(UnreachableReason::timeout), "NixOS"));
  CHECK_FALSE(onboarding_advice(unreachable(UnreachableReason::connection_lost), "NixOS"));
  const auto stopped = fold(TrayState{}, {UserRequestedStop{}, LinkConnecting{1},
                                          LinkUnreachable{UnreachableReason::no_agent, "", std::nullopt, true, true}});
  CHECK_FALSE(onboarding_advice(stopped, "NixOS"));
}
