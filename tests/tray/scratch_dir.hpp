// A temporary directory for the tray's unit tests, removed afterwards. Portable (the tray core's
// tests also run on Windows), unlike the Linux test harness.
#pragma once

#include <filesystem>
#include <random>
#include <string>

namespace nixtray::tray::fixtures {

class ScratchDir {
 public:
  explicit ScratchDir(const std::string& prefix = "nxt") {
    std::random_device random;
    for (int attempt = 0; attempt < 100; ++attempt) {
      path_ = std::filesystem::temp_directory_path() / (prefix + "-" + std::to_string(random()));
      if (std::filesystem::create_directory(path_)) return;
    }
    throw std::runtime_error("cannot create a temporary directory");
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::filesystem::path& relative) const { return path_ / relative; }

 private:
  std::filesystem::path path_;
};

}  // namespace nixtray::tray::fixtures
