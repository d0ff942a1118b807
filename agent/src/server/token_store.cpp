#include "server/token_store.hpp"

#include "nixtray/crypto/hex.hpp"
#include "nixtray/crypto/primitives.hpp"
#include "nixtray/crypto/secret_file.hpp"

#include <array>
#include <stdexcept>

namespace nixtray::agent {

std::string TokenStore::load_or_create() const {
  auto read = crypto::read_secret_file(file_);
  if (read.missing) {
    std::array<std::uint8_t, 32> bytes{};
    crypto::fill_random(bytes);
    // Of two agents racing, the first one's token wins (no replace).
    const auto written = crypto::write_secret_file(file_, crypto::to_hex(bytes) + "\n", false);
    if (!written.problem.empty()) {
      throw std::runtime_error("cannot create the token file: " + written.problem);
    }
    read = crypto::read_secret_file(file_);
  }
  if (!read.secret) {
    throw std::runtime_error("refusing the token file: " + read.problem);
  }
  if (read.secret->size() < 32) {
    throw std::runtime_error("token file " + file_.string() + " holds no usable token (delete it to make a new one)");
  }
  return *read.secret;
}

}  // namespace nixtray::agent
