// The known-good generation, kept in the state directory as its number and the store path that
// number named when it was recorded. Generation numbers are reused (delete the newest generations
// and the next rebuild takes the number again), so a number alone could later name a system nobody
// vouched for: a record whose number now names another store path is no longer a known-good one.
// Until someone marks one, the generation booted when the agent first ran counts as known-good
// (it did boot).
#pragma once

#include <filesystem>
#include <optional>

namespace nixtray::agent {

struct KnownGoodMark {
  int number = 0;
  // nullopt in a record written by an agent that kept the number only (before the path was
  // recorded): GenerationStore pins it to the number's store path the first time it reads it.
  std::optional<std::filesystem::path> store_path;
};

class KnownGoodStore {
 public:
  explicit KnownGoodStore(std::filesystem::path state_dir);

  // The marked generation when there is a readable mark, otherwise the first-boot one.
  [[nodiscard]] std::optional<KnownGoodMark> recorded() const;
  // Throws std::runtime_error with the path when the record cannot be written.
  void mark(int number, const std::filesystem::path& store_path);
  // Records the booted generation as the first-boot fallback if nothing was recorded before.
  void remember_first_boot(int number, const std::filesystem::path& store_path);
  // Adds the store path to a number-only record (whichever of the two files it came from).
  void pin(const KnownGoodMark& mark, const std::filesystem::path& store_path);

 private:
  std::filesystem::path marked_file_;
  std::filesystem::path first_boot_file_;
};

}  // namespace nixtray::agent
