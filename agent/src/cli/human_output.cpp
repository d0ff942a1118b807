#include "cli/human_output.hpp"

#include "nixtray/protocol/wire_name.hpp"
#include "nixtray/text/byte_size.hpp"

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <iomanip>
#include <iterator>
#include <map>
#include <sstream>

namespace nixtray::agent {

namespace {

std::string generation_text(const std::optional<int>& number) {
  return number ? std::to_string(*number) : std::string("?");
}

std::string system_state_text(protocol::SystemState state) {
  switch (state) {
    case protocol::SystemState::unknown:
      return "unknown (not known yet)";
    case protocol::SystemState::offline:
      return "offline (systemd cannot be reached)";
    default:
      return protocol::wire_name(state);
  }
}

std::string verification_text(const protocol::Verification& v) {
  using protocol::VerificationState;
  const std::string generation = "generation " + generation_text(v.generation);
  const auto at = [](const std::optional<std::int64_t>& time) {
    return time ? " at " + format_local_time(*time) : std::string();
  };
  switch (v.state) {
    case VerificationState::unverified:
      if (v.reason) {  // a check that gave no verdict, or never finished
        return generation + " is unverified" + at(v.since) + ": " + *v.reason +
               " (check it again with nixtrayctl verify-boot)";
      }
      return generation + " is unverified: it has not passed a boot check (made" + at(v.since) +
             "; check it with nixtrayctl verify-boot)";
    case VerificationState::verifying:
      return generation + " is being boot-checked (since" + at(v.since) + ")";
    case VerificationState::failed:
      return generation + " failed its boot check" + at(v.since) + (v.step ? " at step " + *v.step : std::string()) +
             (v.reason ? ": " + *v.reason : std::string());
    case VerificationState::verified: {
      std::string text = generation + " passed its boot check" + at(v.since);
      if (!v.probation) return text;
      const auto& p = *v.probation;
      switch (p.state) {
        case protocol::ProbationState::running:
          return text + "; known-good" + at(p.until) + " if no unit fails before";
        case protocol::ProbationState::passed:
          return text + " and its probation: known-good";
        case protocol::ProbationState::voided:
          return text + ", but not known-good: " + p.reason.value_or("its probation was voided");
        case protocol::ProbationState::unknown:
          return text;
      }
      return text;
    }
    case VerificationState::unknown:
      break;
  }
  return "unknown";
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

std::string format_units(const protocol::UnitsListResult& list) {
  std::size_t name_width = 4, load_width = 4, active_width = 6, sub_width = 3;
  for (const auto& unit : list.units) {
    name_width = std::max(name_width, unit.name.size());
    load_width = std::max(load_width, unit.load_state.size());
    active_width = std::max(active_width, protocol::wire_name(unit.active_state).size());
    sub_width = std::max(sub_width, unit.sub_state.size());
  }
  std::ostringstream out;
  const auto row = [&](std::string_view mark, const std::string& name, const std::string& load,
                       const std::string& active, const std::string& sub, const std::string& description) {
    out << mark << std::left << std::setw(static_cast<int>(name_width)) << name << " "
        << std::setw(static_cast<int>(load_width)) << load << " " << std::setw(static_cast<int>(active_width)) << active
        << " " << std::setw(static_cast<int>(sub_width)) << sub << " " << description << "\n";
  };
  if (!list.units.empty()) {
    row("  ", "UNIT", "LOAD", "ACTIVE", "SUB", "DESCRIPTION");
  }
  for (const auto& unit : list.units) {
    const bool failed = unit.active_state == protocol::UnitActiveState::failed;
    std::string description = unit.description;
    if (failed && !unit.result.empty()) {
      description += " (" + unit.result + (unit.since ? ", since " + format_local_time(*unit.since) : "") + ")";
    }
    row(failed ? "\u25cf " : "  ", unit.name, unit.load_state, protocol::wire_name(unit.active_state), unit.sub_state,
        description);
  }
  if (!list.units.empty()) {
    out << "\n";
  }
  out << list.units.size() << " loaded units listed.\n";
  return out.str();
}

std::string format_unit_log(const protocol::UnitsLogResult& log) {
  if (log.lines.empty()) {
    return "-- No entries --\n";
  }
  std::ostringstream out;
  for (const auto& line : log.lines) {
    const std::time_t time = line.time;
    std::tm local{};
    localtime_r(&time, &local);
    out << std::put_time(&local, "%Y-%m-%d %H:%M:%S") << " " << line.message << "\n";
  }
  return out.str();
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
      << ", next boot " << generation_text(g.default_generation) << ", known-good " << generation_text(g.known_good)
      << "\n";
  if (status.restart_pending) {
    out << "              restart pending: the distro runs " << generation_text(g.current) << " but booted "
        << generation_text(g.booted) << "\n";
  }
  if (status.boot_pending) {
    out << "              boot pending: the next start boots " << generation_text(g.default_generation) << "\n";
  }
  out << "Verification: " << verification_text(status.verification) << "\n";
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
      << std::setw(11) << "Closure"
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
        << std::setw(40) << generation.nixos_version.value_or("-") << std::setw(11)
        << (generation.closure_size ? text::format_bytes(*generation.closure_size) : std::string("-")) << marks << "\n";
    if (generation.problem) {
      out << "      ! " << *generation.problem << "\n";
    }
  }
  return out.str();
}

namespace {

// Versions as diff-closures shows them: "∅" for none, "ε" for a path without a version.
std::string version_list(const std::vector<std::string>& versions) {
  if (versions.empty()) {
    return "\u2205";
  }
  std::string text;
  for (const auto& version : versions) {
    text += (text.empty() ? "" : ", ") + (version.empty() ? std::string("\u03b5") : version);
  }
  return text;
}

std::vector<std::string> versions_only_in(const std::vector<std::string>& these,
                                          const std::vector<std::string>& others) {
  std::vector<std::string> result;
  for (const auto& version : these) {
    if (std::find(others.begin(), others.end(), version) == others.end()) result.push_back(version);
  }
  return result;
}

}  // namespace

std::string format_generations_diff(const protocol::GenerationsDiff& diff) {
  std::ostringstream out;
  out << "Generation " << diff.from << " \u2192 " << (diff.to ? std::to_string(*diff.to) : diff.to_path.value_or("?"))
      << ":\n";
  std::map<protocol::PackageChangeKind, int> counts;
  int small_resizes = 0;
  for (const auto& change : diff.changes) {
    ++counts[change.kind];
    // Like diff-closures: only the versions that differ (others may exist on both sides), and no
    // negligible size-only changes.
    if (protocol::is_negligible(change)) {
      ++small_resizes;
      continue;
    }
    std::string line = change.name + ":";
    const auto removed = versions_only_in(change.from_versions, change.to_versions);
    const auto added = versions_only_in(change.to_versions, change.from_versions);
    if (!removed.empty() || !added.empty()) {
      line += " " + version_list(removed) + " \u2192 " + version_list(added);
    }
    if (change.size_delta != 0) {
      line += (line.back() == ':' ? " " : ", ") + text::format_bytes_delta(change.size_delta);
    }
    out << "  " << line << "\n";
  }
  if (diff.changes.empty()) {
    out << "  no package changed\n";
  }
  if (small_resizes > 0) {
    out << "  (" << small_resizes << " package" << (small_resizes == 1 ? "" : "s")
        << " changed size by less than 8 KiB; --json lists them)\n";
  }
  using Kind = protocol::PackageChangeKind;
  out << counts[Kind::changed] << " changed, " << counts[Kind::added] << " added, " << counts[Kind::removed]
      << " removed, " << counts[Kind::resized] << " resized\n";
  out << "Closure size: " << text::format_bytes(diff.from_closure_size) << " \u2192 "
      << text::format_bytes(diff.to_closure_size) << " ("
      << text::format_bytes_delta(diff.to_closure_size - diff.from_closure_size) << ")\n";
  return out.str();
}

namespace {

std::string describe_args(const protocol::JobStartParams& args) {
  std::string text = protocol::wire_name(args.kind);
  if (args.mode) text += " " + protocol::wire_name(*args.mode);
  if (args.to) text += " to " + std::to_string(*args.to);
  if (args.flake) text += " --flake " + *args.flake;
  if (args.upgrade.value_or(false)) text += " --upgrade";
  if (args.update.value_or(false)) text += " --update";
  if (args.keep) text += " --keep " + std::to_string(*args.keep);
  if (args.older_than_days) text += " --older-than " + std::to_string(*args.older_than_days);
  return text;
}

}  // namespace

std::string format_jobs(const protocol::JobsList& list, std::int64_t now) {
  if (list.jobs.empty()) {
    return "No jobs yet.\n";
  }
  std::ostringstream out;
  out << std::left << std::setw(6) << "Job" << std::setw(18) << "Started" << std::setw(12) << "State" << std::setw(28)
      << "What"
      << "Result\n";
  for (const auto& job : list.jobs) {
    std::string result;
    if (job.summary) {
      result = *job.summary;
    } else if (job.state == protocol::JobState::running) {
      result = "for " + format_duration(now - job.started);
    }
    out << std::left << std::setw(6) << job.id << std::setw(18) << format_local_time(job.started) << std::setw(12)
        << protocol::wire_name(job.state) << std::setw(28) << describe_args(job.args) << result << "\n";
  }
  return out.str();
}

std::string format_job(const protocol::Job& job) {
  std::ostringstream out;
  out << "Job " << job.id << ": " << describe_args(job.args) << " — " << protocol::wire_name(job.state) << "\n";
  out << "Started:     " << format_local_time(job.started);
  if (job.started_by.name) out << " by " << *job.started_by.name;
  out << "\n";
  if (job.finished) {
    out << "Finished:    " << format_local_time(*job.finished) << " (" << format_duration(*job.finished - job.started)
        << ")" << (job.exit_code ? ", exit code " + std::to_string(*job.exit_code) : std::string()) << "\n";
  } else {
    out << "Phase:       " << protocol::wire_name(job.progress.phase)
        << (job.progress.current ? ", " + *job.progress.current : std::string()) << "\n";
  }
  if (job.generation_before || job.generation_after) {
    out << "Generations: " << (job.generation_before ? std::to_string(*job.generation_before) : "?") << " -> "
        << (job.generation_after ? std::to_string(*job.generation_after) : "?") << "\n";
  }
  if (job.summary) {
    out << "Summary:     " << *job.summary << "\n";
  }
  if (job.freed_bytes) {
    out << "Freed:       " << text::format_bytes(*job.freed_bytes) << "\n";
  }
  if (job.update) {
    out << "Inputs:      "
        << (job.update->inputs.empty() ? "none moved" : std::to_string(job.update->inputs.size()) + " moved") << " ("
        << job.update->lock_file << " is unchanged until a switch to this result)\n";
    const auto pin = [](const std::optional<protocol::LockedInput>& locked) {
      if (!locked) return std::string("(none)");
      return locked->revision.substr(0, 12) + (locked->date ? " " + format_local_time(*locked->date) : std::string());
    };
    for (const auto& input : job.update->inputs) {
      out << "  " << input.name << " (" << input.source << "): " << pin(input.from) << " -> " << pin(input.to) << "\n";
    }
    if (job.result_path) {
      out << "Review:      nixtray-agent diff " << job.generation_before.value_or(0) << " " << *job.result_path << "\n";
    }
  }
  if (job.lock_written) {
    out << "Lock:        " << *job.lock_written << " updated\n";
  }
  if (job.failure && !job.failure->log_tail.empty()) {
    out << "Last lines:\n";
    for (const auto& line : job.failure->log_tail) out << "  " << line << "\n";
  }
  out << "Unit:        " << job.unit << ", " << job.log_lines << " log lines (nixtray-agent logs " << job.id << ")\n";
  return out.str();
}

}  // namespace nixtray::agent
