#include "nixtray/protocol/status.hpp"

namespace nixtray::protocol {

void to_json(json& j, const GenerationTriple& g) {
  j = json{{"default", optional_to_json(g.default_generation)},
           {"current", optional_to_json(g.current)},
           {"booted", optional_to_json(g.booted)},
           {"known_good", optional_to_json(g.known_good)}};
}

void from_json(const json& j, GenerationTriple& g) {
  read_optional(j, "default", g.default_generation);
  read_optional(j, "current", g.current);
  read_optional(j, "booted", g.booted);
  read_optional(j, "known_good", g.known_good);
}

void to_json(json& j, const ActivationReport& a) { j = json{{"state", a.state}, {"lines", a.lines}}; }

void from_json(const json& j, ActivationReport& a) {
  read_required(j, "state", a.state);
  read_required(j, "lines", a.lines);
}

void to_json(json& j, const Status& s) {
  j = json{{"system_state", s.system_state},
           {"failed_units", s.failed_units},
           {"systemd_jobs", s.systemd_jobs},
           {"generations", s.generations},
           {"restart_pending", s.restart_pending},
           {"boot_pending", s.boot_pending},
           {"nixos_version", optional_to_json(s.nixos_version)},
           {"activation", s.activation},
           {"running_job", optional_to_json(s.running_job)},
           {"hostname", s.hostname},
           {"agent", {{"version", s.agent_version}, {"started", s.agent_started}}},
           {"verification", s.verification},
           {"default_user", optional_to_json(s.default_user)}};
}

void from_json(const json& j, Status& s) {
  read_required(j, "system_state", s.system_state);
  read_required(j, "failed_units", s.failed_units);
  read_required(j, "systemd_jobs", s.systemd_jobs);
  read_required(j, "generations", s.generations);
  read_required(j, "restart_pending", s.restart_pending);
  read_required(j, "boot_pending", s.boot_pending);
  read_optional(j, "nixos_version", s.nixos_version);
  read_required(j, "activation", s.activation);
  read_optional(j, "running_job", s.running_job);
  read_required(j, "hostname", s.hostname);
  const auto& agent = j.at("agent");
  read_required(agent, "version", s.agent_version);
  read_required(agent, "started", s.agent_started);
  read_defaulted(j, "verification", s.verification);
  read_optional(j, "default_user", s.default_user);
}

}  // namespace nixtray::protocol
