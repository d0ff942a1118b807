#include "jobs/job_admission.hpp"

#include "nix/nix_store_location.hpp"
#include "state/profile_scan.hpp"

#include "nixtray/text/byte_size.hpp"

#include <sys/statvfs.h>

#include <algorithm>
#include <ctime>

extern char** environ;

namespace nixtray::agent {

using protocol::ErrorCode;
using protocol::RpcException;

namespace {

// Texts from clients that the agent keeps (the job record, the spec) are bounded: a flake
// reference or a store path is far shorter, and PATH_MAX is what a path can be.
constexpr std::size_t max_param_text_bytes = 4096;

int rollback_target(const protocol::JobStartParams& params, const ProfileScan& profile) {
  if (params.to) {
    const auto link = std::find_if(profile.links.begin(), profile.links.end(),
                                   [&](const ProfileLink& l) { return l.number == *params.to; });
    if (link == profile.links.end()) {
      throw RpcException(ErrorCode::not_found, "there is no generation " + std::to_string(*params.to));
    }
    if (link->problem) {
      throw RpcException(ErrorCode::refused,
                         "cannot roll back to generation " + std::to_string(*params.to) + ": " + *link->problem);
    }
    return *params.to;
  }
  const int from = profile.default_number.value_or(0);
  for (auto it = profile.links.rbegin(); it != profile.links.rend(); ++it) {  // newest first
    if (it->number < from && !it->problem) return it->number;
  }
  throw RpcException(ErrorCode::not_found, "there is no usable generation before " + std::to_string(from));
}

}  // namespace

void check_param_sizes(const protocol::JobStartParams& params) {
  protocol::require_at_most_bytes(params.flake, "flake", max_param_text_bytes);
  protocol::require_at_most_bytes(params.system, "system", max_param_text_bytes);
}

void check_store_space(const AgentConfig& config) {
  struct statvfs disk {};
  if (::statvfs(NixStoreLocation::from_environment().store_dir.c_str(), &disk) != 0) return;
  const auto free_bytes = static_cast<std::int64_t>(disk.f_bavail) * static_cast<std::int64_t>(disk.f_frsize);
  if (free_bytes < config.min_free_space) {
    throw RpcException(ErrorCode::refused,
                       "only " + text::format_bytes(free_bytes) + " free in the Nix store; a rebuild needs at least " +
                           text::format_bytes(config.min_free_space) + " (free space with: nixtray-agent gc --keep 5)",
                       {{"free_bytes", free_bytes}, {"required_bytes", config.min_free_space}});
  }
}

JobSpec make_job_spec(const std::string& id, const protocol::JobStartParams& params, const AgentConfig& config,
                      const protocol::GenerationTriple& marks) {
  JobSpec spec;
  spec.id = id;
  spec.args = params;
  spec.profile = config.profile_dir / "system";
  spec.rebuild_command = config.rebuild_command;
  spec.flake = params.flake ? params.flake : config.flake;
  spec.created = std::time(nullptr);
  // The profile as it is now, not as last cached: a generation may have been added a moment ago.
  const auto profile = scan_profile(config.profile_dir);
  for (const auto& number : {profile.default_number, marks.current, marks.booted, marks.known_good}) {
    if (number) spec.protected_generations.push_back(*number);
  }
  if (params.kind == protocol::JobKind::rollback) {
    spec.rollback_target = rollback_target(params, profile);
  }
  return spec;
}

std::vector<std::string> job_environment() {
  std::vector<std::string> environment;
  bool has_path = false;
  for (char** entry = environ; *entry; ++entry) {
    const std::string_view variable(*entry);
    const auto name = variable.substr(0, variable.find('='));
    const bool passed = name == "PATH" || name == "HOME" || name == "LANG" || name == "LC_ALL" ||
                        name == "LOCALE_ARCHIVE" || name == "TZDIR" || name == "TMPDIR" || name.starts_with("NIX");
    if (passed) environment.emplace_back(variable);
    has_path = has_path || name == "PATH";
  }
  if (!has_path) environment.emplace_back("PATH=/run/current-system/sw/bin:/usr/bin:/bin");
  return environment;
}

}  // namespace nixtray::agent
