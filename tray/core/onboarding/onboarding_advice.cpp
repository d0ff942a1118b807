#include "core/onboarding/onboarding_advice.hpp"

namespace nixtray::tray {

std::string_view to_string(OnboardingStep step) {
  switch (step) {
    case OnboardingStep::install_nixos:
      return "install-nixos";
    case OnboardingStep::add_agent:
      return "add-agent";
    case OnboardingStep::update_agent:
      return "update-agent";
  }
  return "add-agent";
}

namespace {

OnboardingAdvice install_nixos(const std::string& distro) {
  return {OnboardingStep::install_nixos, "Install NixOS in WSL",
          "WSL has no distro named " + distro +
              ". Download nixos.wsl from the NixOS-WSL releases "
              "(github.com/nix-community/NixOS-WSL) and install it under that name, or change the distro "
              "name in Settings if it has another one.",
          "wsl.exe --install --from-file nixos.wsl --name " + distro + "\n" + "# older WSL: wsl.exe --import " +
              distro + " $env:USERPROFILE\\" + distro + " nixos.wsl --version 2"};
}

OnboardingAdvice add_agent(const std::string& distro) {
  return {OnboardingStep::add_agent, "Add the nixtray agent to " + distro,
          distro +
              " runs, but no nixtray agent answers in it. Add nixtray's NixOS module to the system "
              "configuration and rebuild; the agent starts with its socket.",
          "# flake.nix: inputs.nixtray.url = \"github:<owner>/nixtray\";\n"
          "#            modules = [ nixtray.nixosModules.default { services.nixtray.enable = true; } ];\n"
          "# or configuration.nix, with a checkout of nixtray:\n"
          "imports = [ /path/to/nixtray/resources/nixos/module.nix ];\n"
          "services.nixtray.enable = true;\n"
          "# then, inside " +
              distro + ": sudo nixos-rebuild switch"};
}

OnboardingAdvice update_agent(const std::string& distro, const std::string& detail) {
  return {OnboardingStep::update_agent, "Update nixtray or its agent",
          "The agent in " + distro + " speaks another protocol version than this tray (" + detail +
              "). Update the older of the two: the agent comes with the system configuration (update the "
              "nixtray input and rebuild), the tray with its installer.",
          "nix flake update nixtray && sudo nixos-rebuild switch"};
}

}  // namespace

std::optional<OnboardingAdvice> onboarding_advice(const TrayState& state, const std::string& distro_name) {
  if (state.link == LinkPhase::connected || state.user_stopped || state.verifying) return std::nullopt;
  if (state.power == DistroPower::missing) return install_nixos(distro_name);
  if (!state.last_failure || state.last_failure->expected) return std::nullopt;
  switch (state.last_failure->reason) {
    case UnreachableReason::no_distro:
      return install_nixos(distro_name);
    case UnreachableReason::no_agent:
      return add_agent(distro_name);
    case UnreachableReason::protocol_mismatch:
      return update_agent(distro_name, state.last_failure->message);
    default:
      return std::nullopt;
  }
}

}  // namespace nixtray::tray
