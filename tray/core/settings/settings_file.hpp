// Where the settings live and how they are read and written: atomically (a crash leaves the old
// file, never half a file), and a corrupt file is moved aside (kept for the user) rather than lost.
#pragma once

#include "core/settings/settings_document.hpp"
#include "core/settings/tray_settings.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace nixtray::tray {

struct LoadedSettings {
  SettingsDocument document;          // every target
  TraySettings settings;              // the default target's
  std::vector<std::string> warnings;  // for the log and the status window
  bool existed = false;
};

class SettingsFile {
 public:
  explicit SettingsFile(std::filesystem::path path) : path_(std::move(path)) {}

  // %APPDATA%\nixtray\settings.json on Windows; $XDG_CONFIG_HOME/nixtray/settings.json (or
  // ~/.config/nixtray/settings.json) elsewhere.
  static std::filesystem::path default_path();

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

  // Never throws for a missing or corrupt file: defaults are used and the reason is a warning.
  [[nodiscard]] LoadedSettings load() const;
  // Creates the directory if needed. Throws std::runtime_error naming the file and the reason.
  void save(const SettingsDocument& document) const;
  // One target's settings, into the file as it is now: the target of the same name is replaced
  // (or added), the others stay as another tray or nixtrayctl saved them.
  void save(const TraySettings& target) const;
  // Reads the file, changes it and writes it back (the same as load, change, save).
  void update(const std::function<void(SettingsDocument&)>& change) const;

 private:
  // The file's JSON object; nothing when it is missing or unusable (why: a warning in `loaded`).
  std::optional<protocol::json> read(LoadedSettings& loaded) const;

  std::filesystem::path path_;
};

}  // namespace nixtray::tray
