#include "core/settings/settings_file.hpp"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <system_error>

#if !defined(_WIN32)
#include <fcntl.h>
#include <unistd.h>
#endif

namespace nixtray::tray {

namespace fs = std::filesystem;
using protocol::json;

namespace {

constexpr std::uintmax_t max_settings_bytes = 4 * 1024 * 1024;

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? std::string(value) : std::string();
}

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

void write_all_synced(const fs::path& file, const std::string& content) {
#if !defined(_WIN32)
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw std::system_error(errno, std::generic_category(), "cannot create " + file.string());
  }
  const char* data = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    const auto n = ::write(fd, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      throw std::system_error(err, std::generic_category(), "cannot write " + file.string());
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    throw std::system_error(err, std::generic_category(), "cannot write " + file.string());
  }
  ::close(fd);
#else
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << content;
  out.flush();
  if (!out) {
    throw std::runtime_error("cannot write " + file.string());
  }
#endif
}

}  // namespace

fs::path SettingsFile::default_path() {
#if defined(_WIN32)
  const auto appdata = env("APPDATA");
  const fs::path base = appdata.empty() ? fs::path(env("USERPROFILE")) / "AppData" / "Roaming" : fs::path(appdata);
  return base / "nixtray" / "settings.json";
#else
  auto base = env("XDG_CONFIG_HOME");
  if (base.empty() || !fs::path(base).is_absolute()) {
    base = (fs::path(env("HOME")) / ".config").string();
  }
  return fs::path(base) / "nixtray" / "settings.json";
#endif
}

LoadedSettings SettingsFile::load() const {
  LoadedSettings loaded;
  std::error_code ec;
  if (!fs::exists(path_, ec)) {
    return loaded;
  }
  loaded.existed = true;
  const auto size = fs::file_size(path_, ec);
  if (ec) {
    loaded.warnings.push_back("cannot read " + path_.string() + ": " + ec.message() + "; using the defaults");
    return loaded;
  }
  if (size > max_settings_bytes) {
    loaded.warnings.push_back(path_.string() + " is larger than 4 MiB, so it is not a settings file" +
                              move_aside(path_) + "; using the defaults");
    return loaded;
  }
  std::ifstream in(path_, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) {
    loaded.warnings.push_back("cannot read " + path_.string() + "; using the defaults");
    return loaded;
  }
  in.close();  // Windows cannot move a file aside while it is open
  json value = json::parse(text.str(), nullptr, false);
  if (value.is_discarded() || !value.is_object()) {
    loaded.warnings.push_back(path_.string() + " is not a JSON object" + move_aside(path_) + "; using the defaults");
    return loaded;
  }
  loaded.settings = settings_from_json(value, loaded.warnings);
  return loaded;
}

void SettingsFile::save(const TraySettings& settings) const {
  auto temporary = path_;
  // A unique name: the tray and nixtrayctl may save at the same moment.
  temporary += ".tmp-" + std::to_string(std::random_device{}());
  try {
    if (path_.has_parent_path()) {
      fs::create_directories(path_.parent_path());
    }
    write_all_synced(temporary, settings_to_json(settings).dump(2) + "\n");
    fs::rename(temporary, path_);
  } catch (const std::exception& e) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw std::runtime_error("cannot save the settings to " + path_.string() + ": " + e.what());
  }
}

}  // namespace nixtray::tray
