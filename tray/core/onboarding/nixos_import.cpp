#include "core/onboarding/nixos_import.hpp"

#include "core/distro/wsl_list_parser.hpp"
#include "core/system/user_folders.hpp"

#include <algorithm>
#include <cctype>
#include <system_error>

namespace nixtray::tray {

namespace fs = std::filesystem;

namespace {

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

NixosImageKind nixos_image_kind(const fs::path& image) {
  const auto name = lowercase(path_text(image.filename()));
  if (ends_with(name, ".wsl")) return NixosImageKind::wsl;
  for (const auto* suffix : {".tar.gz", ".tgz", ".tar"}) {
    if (!ends_with(name, suffix)) continue;
    return name.find("installer") != std::string::npos ? NixosImageKind::legacy_installer
                                                       : NixosImageKind::legacy_tarball;
  }
  return NixosImageKind::unknown;
}

bool valid_distro_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 || c == '.' || c == '_' || c == '-';
  });
}

std::vector<std::string> check_nixos_import(const NixosImportRequest& request,
                                            const std::vector<std::string>& existing) {
  std::vector<std::string> problems;
  std::error_code ec;
  if (request.image.empty()) {
    problems.emplace_back("Pick the NixOS-WSL image (nixos.wsl) to install.");
  } else if (!fs::is_regular_file(request.image, ec)) {
    problems.push_back("There is no file " + path_text(request.image) + ".");
  } else if (nixos_image_kind(request.image) == NixosImageKind::unknown) {
    problems.push_back(path_text(request.image.filename()) +
                       " is not a NixOS-WSL image: pick nixos.wsl, or a legacy nixos-wsl.tar.gz.");
  }
  if (!valid_distro_name(request.name)) {
    problems.push_back("\"" + request.name + "\" cannot be a distro name: use letters, digits, '.', '_' and '-' only.");
  } else if (std::any_of(existing.begin(), existing.end(),
                         [&](const std::string& name) { return same_distro_name(name, request.name); })) {
    problems.push_back("WSL already has a distro named " + request.name + ": pick another name.");
  }
  if (request.folder.empty()) {
    problems.emplace_back("Pick a folder for the distro's disk.");
  } else if (fs::exists(request.folder, ec) &&
             (!fs::is_directory(request.folder, ec) || !fs::is_empty(request.folder, ec))) {
    problems.push_back(path_text(request.folder) + " is not an empty folder: pick a new or empty one.");
  }
  return problems;
}

std::vector<std::string> wsl_import_command(const std::string& wsl, const NixosImportRequest& request) {
  return {wsl, "--import", request.name, path_text(request.folder), path_text(request.image), "--version", "2"};
}

fs::path default_distro_folder(const std::string& name) { return user_data_folder() / "nixtray" / "distros" / name; }

std::optional<fs::path> find_downloaded_nixos_image(const fs::path& folder) {
  std::error_code ec;
  std::optional<fs::path> newest;
  fs::file_time_type newest_time{};
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const auto name = lowercase(path_text(it->path().filename()));
    const bool looks_like_nixos = name.rfind("nixos", 0) == 0;
    if (!looks_like_nixos || nixos_image_kind(it->path()) == NixosImageKind::unknown) continue;
    std::error_code entry_ec;
    if (!it->is_regular_file(entry_ec)) continue;
    const auto time = it->last_write_time(entry_ec);
    if (entry_ec) continue;
    if (!newest || time > newest_time) {
      newest = it->path();
      newest_time = time;
    }
  }
  return newest;
}

}  // namespace nixtray::tray
