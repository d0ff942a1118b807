#include "nixtray/crypto/secret_file.hpp"

#include "secret_file_text.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string>

namespace nixtray::crypto {

namespace {

using detail::max_secret_file_bytes;

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_;
};

bool write_all(int fd, std::string_view content) {
  while (!content.empty()) {
    const auto n = ::write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    content.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

SecretFileRead read_secret_file(const std::filesystem::path& file) {
  const auto name = file.string();
  // O_NOFOLLOW: the check and the read are of the same file, with no window to swap in a link.
  FileDescriptor fd(::open(name.c_str(), O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC | O_NONBLOCK));
  if (fd.get() < 0) {
    if (errno == ELOOP) {
      return {std::nullopt, name +
                                " is a symbolic link; a secret is read only from a regular file (put the file "
                                "itself there)"};
    }
    const int error = errno;
    return {std::nullopt, "cannot read " + name + ": " + std::strerror(error), error == ENOENT};
  }
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) {
    return {std::nullopt, "cannot read " + name + ": " + std::strerror(errno)};
  }
  if (!S_ISREG(info.st_mode)) {
    return {std::nullopt, name + " is not a regular file"};
  }
  if (info.st_uid != ::geteuid() && info.st_uid != 0) {
    return {std::nullopt, name + " belongs to uid " + std::to_string(info.st_uid) +
                              ", neither this user nor root: someone else may have written it"};
  }
  if ((info.st_mode & 077) != 0) {
    return {std::nullopt, name + " may be read or written by others (mode " + std::to_string((info.st_mode >> 6) & 7) +
                              std::to_string((info.st_mode >> 3) & 7) + std::to_string(info.st_mode & 7) +
                              "); fix with: chmod 600 " + name};
  }
  std::string text;
  std::array<char, 512> chunk{};
  for (;;) {
    const auto n = ::read(fd.get(), chunk.data(), chunk.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return {std::nullopt, "cannot read " + name + ": " + std::strerror(errno)};
    }
    if (n == 0) break;
    text.append(chunk.data(), static_cast<std::size_t>(n));
    if (text.size() > max_secret_file_bytes) {
      return {std::nullopt, name + " is larger than a secret file can be"};
    }
  }
  return detail::secret_of(std::move(text), name);
}

SecretFileWrite write_secret_file(const std::filesystem::path& file, std::string_view content, bool replace) {
  detail::make_parent_directories(file);
  const auto name = file.string();
  const auto temporary = name + ".new." + std::to_string(::getpid());
  ::unlink(temporary.c_str());  // a leftover of this pid's crash; O_EXCL below refuses anything else
  {
    FileDescriptor fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (fd.get() < 0) {
      return {false, "cannot create " + temporary + ": " + std::strerror(errno)};
    }
    if (!write_all(fd.get(), content) || ::fsync(fd.get()) != 0) {
      const int error = errno;
      ::unlink(temporary.c_str());
      return {false, "cannot write " + temporary + ": " + std::strerror(error)};
    }
  }
  int error = 0;
  bool written = true;
  if (replace) {
    if (::rename(temporary.c_str(), name.c_str()) != 0) error = errno;
  } else if (::link(temporary.c_str(), name.c_str()) != 0) {
    if (errno == EEXIST) {
      written = false;
    } else {
      error = errno;
    }
  }
  ::unlink(temporary.c_str());  // after a rename it is gone already
  if (error != 0) {
    return {false, "cannot write " + name + ": " + std::strerror(error)};
  }
  if (written && file.has_parent_path()) {
    // The new name is durable only once its directory is.
    FileDescriptor directory(::open(file.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (directory.get() >= 0) ::fsync(directory.get());
  }
  return {written, {}};
}

}  // namespace nixtray::crypto
