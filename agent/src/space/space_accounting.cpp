#include "space/space_accounting.hpp"

#include "state/profile_scan.hpp"

#include <algorithm>
#include <climits>
#include <map>
#include <optional>

namespace nixtray::agent {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t max_cleanup_options = 50;
constexpr std::size_t max_root_groups = 100;
constexpr std::size_t max_links_listed = 20;

struct Owner {
  enum class Kind { generation, system, group };
  Kind kind = Kind::group;
  std::size_t generation = 0;  // index in subjects.generations (newest first)
  std::size_t group = 0;       // index in the report's roots before sorting
  std::vector<std::uint32_t> starts;
};

// Per store path: who reaches it.
struct Reach {
  std::int32_t first = -1;                 // the first owner that reached it
  bool shared = false;                     // a second owner reached it too
  bool by_system = false;                  // a kept generation or the running system
  bool by_group = false;                   // a root of some group
  std::int32_t min_deletable = INT32_MAX;  // the newest (lowest index) deletable generation reaching it
};

std::optional<std::size_t> generation_of_link(const fs::path& link, const SpaceSubjects& subjects) {
  if (link.parent_path() != subjects.profile_dir) return std::nullopt;
  const auto number = generation_number_of(link.filename().string());
  if (!number) return std::nullopt;
  for (std::size_t i = 0; i < subjects.generations.size(); ++i) {
    if (subjects.generations[i].number == *number) return i;
  }
  return std::nullopt;
}

// The kind and place of a root that is not the system profile's.
std::pair<protocol::RootKind, std::string> group_of(const GcRoot& root, const fs::path& profiles) {
  switch (root.source) {
    case GcRoot::Source::runtime:
      return {protocol::RootKind::process, "/proc"};
    case GcRoot::Source::temporary:
      return {protocol::RootKind::process, root.link.parent_path().string()};
    case GcRoot::Source::link:
      break;
  }
  const auto place = root.link.parent_path().string();
  if (root.indirect) return {protocol::RootKind::link, place};
  const auto relative = root.link.lexically_relative(profiles);
  const bool in_profiles = !relative.empty() && *relative.begin() != "..";
  return {in_profiles ? protocol::RootKind::profile : protocol::RootKind::gcroot, place};
}

}  // namespace

protocol::SpaceReport account_space(const StoreGraph& graph, const std::vector<std::int64_t>& usage,
                                    const std::vector<GcRoot>& roots, const SpaceSubjects& subjects,
                                    const UnregisteredEntries& unregistered) {
  protocol::SpaceReport report;
  const auto n = graph.size();
  const auto& generations = subjects.generations;

  // Owners: the generations first (in their order), the running system, then groups as found.
  std::vector<Owner> owners(generations.size());
  for (std::size_t i = 0; i < generations.size(); ++i) {
    owners[i].kind = Owner::Kind::generation;
    owners[i].generation = i;
    if (const auto index = graph.find(generations[i].store_path)) owners[i].starts.push_back(*index);
  }
  const std::size_t system_owner = owners.size();
  owners.push_back(Owner{Owner::Kind::system, 0, 0, {}});
  std::map<std::pair<protocol::RootKind, std::string>, std::size_t> groups;
  // Profiles of other users live in <state>/profiles: the system profile's directory's parent
  // when that is where it lies, as on NixOS.
  const auto profiles = subjects.profile_dir.parent_path().filename() == "profiles" ? subjects.profile_dir.parent_path()
                                                                                    : subjects.profile_dir;
  for (const auto& root : roots) {
    const auto index = graph.find(root.store_path);
    if (!index) continue;
    if (root.source == GcRoot::Source::link) {
      if (const auto generation = generation_of_link(root.link, subjects)) {
        owners[*generation].starts.push_back(*index);
        continue;
      }
      if (std::find(subjects.system_links.begin(), subjects.system_links.end(), root.link) !=
          subjects.system_links.end()) {
        owners[system_owner].starts.push_back(*index);
        continue;
      }
      if (root.link.parent_path() == subjects.profile_dir && root.link.filename() == "system") continue;
    }
    const auto key = group_of(root, profiles);
    auto [it, added] = groups.emplace(key, report.roots.size());
    if (added) {
      protocol::RootGroup group;
      group.kind = key.first;
      group.location = key.second;
      report.roots.push_back(std::move(group));
      owners.push_back(Owner{Owner::Kind::group, 0, it->second, {}});
    }
    auto& group = report.roots[it->second];
    ++group.link_count;
    if (group.links.size() < max_links_listed) group.links.push_back({root.link.string(), root.store_path});
    owners[system_owner + 1 + it->second].starts.push_back(*index);
  }

  // Who reaches each path: one walk per owner over what it keeps.
  std::vector<Reach> reach(n);
  std::vector<std::uint32_t> stamp(n, 0);
  std::vector<std::uint32_t> stack;
  for (std::size_t o = 0; o < owners.size(); ++o) {
    const auto& owner = owners[o];
    const bool deletable = owner.kind == Owner::Kind::generation && !generations[owner.generation].kept;
    const bool system = owner.kind == Owner::Kind::system ||
                        (owner.kind == Owner::Kind::generation && generations[owner.generation].kept);
    const auto mark = static_cast<std::uint32_t>(o + 1);
    stack.assign(owner.starts.begin(), owner.starts.end());
    while (!stack.empty()) {
      const auto path = stack.back();
      stack.pop_back();
      if (stamp[path] == mark) continue;
      stamp[path] = mark;
      auto& r = reach[path];
      if (r.first < 0) {
        r.first = static_cast<std::int32_t>(o);
      } else if (r.first != static_cast<std::int32_t>(o)) {
        r.shared = true;
      }
      if (deletable) {
        r.min_deletable = std::min(r.min_deletable, static_cast<std::int32_t>(owner.generation));
      } else if (system) {
        r.by_system = true;
      } else {
        r.by_group = true;
      }
      graph.for_each_kept(path, subjects.keep_derivations, subjects.keep_outputs, [&](std::uint32_t next) {
        if (stamp[next] != mark) stack.push_back(next);
      });
    }
  }

  // Sums.
  report.generations.resize(generations.size());
  for (std::size_t i = 0; i < generations.size(); ++i) {
    report.generations[i].number = generations[i].number;
    report.generations[i].kept = generations[i].kept;
  }
  std::vector<std::int64_t> freed_from(generations.size() + 1, 0);  // by min_deletable, then summed up
  std::vector<int> freed_paths_from(generations.size() + 1, 0);
  report.store_paths = static_cast<int>(n);
  report.garbage_bytes = unregistered.garbage_bytes;
  report.garbage_paths = unregistered.garbage_count;
  for (std::uint32_t path = 0; path < n; ++path) {
    const auto& r = reach[path];
    const auto bytes = usage[path];
    if (r.first < 0) {
      report.garbage_bytes += bytes;
      ++report.garbage_paths;
      continue;
    }
    if (!r.shared) {
      const auto& owner = owners[static_cast<std::size_t>(r.first)];
      if (owner.kind == Owner::Kind::generation) {
        report.generations[owner.generation].frees_bytes += bytes;
        ++report.generations[owner.generation].frees_paths;
      } else if (owner.kind == Owner::Kind::group) {
        report.roots[owner.group].keeps_bytes += bytes;
        ++report.roots[owner.group].keeps_paths;
      }
    }
    if (r.by_system) {
      report.usage.system += bytes;
    } else if (r.by_group) {
      report.usage.roots += bytes;
    } else {
      report.usage.old_generations += bytes;
      const auto from = static_cast<std::size_t>(r.min_deletable);
      freed_from[from] += bytes;
      ++freed_paths_from[from];
    }
  }
  report.usage.garbage = report.garbage_bytes;
  report.usage.other = unregistered.other_bytes;
  std::int64_t store_bytes = unregistered.other_bytes + report.garbage_bytes;
  store_bytes += report.usage.system + report.usage.roots + report.usage.old_generations;
  report.store_bytes = store_bytes;

  // keep = K frees what only generations at index >= K that are not kept hold, and the garbage.
  std::int64_t bytes_at_or_after = 0;
  int paths_at_or_after = 0;
  std::vector<std::int64_t> cumulative(generations.size() + 1, 0);
  std::vector<int> cumulative_paths(generations.size() + 1, 0);
  for (std::size_t i = generations.size() + 1; i-- > 0;) {
    bytes_at_or_after += freed_from[i];
    paths_at_or_after += freed_paths_from[i];
    cumulative[i] = bytes_at_or_after;
    cumulative_paths[i] = paths_at_or_after;
  }
  for (std::size_t keep = 1; keep <= std::min(generations.size(), max_cleanup_options); ++keep) {
    protocol::CleanupOption option;
    option.keep = static_cast<int>(keep);
    for (std::size_t i = keep; i < generations.size(); ++i) {
      if (!generations[i].kept) option.deletes.push_back(generations[i].number);
    }
    option.frees_bytes = cumulative[keep] + report.garbage_bytes;
    option.frees_paths = cumulative_paths[keep] + report.garbage_paths;
    report.cleanup.push_back(std::move(option));
  }

  std::stable_sort(
      report.roots.begin(), report.roots.end(),
      [](const protocol::RootGroup& a, const protocol::RootGroup& b) { return a.keeps_bytes > b.keeps_bytes; });
  if (report.roots.size() > max_root_groups) report.roots.resize(max_root_groups);
  return report;
}

}  // namespace nixtray::agent
