#include "cli/human_output.hpp"

#include <ctime>
#include <iomanip>
#include <sstream>

namespace nixtray::agent {

namespace {

std::string generation_text(const std::optional<int>& number) {
  return number ? std::to_string(*number) : std::string("?");
}

std::string system_state_text(protocol::SystemState state) {
  switch (state) {
    case protocol::SystemState::unknown: return "unknown (systemd is not watched)";
    case protocol::SystemState::offline: return "offline (systemd cannot be reached)";
    default: return protocol::json(state).get<std::string>();
  }
}

}  // namespace

std::string format_local_time(std::int64_t unix_seconds) {
  const std::time_t time = unix_seconds;
  std::tm local{};
  localtime_r(&time, &local);
  std::ostringstream out;
  out << std::put_time(&local, "%Y-%m-%d %H:%M");
  return out.str();
}

std::string format_duration(std::int64_t seconds) {
  if (seconds < 60) return std::to_string(seconds) + "s";
  if (seconds < 3600) return std::to_string(seconds / 60) + "m";
  if (seconds < 86400) return std::to_string(seconds / 3600) + "h " + std::to_string(seconds % 3600 / 60) + "m";
  return std::to_string(seconds / 86400) + "d " + std::to_string(seconds % 86400 / 3600) + "h";
}

std::string format_status(const protocol::Status& status, std::int64_t now) {
  std::ostringstream out;
  const auto& g = status.generations;
  out << status.nixos_version.value_or("NixOS (version unknown)");
  if (!status.hostname.empty()) {
    out << " on " << status.hostname;
  }
  out << "\n";
  out << "System:       " << system_state_text(status.system_state);
  if (status.systemd_jobs > 0) {
    out << ", " << status.systemd_jobs << " systemd jobs queued";
  }
  out << "\n";
  out << "Generations:  current " << generation_text(g.current) << ", booted " << generation_text(g.booted)
      << ", next boot " << generation_text(g.default_generation) << ", known-good "
      << generation_text(g.known_good) << "\n";
  if (status.restart_pending) {
    out << "              restart pending: the distro runs " << generation_text(g.current) << " but booted "
        << generation_text(g.booted) << "\n";
  }
  if (status.boot_pending) {
    out << "              boot pending: the next start boots " << generation_text(g.default_generation) << "\n";
  }
  if (status.failed_units.empty()) {
    out << "Failed units: none\n";
  } else {
    out << "Failed units: " << status.failed_units.size() << "\n";
    for (const auto& unit : status.failed_units) {
      out << "  " << unit.name << "  " << unit.description << (unit.result.empty() ? "" : " (" + unit.result + ")")
          << "\n";
    }
  }
  if (status.activation.state == protocol::ActivationState::errors) {
    out << "Activation:   errors at boot\n";
    for (const auto& line : status.activation.lines) {
      out << "  " << line << "\n";
    }
  }
  if (status.running_job) {
    out << "Running job:  " << *status.running_job << "\n";
  }
  out << "Agent:        " << status.agent_version << ", up " << format_duration(now - status.agent_started) << "\n";
  return out.str();
}

std::string format_generations(const protocol::GenerationsList& list) {
  std::ostringstream out;
  if (list.generations.empty()) {
    return "No generations in the system profile.\n";
  }
  out << std::left << std::setw(6) << "Gen" << std::setw(18) << "Created" << std::setw(40) << "NixOS version"
      << "Marks\n";
  for (const auto& generation : list.generations) {
    std::string marks;
    const auto add = [&marks](bool on, const char* word) {
      if (on) marks += (marks.empty() ? "" : " ") + std::string(word);
    };
    add(generation.is_default, "default");
    add(generation.current, "current");
    add(generation.booted, "booted");
    add(generation.known_good, "known-good");
    out << std::left << std::setw(6) << generation.number << std::setw(18) << format_local_time(generation.created)
        << std::setw(40) << generation.nixos_version.value_or("-") << marks << "\n";
    if (generation.problem) {
      out << "      ! " << *generation.problem << "\n";
    }
  }
  return out.str();
}

}  // namespace nixtray::agent
