// Every path registered in the Nix store and the edges Nix's garbage collector follows between
// them: references, the derivation a path was built from, and a derivation's outputs. Read from
// Nix's database in one go (NixDatabase::graph) for the space accounting; indices are dense
// (0 .. size-1) so per-path state fits in plain vectors.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace nixtray::agent {

class StoreGraph {
 public:
  // Adds a registered path (database id, store path); returns its index.
  std::uint32_t add_path(std::int64_t id, std::string path);
  // Edges between database ids (Refs); rows naming an id that was not added are ignored.
  void add_reference(std::int64_t referrer, std::int64_t reference);
  // A path's deriver and a derivation's output, by store path (ValidPaths.deriver,
  // DerivationOutputs); ignored unless both ends are registered.
  void set_deriver(std::uint32_t path, const std::string& deriver);
  void add_output(std::int64_t derivation_id, const std::string& output);
  // Call once after adding everything: builds the adjacency lists.
  void finish();

  [[nodiscard]] std::size_t size() const { return paths_.size(); }
  [[nodiscard]] const std::string& path(std::uint32_t index) const { return paths_[index]; }
  [[nodiscard]] std::int64_t id(std::uint32_t index) const { return ids_[index]; }
  [[nodiscard]] std::optional<std::uint32_t> find(std::string_view path) const;

  // What keeping `index` alive keeps alive too, as Nix's collector decides it: its references;
  // with keep-derivations the derivation it was built from; with keep-outputs, for a derivation,
  // its outputs.
  template <class Visit>
  void for_each_kept(std::uint32_t index, bool keep_derivations, bool keep_outputs, Visit&& visit) const {
    for (auto i = ref_start_[index]; i < ref_start_[index + 1]; ++i) visit(refs_[i]);
    if (keep_derivations && deriver_[index] >= 0) visit(static_cast<std::uint32_t>(deriver_[index]));
    if (keep_outputs) {
      for (auto i = out_start_[index]; i < out_start_[index + 1]; ++i) visit(outs_[i]);
    }
  }

 private:
  std::vector<std::string> paths_;
  std::vector<std::int64_t> ids_;
  std::unordered_map<std::int64_t, std::uint32_t> by_id_;
  std::unordered_map<std::string_view, std::uint32_t> by_path_;  // views into paths_ (filled by finish)
  std::vector<std::pair<std::uint32_t, std::uint32_t>> ref_pairs_, out_pairs_;
  std::vector<std::pair<std::uint32_t, std::string>> pending_derivers_;
  std::vector<std::pair<std::int64_t, std::string>> pending_outputs_;
  std::vector<std::int32_t> deriver_;
  std::vector<std::uint32_t> ref_start_, refs_, out_start_, outs_;
};

}  // namespace nixtray::agent
