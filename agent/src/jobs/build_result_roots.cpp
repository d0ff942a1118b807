#include "jobs/build_result_roots.hpp"

#include "support/atomic_file.hpp"
#include "support/logger.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace nixtray::agent {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view root_prefix = "job-";

// Whether `path` is `dir` or lies below it, compared lexically (the link may dangle).
bool lies_in(const fs::path& path, const fs::path& dir) {
  const auto relative = path.lexically_normal().lexically_relative(dir.lexically_normal());
  return !relative.empty() && *relative.begin() != "..";
}

}  // namespace

BuildResultRoots::BuildResultRoots(fs::path nix_state_dir)
    : nix_state_dir_(std::move(nix_state_dir)), roots_dir_(nix_state_dir_ / "gcroots" / "nixtray") {}

void BuildResultRoots::keep(const std::string& id, const fs::path& store_path) {
  std::error_code ec;
  fs::create_directories(roots_dir_, ec);
  const auto root = roots_dir_ / (std::string(root_prefix) + id);
  // As Nix replaces a root: a link under a temporary name, renamed over the old one.
  const auto temporary = roots_dir_ / (".job-" + id + ".tmp." + std::to_string(::getpid()));
  fs::remove(temporary, ec);
  if (::symlink(store_path.c_str(), temporary.c_str()) != 0 || ::rename(temporary.c_str(), root.c_str()) != 0) {
    const int error = errno;
    fs::remove(temporary, ec);
    throw std::runtime_error("cannot create the GC root " + root.string() + ": " + std::strerror(error));
  }
  sync_directory(roots_dir_);
  for (const auto& [other, path] : all()) {
    if (other != id) release(other);
  }
}

void BuildResultRoots::release(const std::string& id) {
  std::error_code ec;
  const auto root = roots_dir_ / (std::string(root_prefix) + id);
  if (fs::remove(root, ec)) {
    log_info("released the GC root " + root.string());
  } else if (ec) {
    log_warning("cannot remove the GC root " + root.string() + ": " + ec.message());
  }
}

std::optional<fs::path> BuildResultRoots::held(const std::string& id) const {
  std::error_code ec;
  auto target = fs::read_symlink(roots_dir_ / (std::string(root_prefix) + id), ec);
  if (ec) return std::nullopt;
  return target;
}

std::map<std::string, fs::path> BuildResultRoots::all() const {
  std::map<std::string, fs::path> roots;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(roots_dir_, ec)) {
    const auto name = entry.path().filename().string();
    if (!name.starts_with(root_prefix)) continue;
    const auto id = name.substr(root_prefix.size());
    if (const auto target = held(id)) roots.emplace(id, *target);
  }
  return roots;
}

void BuildResultRoots::release_work_roots(const std::vector<JobFiles>& jobs) const {
  std::error_code ec;
  for (const auto& files : jobs) {
    const auto result = files.work() / "result";
    if (fs::is_symlink(fs::symlink_status(result, ec))) {
      fs::remove(result, ec);
      if (ec) log_warning("cannot remove " + result.string() + ": " + ec.message());
    }
  }
  // Nix removes a dangling auto root at the next collection; removing it now leaves nothing in
  // gcroots that names the state directory.
  for (const auto& entry : fs::directory_iterator(nix_state_dir_ / "gcroots" / "auto", ec)) {
    std::error_code link_error;
    const auto target = fs::read_symlink(entry.path(), link_error);
    if (link_error || !target.is_absolute()) continue;
    if (std::any_of(jobs.begin(), jobs.end(), [&](const JobFiles& files) { return lies_in(target, files.dir); })) {
      fs::remove(entry.path(), link_error);
    }
  }
}

bool built_a_system(const protocol::Job& job) {
  return job.kind == protocol::JobKind::rebuild && job.state == protocol::JobState::succeeded &&
         job.args.mode == protocol::RebuildMode::build && job.result_path;
}

void BuildResultRoots::settle(const protocol::Job& job, const JobFiles& files) {
  using protocol::RebuildMode;
  const auto mode = job.args.mode.value_or(RebuildMode::switch_);
  const bool rebuilt = job.kind == protocol::JobKind::rebuild && job.state == protocol::JobState::succeeded;
  if (built_a_system(job)) {
    try {
      keep(job.id, *job.result_path);
    } catch (const std::exception& e) {
      log_warning(std::string(e.what()) + "; build job " + job.id + "'s result may be collected before it is used");
    }
  } else if (rebuilt && job.result_path && (mode == RebuildMode::switch_ || mode == RebuildMode::boot)) {
    for (const auto& [id, path] : all()) {
      if (path == fs::path(*job.result_path)) release(id);  // a generation of the profile now
    }
  }
  release_work_roots({files});
}

}  // namespace nixtray::agent
