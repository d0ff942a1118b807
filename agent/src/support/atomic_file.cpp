#include "support/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace nixtray::agent {

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

void write_file_atomically(const std::filesystem::path& file, const std::string& content, unsigned mode) {
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  const auto temporary = file.string() + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) {
    throw std::runtime_error("cannot write " + file.string() + ": " + std::strerror(errno));
  }
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
  if (error == 0 && ::fsync(fd) != 0) {
    error = errno;
  }
  ::close(fd);
  if (error == 0 && ::rename(temporary.c_str(), file.c_str()) != 0) {
    error = errno;
  }
  if (error != 0) {
    ::unlink(temporary.c_str());
    throw std::runtime_error("cannot write " + file.string() + ": " + std::strerror(error));
  }
}

}  // namespace nixtray::agent
