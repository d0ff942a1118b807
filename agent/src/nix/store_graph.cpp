#include "nix/store_graph.hpp"

#include <algorithm>

namespace nixtray::agent {

namespace {

// Compressed adjacency lists from (from, to) pairs: start[i] .. start[i+1] index into targets.
void compress(std::size_t nodes, std::vector<std::pair<std::uint32_t, std::uint32_t>>& pairs,
              std::vector<std::uint32_t>& start, std::vector<std::uint32_t>& targets) {
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  start.assign(nodes + 1, 0);
  for (const auto& [from, to] : pairs) ++start[from + 1];
  for (std::size_t i = 0; i < nodes; ++i) start[i + 1] += start[i];
  targets.resize(pairs.size());
  for (std::size_t i = 0; i < pairs.size(); ++i) targets[i] = pairs[i].second;
  pairs.clear();
  pairs.shrink_to_fit();
}

}  // namespace

std::uint32_t StoreGraph::add_path(std::int64_t id, std::string path) {
  const auto index = static_cast<std::uint32_t>(paths_.size());
  paths_.push_back(std::move(path));
  ids_.push_back(id);
  by_id_.emplace(id, index);
  return index;
}

void StoreGraph::add_reference(std::int64_t referrer, std::int64_t reference) {
  const auto from = by_id_.find(referrer);
  const auto to = by_id_.find(reference);
  if (from == by_id_.end() || to == by_id_.end() || from->second == to->second) return;
  ref_pairs_.emplace_back(from->second, to->second);
}

void StoreGraph::set_deriver(std::uint32_t path, const std::string& deriver) {
  pending_derivers_.emplace_back(path, deriver);
}

void StoreGraph::add_output(std::int64_t derivation_id, const std::string& output) {
  pending_outputs_.emplace_back(derivation_id, output);
}

void StoreGraph::finish() {
  by_path_.clear();
  by_path_.reserve(paths_.size());
  for (std::uint32_t i = 0; i < paths_.size(); ++i) by_path_.emplace(paths_[i], i);
  deriver_.assign(paths_.size(), -1);
  for (const auto& [path, deriver] : pending_derivers_) {
    if (const auto found = find(deriver); found && *found != path) deriver_[path] = static_cast<std::int32_t>(*found);
  }
  for (const auto& [derivation, output] : pending_outputs_) {
    const auto from = by_id_.find(derivation);
    const auto to = find(output);
    if (from != by_id_.end() && to) out_pairs_.emplace_back(from->second, *to);
  }
  pending_derivers_ = {};
  pending_outputs_ = {};
  by_id_ = {};
  compress(paths_.size(), ref_pairs_, ref_start_, refs_);
  compress(paths_.size(), out_pairs_, out_start_, outs_);
}

std::optional<std::uint32_t> StoreGraph::find(std::string_view path) const {
  const auto it = by_path_.find(path);
  if (it == by_path_.end()) return std::nullopt;
  return it->second;
}

}  // namespace nixtray::agent
