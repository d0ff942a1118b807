#include "support/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace nixtray::agent {

namespace {

[[noreturn]] void fail(const std::filesystem::path& file, int error) {
  throw std::runtime_error("cannot write " + file.string() + ": " + std::strerror(error));
}

// Writes `content` to a new temporary file next to `file` and fsyncs it; returns its path.
std::string write_temporary(const std::filesystem::path& file, const std::string& content, unsigned mode) {
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  const auto temporary = file.string() + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) fail(file, errno);
  std::size_t written = 0;
  int error = 0;
  while (written < content.size()) {
    const auto n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = errno;
      break;
    }
    written += static_cast<std::size_t>(n);
  }
  if (error == 0 && ::fsync(fd) != 0) error = errno;
  ::close(fd);
  if (error != 0) {
    ::unlink(temporary.c_str());
    fail(file, error);
  }
  return temporary;
}

std::filesystem::path directory_of(const std::filesystem::path& file) {
  return file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
}

}  // namespace

std::optional<std::string> read_small_file(const std::filesystem::path& file, std::size_t max_bytes) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::string content(max_bytes + 1, '\0');
  in.read(content.data(), static_cast<std::streamsize>(content.size()));
  const auto n = static_cast<std::size_t>(in.gcount());
  if (n > max_bytes) {
    return std::nullopt;
  }
  content.resize(n);
  return content;
}

void sync_directory(const std::filesystem::path& directory) {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    throw std::runtime_error("cannot open the directory " + directory.string() + ": " + std::strerror(errno));
  }
  const int rc = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (rc != 0) {
    throw std::runtime_error("cannot sync the directory " + directory.string() + ": " + std::strerror(error));
  }
}

void write_file_atomically(const std::filesystem::path& file, const std::string& content, unsigned mode) {
  const auto temporary = write_temporary(file, content, mode);
  if (::rename(temporary.c_str(), file.c_str()) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    fail(file, error);
  }
  sync_directory(directory_of(file));
}

bool create_file_exclusively(const std::filesystem::path& file, const std::string& content, unsigned mode) {
  const auto temporary = write_temporary(file, content, mode);
  // link() never replaces an existing name: the first process to link wins, and the file it
  // links is already complete (no reader ever sees it empty).
  const int rc = ::link(temporary.c_str(), file.c_str());
  const int error = errno;
  ::unlink(temporary.c_str());
  if (rc != 0) {
    if (error == EEXIST) return false;
    fail(file, error);
  }
  sync_directory(directory_of(file));
  return true;
}

}  // namespace nixtray::agent
