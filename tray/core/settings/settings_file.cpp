#include "core/settings/settings_file.hpp"

#include "core/system/synced_file.hpp"
#include "core/system/user_folders.hpp"

#include <chrono>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace nixtray::tray {

namespace fs = std::filesystem;
using protocol::json;

namespace {

constexpr std::uintmax_t max_settings_bytes = 4 * 1024 * 1024;

// Moves a corrupt file aside with a unique name, so the user can look at it.
std::string move_aside(const fs::path& file) {
  const auto stamp =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  auto target = file;
  target += ".corrupt-" + std::to_string(stamp);
  for (int i = 1; fs::exists(target) && i < 1000; ++i) {
    target = file;
    target += ".corrupt-" + std::to_string(stamp) + "-" + std::to_string(i);
  }
  std::error_code ec;
  fs::rename(file, target, ec);
  if (ec) {
    return " (could not move it aside: " + ec.message() + ")";
  }
  return "; moved it to " + target.string();
}

}  // namespace

fs::path SettingsFile::default_path() { return user_config_folder() / "nixtray" / "settings.json"; }

LoadedSettings SettingsFile::load() const {
  LoadedSettings loaded;
  const auto value = read(loaded);
  loaded.document = document_from_json(value.value_or(json::object()), loaded.warnings);
  loaded.settings = loaded.document.default_settings();
  return loaded;
}

std::optional<json> SettingsFile::read(LoadedSettings& loaded) const {
  std::error_code ec;
  if (!fs::exists(path_, ec)) {
    return std::nullopt;
  }
  loaded.existed = true;
  const auto size = fs::file_size(path_, ec);
  if (ec) {
    loaded.warnings.push_back("cannot read " + path_.string() + ": " + ec.message() + "; using the defaults");
    return std::nullopt;
  }
  if (size > max_settings_bytes) {
    loaded.warnings.push_back(path_.string() + " is larger than 4 MiB, so it is not a settings file" +
                              move_aside(path_) + "; using the defaults");
    return std::nullopt;
  }
  std::ifstream in(path_, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) {
    loaded.warnings.push_back("cannot read " + path_.string() + "; using the defaults");
    return std::nullopt;
  }
  in.close();  // Windows cannot move a file aside while it is open
  json value = json::parse(text.str(), nullptr, false);
  if (value.is_discarded() || !value.is_object()) {
    loaded.warnings.push_back(path_.string() + " is not a JSON object" + move_aside(path_) + "; using the defaults");
    return std::nullopt;
  }
  return value;
}

void SettingsFile::save(const TraySettings& target) const {
  update([&](SettingsDocument& document) { document.put(target); });
}

void SettingsFile::update(const std::function<void(SettingsDocument&)>& change) const {
  // Without a file to read, no default target: only what the change puts there.
  LoadedSettings loaded;
  const auto value = read(loaded);
  SettingsDocument document;
  if (value) document = document_from_json(*value, loaded.warnings);
  change(document);
  save(document);
}

void SettingsFile::save(const SettingsDocument& document) const {
  auto temporary = path_;
  // A unique name: the tray and nixtrayctl may save at the same moment.
  temporary += ".tmp-" + std::to_string(std::random_device{}());
  try {
    if (path_.has_parent_path()) {
      fs::create_directories(path_.parent_path());
    }
    write_synced_file(temporary, document_to_json(document).dump(2) + "\n");
    fs::rename(temporary, path_);
  } catch (const std::exception& e) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw std::runtime_error("cannot save the settings to " + path_.string() + ": " + e.what());
  }
}

}  // namespace nixtray::tray
