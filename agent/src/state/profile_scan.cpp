#include "state/profile_scan.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <charconv>

namespace nixtray::agent {

namespace fs = std::filesystem;

std::optional<int> generation_number_of(const std::string& file_name, const std::string& name) {
  const std::string prefix = name + "-";
  constexpr std::string_view suffix = "-link";
  if (file_name.size() <= prefix.size() + suffix.size() || !file_name.starts_with(prefix) ||
      !file_name.ends_with(suffix)) {
    return std::nullopt;
  }
  const auto digits =
      std::string_view(file_name).substr(prefix.size(), file_name.size() - prefix.size() - suffix.size());
  int number = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
  if (ec != std::errc() || end != digits.data() + digits.size() || number <= 0) {
    return std::nullopt;
  }
  return number;
}

std::optional<fs::path> resolve_link(const fs::path& link) {
  std::error_code ec;
  auto resolved = fs::canonical(link, ec);
  if (ec) {
    return std::nullopt;
  }
  return resolved;
}

ProfileScan scan_profile(const fs::path& profile_dir, const std::string& name) {
  ProfileScan scan;
  std::error_code ec;
  fs::directory_iterator entries(profile_dir, ec);
  if (ec) {
    scan.problem = "cannot read the profile directory " + profile_dir.string() + ": " + ec.message();
    return scan;
  }
  for (const auto& entry : entries) {
    const auto file_name = entry.path().filename().string();
    const auto number = generation_number_of(file_name, name);
    if (!number) {
      continue;
    }
    ProfileLink link;
    link.number = *number;
    link.link = entry.path();
    struct stat info {};
    if (::lstat(entry.path().c_str(), &info) == 0) {
      link.created = info.st_mtim.tv_sec;
    }
    if (const auto target = resolve_link(entry.path())) {
      link.target = *target;
    } else {
      std::error_code read_error;
      const auto raw = fs::read_symlink(entry.path(), read_error);
      link.target = read_error ? entry.path() : (raw.is_absolute() ? raw : profile_dir / raw);
      link.problem =
          "the generation's store path " + link.target.string() + " is missing (deleted or garbage-collected)";
    }
    scan.links.push_back(std::move(link));
  }
  std::sort(scan.links.begin(), scan.links.end(),
            [](const ProfileLink& a, const ProfileLink& b) { return a.number < b.number; });

  // `system` -> `system-N-link` (relative), as nix-env writes it.
  std::error_code read_error;
  const auto default_target = fs::read_symlink(profile_dir / name, read_error);
  if (!read_error) {
    scan.default_number = generation_number_of(default_target.filename().string(), name);
  }
  return scan;
}

}  // namespace nixtray::agent
