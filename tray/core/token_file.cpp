#include "core/token_file.hpp"

#include <fstream>
#include <sstream>

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

}  // namespace nixtray::tray
