// The system profile's generations as the protocol shows them, with default/current/booted/
// known-good marks. Details read from a store path (version label, revision, closure size) are
// cached by path: store paths never change, so a refresh only reads what is new, and
// generations.list answers from memory. Closure sizes come later, from the worker that reads
// Nix's database (apply_closure_sizes); until then they are null.
#pragma once

#include "nix/closure_lookup.hpp"
#include "nixtray/protocol/generations.hpp"
#include "nixtray/protocol/status.hpp"
#include "state/known_good_store.hpp"
#include "state/system_paths.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nixtray::agent {

class GenerationStore {
 public:
  GenerationStore(SystemPaths paths, KnownGoodStore& known_good);

  // Re-reads the profile and the current/booted links. Returns true when what list() returns changed.
  bool refresh();

  [[nodiscard]] const protocol::GenerationsList& list() const { return list_; }
  [[nodiscard]] protocol::GenerationTriple triple() const { return triple_; }
  [[nodiscard]] std::optional<std::string> current_version() const;
  [[nodiscard]] const protocol::Generation* find(int number) const;
  // Store paths of usable generations whose closure size was not looked up yet.
  [[nodiscard]] std::vector<std::filesystem::path> paths_without_closure_size() const;
  // Records looked-up closure sizes. A store path found missing or unregistered gives its
  // generations a problem; a database failure records nothing (asked again after the next
  // refresh). Returns true when what list() returns changed.
  bool apply_closure_sizes(const ClosureSizes& sizes);

  // Why the profile could not be read, if it could not.
  [[nodiscard]] const std::optional<std::string>& problem() const { return problem_; }
  [[nodiscard]] const SystemPaths& paths() const { return paths_; }

 private:
  struct StorePathDetails {
    std::optional<std::string> nixos_version;
    std::optional<std::string> configuration_revision;
    bool closure_looked_up = false;
    std::optional<std::int64_t> closure_size;
    std::optional<std::string> store_problem;  // found by the lookup: missing or unregistered
  };
  const StorePathDetails& details_of(const std::filesystem::path& store_path);
  static void show_details(protocol::Generation& generation, const StorePathDetails& details);
  std::optional<int> generation_at(const std::filesystem::path& link) const;
  // The recorded known-good generation, if it still names the store path it was recorded with.
  std::optional<int> known_good_number();
  // Sets the triple and each generation's default/current/booted/known-good flags.
  void mark_generations(const std::optional<int>& default_number);

  SystemPaths paths_;
  KnownGoodStore& known_good_;
  protocol::GenerationsList list_;
  protocol::GenerationTriple triple_;
  std::optional<std::string> problem_;
  std::optional<int> default_number_;
  std::map<std::filesystem::path, StorePathDetails> details_cache_;
};

// A short text file of a generation (nixos-version, configuration-revision) as one clean line;
// nullopt when missing, too long, or not printable UTF-8 text.
std::optional<std::string> read_label_file(const std::filesystem::path& file);

}  // namespace nixtray::agent
