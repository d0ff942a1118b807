// Reads the generations of a Nix profile directory: the `<name>-N-link` symlinks and the
// `<name>` link that says which one is the default.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace nixtray::agent {

struct ProfileLink {
  int number = 0;
  std::filesystem::path link;          // <profile_dir>/system-N-link
  std::filesystem::path target;        // what it points to, absolute
  std::int64_t created = 0;            // the link's mtime (what nix-env lists as the date)
  std::optional<std::string> problem;  // dangling link, unreadable, ...
};

struct ProfileScan {
  std::vector<ProfileLink> links;      // ascending by number
  std::optional<int> default_number;   // the generation `<name>` points to
  std::optional<std::string> problem;  // the directory itself could not be read
};

// Never throws: what cannot be read is reported in `problem`.
ProfileScan scan_profile(const std::filesystem::path& profile_dir, const std::string& name = "system");

// Generation number of a `<name>-N-link` file name, if it is one.
std::optional<int> generation_number_of(const std::string& file_name, const std::string& name = "system");

// Follows symlinks to the final path (the store path); nullopt when it does not resolve.
std::optional<std::filesystem::path> resolve_link(const std::filesystem::path& link);

}  // namespace nixtray::agent
