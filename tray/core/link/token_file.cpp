#include "core/link/token_file.hpp"

#include "core/system/user_folders.hpp"

#include "nixtray/crypto/hex.hpp"
#include "nixtray/crypto/secret_file.hpp"

namespace nixtray::tray {

TokenRead read_token_file(const std::filesystem::path& file) {
  auto read = crypto::read_secret_file(file);
  if (!read.secret) {
    return {std::nullopt,
            read.problem + (read.missing ? " (get the token with: nixtray-agent token, as root inside the "
                                           "distro)"
                                         : std::string())};
  }
  return {std::move(read.secret), {}};
}

std::filesystem::path default_token_file(const std::string& distro) {
  return user_secrets_folder() / "nixtray" / (distro + ".token");
}

net::asio::awaitable<std::string> fetch_token(DistroControl& control, std::filesystem::path file) {
  auto op = control.run_as_root({agent_path_in_distro, "token"});
  const auto result = co_await std::move(op);
  if (!result.ok) {
    co_return "cannot fetch the agent's token (nixtray-agent token, as root in the distro): " + result.message;
  }
  std::string token = result.output;
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) token.pop_back();
  if (!crypto::is_lowercase_hex(token, 32)) {
    co_return "nixtray-agent token printed something that is not a token (64 hex characters)";
  }
  // Created with its final permissions (the user's alone) and moved into place whole.
  const auto written = crypto::write_secret_file(file, token + "\n", true);
  if (!written.written) {
    co_return written.problem;
  }
  co_return std::string();
}

}  // namespace nixtray::tray
