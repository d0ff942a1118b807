#include "nix/closure_diff.hpp"

#include "nix/package_name.hpp"

#include <algorithm>
#include <map>
#include <string>

namespace nixtray::agent {

namespace {

// One closure grouped: package name -> version -> summed size of that version's paths.
using PackageVersions = std::map<std::string, std::int64_t>;
using GroupedClosure = std::map<std::string, PackageVersions>;

GroupedClosure group_by_package(const StoreClosure& closure) {
  GroupedClosure grouped;
  for (const auto& path : closure.paths) {
    auto package = package_name_of(path.path);
    grouped[std::move(package.name)][std::move(package.version)] += path.nar_size;
  }
  return grouped;
}

std::vector<std::string> versions_of(const PackageVersions& versions) {
  std::vector<std::string> result;
  result.reserve(versions.size());
  for (const auto& [version, size] : versions) {
    result.push_back(version);
  }
  return result;
}

std::int64_t size_of(const PackageVersions& versions) {
  std::int64_t sum = 0;
  for (const auto& [version, size] : versions) {
    sum += size;
  }
  return sum;
}

protocol::PackageChangeKind kind_of(const std::vector<std::string>& from, const std::vector<std::string>& to,
                                    std::int64_t size_delta) {
  if (from.empty()) return protocol::PackageChangeKind::added;
  if (to.empty()) return protocol::PackageChangeKind::removed;
  if (from != to) return protocol::PackageChangeKind::changed;
  return size_delta != 0 ? protocol::PackageChangeKind::resized : protocol::PackageChangeKind::unknown;
}

}  // namespace

std::vector<protocol::PackageChange> diff_closures(const StoreClosure& from, const StoreClosure& to) {
  const auto before = group_by_package(from);
  const auto after = group_by_package(to);
  const PackageVersions none;
  const auto lookup = [&none](const GroupedClosure& grouped, const std::string& name) -> const PackageVersions& {
    const auto it = grouped.find(name);
    return it == grouped.end() ? none : it->second;
  };

  std::vector<std::string> names;
  for (const auto& [name, versions] : before) names.push_back(name);
  for (const auto& [name, versions] : after) {
    if (!before.contains(name)) names.push_back(name);
  }
  std::sort(names.begin(), names.end());

  std::vector<protocol::PackageChange> changes;
  for (const auto& name : names) {
    const auto& old_versions = lookup(before, name);
    const auto& new_versions = lookup(after, name);
    protocol::PackageChange change;
    change.name = name;
    change.from_versions = versions_of(old_versions);
    change.to_versions = versions_of(new_versions);
    change.size_delta = size_of(new_versions) - size_of(old_versions);
    change.kind = kind_of(change.from_versions, change.to_versions, change.size_delta);
    if (change.kind != protocol::PackageChangeKind::unknown) {
      changes.push_back(std::move(change));
    }
  }
  return changes;
}

}  // namespace nixtray::agent
