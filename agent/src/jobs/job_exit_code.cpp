#include "jobs/job_exit_code.hpp"

#include "support/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace nixtray::agent {

namespace {

// Longer than any exit code line ("-2147483648\n"), so the code always fits in the reserved room.
constexpr std::size_t reserved_bytes = 16;

// Overwrites the start of an existing file and cuts it there: neither step allocates space.
void overwrite_in_place(const std::filesystem::path& file, const std::string& content) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    throw std::runtime_error("cannot open " + file.string() + ": " + std::strerror(errno));
  }
  int error = 0;
  const auto written = ::pwrite(fd, content.data(), content.size(), 0);
  if (written != static_cast<ssize_t>(content.size())) {
    error = written < 0 ? errno : EIO;
  } else if (::ftruncate(fd, static_cast<off_t>(content.size())) != 0 || ::fsync(fd) != 0) {
    error = errno;
  }
  ::close(fd);
  if (error != 0) {
    throw std::runtime_error("cannot write " + file.string() + ": " + std::strerror(error));
  }
}

}  // namespace

void reserve_job_exit_code(const JobFiles& files) {
  write_file_atomically(files.exit_code_reserve(), std::string(reserved_bytes - 1, ' ') + "\n");
}

void record_job_exit_code(const JobFiles& files, int exit_code) {
  const auto line = std::to_string(exit_code) + "\n";
  std::error_code ignored;
  try {
    write_file_atomically(files.exit_code(), line);
    std::filesystem::remove(files.exit_code_reserve(), ignored);
    return;
  } catch (const std::exception& atomic_failed) {
    try {
      overwrite_in_place(files.exit_code_reserve(), line);
      std::filesystem::rename(files.exit_code_reserve(), files.exit_code());
      sync_directory(files.dir);
    } catch (const std::exception& reserve_failed) {
      throw std::runtime_error(std::string(atomic_failed.what()) +
                               "; and in the reserved room: " + reserve_failed.what());
    }
  }
}

}  // namespace nixtray::agent
