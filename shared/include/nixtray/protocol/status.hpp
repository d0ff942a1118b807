// status: the one-glance state of the distro, and the data of the `status` topic.
#pragma once

#include "nixtray/protocol/default_user.hpp"
#include "nixtray/protocol/method.hpp"
#include "nixtray/protocol/units.hpp"
#include "nixtray/protocol/verification.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nixtray::protocol {

// systemd's SystemState, plus `offline` (systemd unreachable) and `unknown` (not known yet).
enum class SystemState { unknown, initializing, starting, running, degraded, maintenance, stopping, offline };
NLOHMANN_JSON_SERIALIZE_ENUM(SystemState, {
                                              {SystemState::unknown, "unknown"},
                                              {SystemState::initializing, "initializing"},
                                              {SystemState::starting, "starting"},
                                              {SystemState::running, "running"},
                                              {SystemState::degraded, "degraded"},
                                              {SystemState::maintenance, "maintenance"},
                                              {SystemState::stopping, "stopping"},
                                              {SystemState::offline, "offline"},
                                          })

// Which generation is which: `default` boots next (profiles/system), `current` is active
// (/run/current-system), `booted` was activated at distro start (/run/booted-system).
struct GenerationTriple {
  std::optional<int> default_generation;  // wire: "default"
  std::optional<int> current;
  std::optional<int> booted;
  std::optional<int> known_good;
};
void to_json(json& j, const GenerationTriple& g);
void from_json(const json& j, GenerationTriple& g);

// What the activation of the booted generation reported (kernel log on NixOS-WSL).
enum class ActivationState { unknown, ok, errors };
NLOHMANN_JSON_SERIALIZE_ENUM(ActivationState, {
                                                  {ActivationState::unknown, "unknown"},
                                                  {ActivationState::ok, "ok"},
                                                  {ActivationState::errors, "errors"},
                                              })

struct ActivationReport {
  ActivationState state = ActivationState::unknown;
  std::vector<std::string> lines;  // the error lines when state is errors
};
void to_json(json& j, const ActivationReport& a);
void from_json(const json& j, ActivationReport& a);

struct Status {
  SystemState system_state = SystemState::unknown;
  std::vector<Unit> failed_units;
  int systemd_jobs = 0;  // queued systemd jobs; > 0 while starting or stopping units
  GenerationTriple generations;
  bool restart_pending = false;              // current != booted
  bool boot_pending = false;                 // default != current
  std::optional<std::string> nixos_version;  // label of the current generation
  ActivationReport activation;
  std::optional<std::string> running_job;  // id of the mutating job in progress
  std::string hostname;
  std::string agent_version;  // wire: "agent": {"version", "started"}
  std::int64_t agent_started = 0;
  Verification verification;                // of the default generation (absent from older agents: unknown)
  std::optional<DefaultUser> default_user;  // of the booted generation; null when wsl.conf names none
};
void to_json(json& j, const Status& s);
void from_json(const json& j, Status& s);

struct StatusMethod {
  static constexpr std::string_view name = "status";
  static constexpr bool mutating = false;
  using Params = NoParams;
  using Result = Status;
};

}  // namespace nixtray::protocol
