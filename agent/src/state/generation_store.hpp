// The system profile's generations as the protocol shows them, with default/current/booted/
// known-good marks. Details read from a store path (version label, revision) are cached by path:
// store paths never change, so a refresh only reads what is new.
#pragma once

#include "nixtray/protocol/generations.hpp"
#include "nixtray/protocol/status.hpp"
#include "state/known_good_store.hpp"
#include "state/system_paths.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>

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
  // Why the profile could not be read, if it could not.
  [[nodiscard]] const std::optional<std::string>& problem() const { return problem_; }
  [[nodiscard]] const SystemPaths& paths() const { return paths_; }

 private:
  struct StorePathDetails {
    std::optional<std::string> nixos_version;
    std::optional<std::string> configuration_revision;
  };
  const StorePathDetails& details_of(const std::filesystem::path& store_path);
  std::optional<int> generation_at(const std::filesystem::path& link) const;

  SystemPaths paths_;
  KnownGoodStore& known_good_;
  protocol::GenerationsList list_;
  protocol::GenerationTriple triple_;
  std::optional<std::string> problem_;
  std::map<std::filesystem::path, StorePathDetails> details_cache_;
};

// A short text file of a generation (nixos-version, configuration-revision) as one clean line;
// nullopt when missing, too long, or not printable UTF-8 text.
std::optional<std::string> read_label_file(const std::filesystem::path& file);

}  // namespace nixtray::agent
