// The known-good generation, kept in the state directory. Until someone marks one, the
// generation booted when the agent first ran counts as known-good (it did boot).
#pragma once

#include <filesystem>
#include <optional>

namespace nixtray::agent {

class KnownGoodStore {
 public:
  explicit KnownGoodStore(std::filesystem::path state_dir);

  [[nodiscard]] std::optional<int> known_good() const;
  // Throws std::runtime_error with the path when the record cannot be written.
  void mark(int number);
  // Records `booted` as the first-boot fallback if nothing was recorded before.
  void remember_first_boot(std::optional<int> booted);

 private:
  std::filesystem::path marked_file_;
  std::filesystem::path first_boot_file_;
};

}  // namespace nixtray::agent
