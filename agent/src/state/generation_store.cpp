#include "state/generation_store.hpp"

#include "nixtray/protocol/wire_text.hpp"
#include "state/profile_scan.hpp"
#include "support/atomic_file.hpp"

#include <algorithm>
#include <set>

namespace nixtray::agent {

namespace fs = std::filesystem;

std::optional<std::string> read_label_file(const fs::path& file) {
  auto text = read_small_file(file, 256);
  if (!text) {
    return std::nullopt;
  }
  while (!text->empty() && (text->back() == '\n' || text->back() == '\r' || text->back() == ' ')) {
    text->pop_back();
  }
  if (text->empty() || protocol::replace_invalid_utf8(*text)) {
    return std::nullopt;
  }
  const bool printable = std::none_of(text->begin(), text->end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7F;
  });
  return printable ? text : std::nullopt;
}

GenerationStore::GenerationStore(SystemPaths paths, KnownGoodStore& known_good)
    : paths_(std::move(paths)), known_good_(known_good) {}

const GenerationStore::StorePathDetails& GenerationStore::details_of(const fs::path& store_path) {
  auto it = details_cache_.find(store_path);
  if (it == details_cache_.end()) {
    StorePathDetails details;
    details.nixos_version = read_label_file(store_path / "nixos-version");
    details.configuration_revision = read_label_file(store_path / "configuration-revision");
    it = details_cache_.emplace(store_path, std::move(details)).first;
  }
  return it->second;
}

std::optional<int> GenerationStore::generation_at(const fs::path& link) const {
  const auto target = resolve_link(link);
  if (!target) {
    return std::nullopt;
  }
  // Newest first: when two generations share a store path, the newest is the one meant.
  for (const auto& generation : list_.generations) {
    if (!generation.problem && fs::path(generation.path) == *target) {
      return generation.number;
    }
  }
  return std::nullopt;
}

void GenerationStore::show_details(protocol::Generation& generation, const StorePathDetails& details) {
  generation.nixos_version = details.nixos_version;
  generation.configuration_revision = details.configuration_revision;
  generation.closure_size = details.closure_size;
  if (details.store_problem && !generation.problem) {
    generation.problem = details.store_problem;
  }
}

std::optional<int> GenerationStore::known_good_number() {
  const auto mark = known_good_.recorded();
  const auto* generation = mark ? find(mark->number) : nullptr;
  if (!generation) {
    return std::nullopt;  // deleted: there is nothing to fall back to
  }
  if (mark->store_path) {
    // The number was reused by a newer system: nobody vouched for that one.
    return fs::path(generation->path) == *mark->store_path ? std::optional<int>(mark->number) : std::nullopt;
  }
  // A number-only record of an older agent: taken to mean the generation that has the number now,
  // as that agent meant it (unless the number was reused before this agent first read the record,
  // which nothing can tell any more). Pinned, so that every later reuse is recognised.
  if (!generation->problem) {
    try {
      known_good_.pin(*mark, generation->path);
    } catch (const std::exception&) {
      // Not pinned this time (read-only or full state directory): asked again at the next refresh.
    }
  }
  return mark->number;
}

void GenerationStore::mark_generations(const std::optional<int>& default_number) {
  protocol::GenerationTriple triple;
  triple.default_generation = default_number;
  triple.current = generation_at(paths_.current_system);
  triple.booted = generation_at(paths_.booted_system);
  if (triple.booted) {
    known_good_.remember_first_boot(*triple.booted, find(*triple.booted)->path);
  }
  triple.known_good = known_good_number();
  for (auto& generation : list_.generations) {
    generation.is_default = triple.default_generation == generation.number;
    generation.current = triple.current == generation.number;
    generation.booted = triple.booted == generation.number;
    generation.known_good = triple.known_good == generation.number;
  }
  triple_ = triple;
}

bool GenerationStore::refresh() {
  const auto scan = scan_profile(paths_.profile_dir);
  protocol::GenerationsList fresh;
  fresh.generations.reserve(scan.links.size());
  for (auto it = scan.links.rbegin(); it != scan.links.rend(); ++it) {
    protocol::Generation generation;
    generation.number = it->number;
    generation.path = it->target.string();
    generation.created = it->created;
    generation.problem = it->problem;
    if (!it->problem) {
      show_details(generation, details_of(it->target));
    }
    fresh.generations.push_back(std::move(generation));
  }
  std::swap(list_, fresh);
  problem_ = scan.problem;
  default_number_ = scan.default_number;
  mark_generations(default_number_);

  const bool changed = protocol::json(list_) != protocol::json(fresh);
  // Forget details of store paths no generation uses any more (deleted generations).
  std::set<fs::path> in_use;
  for (const auto& generation : list_.generations) {
    in_use.insert(generation.path);
  }
  std::erase_if(details_cache_, [&](const auto& entry) { return !in_use.contains(entry.first); });
  return changed;
}

std::vector<fs::path> GenerationStore::paths_without_closure_size() const {
  std::vector<fs::path> paths;
  for (const auto& [path, details] : details_cache_) {
    if (!details.closure_looked_up) {
      paths.push_back(path);
    }
  }
  return paths;
}

bool GenerationStore::apply_closure_sizes(const ClosureSizes& sizes) {
  using Kind = ClosureLookupError::Kind;
  bool recorded = false;
  for (const auto& [path, result] : sizes) {
    const auto it = details_cache_.find(path);
    if (it == details_cache_.end() || (result.error && result.error->kind == Kind::database)) {
      continue;  // the generation is gone, or nothing could be known
    }
    auto& details = it->second;
    details.closure_looked_up = true;
    details.closure_size = result.bytes;
    if (result.error && (result.error->kind == Kind::missing || result.error->kind == Kind::not_registered)) {
      details.store_problem = result.error->message;
    }
    recorded = true;
  }
  if (!recorded) {
    return false;
  }
  const auto before = protocol::json(list_);
  for (auto& generation : list_.generations) {
    const auto it = details_cache_.find(generation.path);
    if (it != details_cache_.end() && !generation.problem) {
      show_details(generation, it->second);
    }
  }
  mark_generations(default_number_);  // a new problem can change what current/booted resolve to
  return protocol::json(list_) != before;
}

std::optional<std::string> GenerationStore::current_version() const {
  const auto number = triple_.current ? triple_.current : triple_.default_generation;
  if (!number) {
    return std::nullopt;
  }
  const auto* generation = find(*number);
  return generation ? generation->nixos_version : std::nullopt;
}

const protocol::Generation* GenerationStore::find(int number) const {
  for (const auto& generation : list_.generations) {
    if (generation.number == number) {
      return &generation;
    }
  }
  return nullptr;
}

}  // namespace nixtray::agent
