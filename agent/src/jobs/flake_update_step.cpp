#include "jobs/flake_update_step.hpp"

#include "jobs/flake_checkout.hpp"
#include "jobs/job_exit_code.hpp"
#include "jobs/job_markers.hpp"
#include "jobs/job_runner.hpp"
#include "nix/flake_lock_diff.hpp"
#include "support/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace nixtray::agent {

namespace fs = std::filesystem;
using protocol::JobPhase;

namespace {

constexpr std::size_t max_lock_bytes = 16 << 20;  // nixpkgs-sized flakes have locks of a few hundred KiB

// Where the copy of the flake lives while the job runs.
fs::path copy_of_flake(const JobFiles& files) { return files.work() / "flake"; }

protocol::json parsed_lock(const fs::path& file) {
  const auto text = read_small_file(file, max_lock_bytes);
  if (!text) return nullptr;
  auto lock = protocol::json::parse(*text, nullptr, false);
  return lock.is_discarded() ? protocol::json(nullptr) : lock;
}

std::string short_revision(const std::optional<protocol::LockedInput>& pin) {
  if (!pin) return "(none)";
  const auto& revision = pin->revision;
  auto text = revision.size() > 12 && revision.find(':') == std::string::npos ? revision.substr(0, 12) : revision;
  if (pin->date) {
    const auto seconds = static_cast<std::time_t>(*pin->date);
    std::tm day{};
    char spelled[16] = "";
    if (::gmtime_r(&seconds, &day) != nullptr) std::strftime(spelled, sizeof spelled, "%Y-%m-%d", &day);
    text += std::string(" (") + spelled + ")";
  }
  return text;
}

[[noreturn]] void throw_errno(const std::string& what) { throw std::runtime_error(what + ": " + std::strerror(errno)); }

}  // namespace

std::optional<fs::path> flake_lock_of(const std::string& flake) {
  const auto directory = local_flake_directory(flake);
  if (!directory) return std::nullopt;
  std::error_code ec;
  const auto canonical = fs::canonical(*directory, ec);
  if (ec || !fs::is_directory(canonical, ec)) return std::nullopt;
  return canonical / "flake.lock";
}

std::variant<std::string, int> update_flake_in_copy(const std::string& flake, const JobFiles& files,
                                                    const CommandOptions& environment) {
  say_in_log(phase_marker(JobPhase::updating));
  const auto lock = flake_lock_of(flake);
  if (!lock) {
    return fail_job(protocol::FailureKind::check, flake + " is not a local flake directory, so it cannot be updated",
                    job_check_failed);
  }
  const auto copy = copy_of_flake(files);
  std::error_code ec;
  fs::remove_all(copy, ec);
  fs::copy(lock->parent_path(), copy, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
  if (ec) {
    remove_flake_copy(files);
    return fail_job(protocol::FailureKind::internal,
                    "cannot copy " + lock->parent_path().string() + " to update it: " + ec.message(),
                    job_command_failed);
  }
  say_in_log("updating the inputs of a copy of " + lock->parent_path().string() + " (" + lock->string() +
             " stays as it is until a switch)");
  // No flake argument: Nix before 2.19 reads it as the flake (default "."), later ones as input
  // names; both update every input of the flake in the working directory.
  if (run_command({"nix", "--extra-experimental-features", "nix-command flakes", "flake", "update"}, copy, environment)
          .exit_code != 0) {
    remove_flake_copy(files);
    return fail_job(protocol::FailureKind::evaluation,
                    "nix flake update failed in the copy of " + lock->parent_path().string() + " (see the log above)",
                    job_command_failed);
  }
  const auto fragment = flake.find('#');
  return copy.string() + (fragment == std::string::npos ? "" : flake.substr(fragment));
}

void report_moved_inputs(const std::string& flake, const JobFiles& files) {
  const auto lock = flake_lock_of(flake);
  if (!lock) return;
  const auto copy = copy_of_flake(files);
  std::error_code ec;
  fs::remove(files.lock_before(), ec);
  if (fs::exists(*lock, ec)) fs::copy_file(*lock, files.lock_before(), fs::copy_options::overwrite_existing, ec);
  fs::copy_file(copy / "flake.lock", files.lock_after(), fs::copy_options::overwrite_existing, ec);
  protocol::FlakeUpdate update;
  update.lock_file = lock->string();
  update.inputs = moved_inputs(parsed_lock(*lock), parsed_lock(copy / "flake.lock"));
  remove_flake_copy(files);
  if (update.inputs.empty()) {
    say_in_log("no input moved: the configuration's inputs are up to date");
  }
  for (const auto& input : update.inputs) {
    say_in_log("input " + input.name + " (" + input.source + "): " + short_revision(input.from) + " -> " +
               short_revision(input.to));
  }
  say_in_log(update_marker(update));
}

void remove_flake_copy(const JobFiles& files) {
  std::error_code ec;
  fs::remove_all(copy_of_flake(files), ec);
}

std::optional<std::string> lock_replacement_problem(const LockReplacement& replacement) {
  std::error_code ec;
  const bool had_lock = fs::exists(replacement.before, ec);
  const auto now = read_small_file(replacement.target, max_lock_bytes);
  const auto then = had_lock ? read_small_file(replacement.before, max_lock_bytes) : std::nullopt;
  if (now == then) return std::nullopt;
  return replacement.target.string() + " changed since the update was built, so it is left as it is: update again";
}

void replace_lock(const LockReplacement& replacement) {
  const auto content = read_small_file(replacement.after, max_lock_bytes);
  if (!content) throw std::runtime_error("cannot read the updated lock " + replacement.after.string());
  const auto directory = replacement.target.parent_path();
  const int dir = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dir < 0) throw_errno("cannot open " + directory.string());
  struct stat owner {};
  unsigned mode = 0644;
  const auto name = replacement.target.filename().string();
  // A regular file's owner and mode carry over; anything else there (a symbolic link, which is
  // replaced and never followed) counts as no lock: the directory's owner, mode 0644.
  if (::fstatat(dir, name.c_str(), &owner, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(owner.st_mode)) {
    mode = owner.st_mode & 0777;
  } else if (::fstat(dir, &owner) != 0) {
    ::close(dir);
    throw_errno("cannot read the owner of " + directory.string());
  }
  const auto temporary = "." + name + ".nixtray-" + std::to_string(::getpid());
  ::unlinkat(dir, temporary.c_str(), 0);
  const int fd = ::openat(dir, temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    ::close(dir);
    throw_errno("cannot create a file in " + directory.string());
  }
  bool written = true;
  for (std::size_t done = 0; written && done < content->size();) {
    const auto n = ::write(fd, content->data() + done, content->size() - done);
    written = n > 0;
    if (written) done += static_cast<std::size_t>(n);
  }
  // The user's lock stays the user's: same owner and mode as the one it replaces.
  written = written && ::fchown(fd, owner.st_uid, owner.st_gid) == 0 && ::fchmod(fd, mode) == 0 && ::fsync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  if (!written || ::renameat(dir, temporary.c_str(), dir, name.c_str()) != 0) {
    const int reason = written ? errno : saved;
    ::unlinkat(dir, temporary.c_str(), 0);
    ::close(dir);
    errno = reason;
    throw_errno("cannot write " + replacement.target.string());
  }
  ::fsync(dir);
  ::close(dir);
}

}  // namespace nixtray::agent
