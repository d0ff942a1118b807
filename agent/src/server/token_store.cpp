#include "server/token_store.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace nixtray::agent {
namespace {

std::string random_hex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  std::size_t filled = 0;
  while (filled < bytes) {
    const auto n = ::getrandom(raw.data() + filled, bytes - filled, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("getrandom: ") + std::strerror(errno));
    }
    filled += static_cast<std::size_t>(n);
  }
  static constexpr std::array<char, 16> digits = {'0', '1', '2', '3', '4', '5', '6', '7',
                                                  '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
  std::string hex;
  hex.reserve(bytes * 2);
  for (const char c : raw) {
    const auto byte = static_cast<unsigned char>(c);
    hex.push_back(digits[byte >> 4]);
    hex.push_back(digits[byte & 0xF]);
  }
  return hex;
}

std::string trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

}  // namespace

std::string TokenStore::load_or_create() const {
  std::error_code ec;
  if (!std::filesystem::exists(file_, ec)) {
    std::filesystem::create_directories(file_.parent_path(), ec);
    // Written under a temporary name and linked into place: a reader never sees half a token,
    // and of two agents racing, the first one's token wins.
    const auto temporary = file_.string() + ".new." + std::to_string(::getpid());
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
      throw std::runtime_error("cannot create token file " + temporary + ": " + std::strerror(errno));
    }
    const auto token = random_hex(32) + "\n";
    const bool written =
        ::write(fd, token.data(), token.size()) == static_cast<ssize_t>(token.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!written || (::link(temporary.c_str(), file_.c_str()) != 0 && errno != EEXIST)) {
      const int err = errno;
      ::unlink(temporary.c_str());
      throw std::runtime_error("cannot write token file " + file_.string() + ": " + std::strerror(err));
    }
    ::unlink(temporary.c_str());
  }
  struct stat info {};
  if (::stat(file_.c_str(), &info) == 0 && (info.st_mode & 077) != 0) {
    throw std::runtime_error("token file " + file_.string() + " is readable by others; fix with: chmod 600 " +
                             file_.string());
  }
  std::ifstream in(file_);
  std::string token;
  if (!in || !std::getline(in, token)) {
    throw std::runtime_error("cannot read token file " + file_.string());
  }
  token = trim(token);
  if (token.size() < 32) {
    throw std::runtime_error("token file " + file_.string() + " holds no usable token (delete it to make a new one)");
  }
  return token;
}

bool TokenStore::matches(std::string_view expected, std::string_view given) {
  unsigned char difference = expected.size() == given.size() ? 0 : 1;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const char g = i < given.size() ? given[i] : '\0';
    difference |= static_cast<unsigned char>(expected[i] ^ g);
  }
  return difference == 0 && !expected.empty();
}

}  // namespace nixtray::agent
