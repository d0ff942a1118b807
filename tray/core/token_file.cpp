#include "core/token_file.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>

namespace nixtray::tray {

TokenRead read_token_file(const std::filesystem::path& file) {
  TokenRead read;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    read.error = "cannot read the token file " + file.string() +
                 " (get the token with: nixtray-agent token, as root inside the distro)";
    return read;
  }
  std::string text;
  std::getline(in, text);
  while (!text.empty() && (text.back() == '\r' || text.back() == ' ' || text.back() == '\t')) text.pop_back();
  if (text.empty()) {
    read.error = "the token file " + file.string() + " is empty";
    return read;
  }
  read.token = std::move(text);
  return read;
}

namespace {

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

bool is_token(const std::string& text) {
  if (text.size() != 64) return false;
  for (const char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

std::filesystem::path default_token_file(const std::string& distro) {
#if defined(_WIN32)
  auto base = environment("LOCALAPPDATA");
  if (base.empty()) base = (std::filesystem::path(environment("USERPROFILE")) / "AppData" / "Local").string();
#else
  auto base = environment("XDG_CONFIG_HOME");
  if (base.empty() || !std::filesystem::path(base).is_absolute()) {
    base = (std::filesystem::path(environment("HOME")) / ".config").string();
  }
#endif
  return std::filesystem::path(base) / "nixtray" / (distro + ".token");
}

net::asio::awaitable<std::string> fetch_token(DistroControl& control, std::filesystem::path file) {
  auto op = control.run_as_root({agent_path_in_distro, "token"});
  const auto result = co_await std::move(op);
  if (!result.ok) {
    co_return "cannot fetch the agent's token (nixtray-agent token, as root in the distro): " + result.message;
  }
  std::string token = result.output;
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) token.pop_back();
  if (!is_token(token)) {
    co_return "nixtray-agent token printed something that is not a token (64 hex characters)";
  }
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  auto temporary = file;
  temporary += ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << token << "\n";
    if (!out.flush()) {
      co_return "cannot write " + temporary.string();
    }
  }
  // The token lets its holder act on the distro as an authorized user: the user's eyes only.
  std::filesystem::permissions(temporary, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::replace, ec);
  std::filesystem::rename(temporary, file, ec);
  if (ec) {
    std::filesystem::remove(temporary, ec);
    co_return "cannot write " + file.string() + ": " + ec.message();
  }
  co_return std::string();
}

}  // namespace nixtray::tray
