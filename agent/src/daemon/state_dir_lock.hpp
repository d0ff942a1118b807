// One agent per state directory: an exclusive lock (flock) on <state>/agent.lock, held for the
// agent's lifetime, with the holder's pid written in the file so a second agent can say who holds
// it. Two agents on one directory would overwrite each other's job records and ids. The kernel drops
// the lock when the holder exits, however it exits, so a crash never leaves the directory locked.
#pragma once

#include <filesystem>

namespace nixtray::agent {

class StateDirLock {
 public:
  // Takes the lock or throws std::runtime_error naming the directory and the holder's pid.
  explicit StateDirLock(const std::filesystem::path& state_dir);
  ~StateDirLock();
  StateDirLock(const StateDirLock&) = delete;
  StateDirLock& operator=(const StateDirLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace nixtray::agent
