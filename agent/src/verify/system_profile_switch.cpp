#include "verify/system_profile_switch.hpp"

#include "state/profile_scan.hpp"
#include "support/atomic_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace nixtray::agent {

namespace fs = std::filesystem;

namespace {

std::string why() { return std::strerror(errno); }

// The profile's lock as Nix's PathLocks takes it: flock on <profile>.lock; a lock file that was
// deleted by its previous holder (its link count is 0) is stale and taken again. Removed on release.
class ProfileLock {
 public:
  ProfileLock(const fs::path& file, std::chrono::milliseconds timeout) : file_(file) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      fd_ = ::open(file_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
      if (fd_ < 0) throw ProfileSwitchError("cannot open the profile lock " + file_.string() + ": " + why());
      while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK && errno != EINTR) {
          const auto reason = why();
          ::close(fd_);
          throw ProfileSwitchError("cannot lock " + file_.string() + ": " + reason);
        }
        if (std::chrono::steady_clock::now() >= deadline) {
          ::close(fd_);
          throw ProfileSwitchError(file_.string() +
                                   " is locked by another program (nix-env or nixos-rebuild?); try again "
                                   "when it has finished");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      struct stat info {};
      if (::fstat(fd_, &info) == 0 && info.st_nlink > 0) return;
      ::close(fd_);  // deleted by the previous holder: lock the new file instead
    }
  }
  ~ProfileLock() {
    ::unlink(file_.c_str());
    ::close(fd_);
  }
  ProfileLock(const ProfileLock&) = delete;
  ProfileLock& operator=(const ProfileLock&) = delete;

 private:
  fs::path file_;
  int fd_ = -1;
};

}  // namespace

ProfileSwitch switch_system_profile(const fs::path& profile_dir, int number, std::chrono::milliseconds lock_timeout) {
  const std::string name = "system";
  const std::string link_name = name + "-" + std::to_string(number) + "-link";
  const fs::path link = profile_dir / link_name;
  std::error_code ec;
  if (!fs::is_symlink(fs::symlink_status(link, ec))) {
    throw ProfileSwitchError("there is no generation " + std::to_string(number) + " (" + link.string() + ")");
  }
  if (!resolve_link(link)) {
    throw ProfileSwitchError(link.string() + " points to a store path that no longer exists (garbage-collected?)");
  }

  const ProfileLock lock(profile_dir / (name + ".lock"), lock_timeout);
  ProfileSwitch result;
  result.after = number;
  const auto before = fs::read_symlink(profile_dir / name, ec);
  if (!ec) result.before = generation_number_of(before.filename().string(), name);

  // As nix-env: a relative link under a temporary name, renamed over `system` (atomic).
  const fs::path temporary = profile_dir / (".nixtray-rescue-" + std::to_string(::getpid()) + "_" + name);
  ::unlink(temporary.c_str());
  if (::symlink(link_name.c_str(), temporary.c_str()) != 0) {
    throw ProfileSwitchError("cannot create a link in " + profile_dir.string() + ": " + why());
  }
  if (::rename(temporary.c_str(), (profile_dir / name).c_str()) != 0) {
    const auto reason = why();
    ::unlink(temporary.c_str());
    throw ProfileSwitchError("cannot repoint " + (profile_dir / name).string() + ": " + reason);
  }
  // The rename must reach the disk before someone pulls the plug (wsl.exe --terminate).
  try {
    sync_directory(profile_dir);
  } catch (const std::runtime_error&) {
    // The profile points at the generation already; only its durability is not confirmed.
  }
  return result;
}

}  // namespace nixtray::agent
