// space: what fills the Nix store's disk and what cleaning up would free (docs/protocol.md §6.16).
// The result of `space` and the data of the `space` topic. Sizes are disk usage (allocated
// blocks, as du counts them, a hard-linked file shared among the paths that hold it); "frees"
// counts what no other root keeps, so deleting that generation or link frees it at the next
// garbage collection.
#pragma once

#include "nixtray/protocol/method.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nixtray::protocol {

// What keeps store paths alive besides the system profile.
//   link:    a symlink anywhere that Nix registered as an indirect root (<state>/gcroots/auto):
//            a `result` link of nix-build, a direnv or nix-shell root
//   gcroot:  a link directly in <state>/gcroots (NixOS's current and booted system, nixtray's
//            kept builds, roots added by hand)
//   profile: a profile other than the system profile (users' and home-manager profiles, channels)
//   process: running programs and Nix's temporary roots (a build or evaluation in progress)
enum class RootKind { unknown, link, gcroot, profile, process };
NLOHMANN_JSON_SERIALIZE_ENUM(RootKind, {
                                           {RootKind::unknown, "unknown"},
                                           {RootKind::link, "link"},
                                           {RootKind::gcroot, "gcroot"},
                                           {RootKind::profile, "profile"},
                                           {RootKind::process, "process"},
                                       })

struct RootLink {
  std::string link;    // the symlink (or /proc/<pid>/..., a temporary roots file)
  std::string target;  // the store path it keeps
};
void to_json(json& j, const RootLink& r);
void from_json(const json& j, RootLink& r);

// Roots grouped by where their links live (the directory holding them).
struct RootGroup {
  RootKind kind = RootKind::unknown;
  std::string location;  // that directory; "/proc" for processes
  int link_count = 0;    // links in the group (links lists at most 20)
  std::vector<RootLink> links;
  std::int64_t keeps_bytes = 0;  // kept by this group alone: freed once its links are gone
  int keeps_paths = 0;
};
void to_json(json& j, const RootGroup& g);
void from_json(const json& j, RootGroup& g);

struct GenerationSpace {
  int number = 0;
  std::int64_t frees_bytes = 0;  // kept by this generation alone: what deleting only it frees
  int frees_paths = 0;
  bool kept = false;  // default, current, booted or known-good: a gc job never deletes it
};
void to_json(json& j, const GenerationSpace& g);
void from_json(const json& j, GenerationSpace& g);

// What a gc job with keep = K would delete and free now (the garbage included).
struct CleanupOption {
  int keep = 1;
  std::vector<int> deletes;  // generation numbers, newest first
  std::int64_t frees_bytes = 0;
  int frees_paths = 0;
};
void to_json(json& j, const CleanupOption& c);
void from_json(const json& j, CleanupOption& c);

// The store's disk usage by who keeps it; the parts add up to store_bytes.
struct StoreUsage {
  std::int64_t system = 0;           // the kept generations (default, current, booted, known-good)
  std::int64_t roots = 0;            // other roots (RootGroup), not the system's
  std::int64_t old_generations = 0;  // generations a gc job may delete, and nothing else
  std::int64_t garbage = 0;          // no root keeps it: the next garbage collection frees it
  std::int64_t other = 0;            // the rest of the store directory (Nix's own files)
};
void to_json(json& j, const StoreUsage& u);
void from_json(const json& j, StoreUsage& u);

struct SpaceReport {
  std::string store_dir;
  std::int64_t free_bytes = 0;     // free in the store's filesystem (for unprivileged users, as df)
  std::int64_t total_bytes = 0;    // the filesystem's size
  std::int64_t store_bytes = 0;    // the store directory's disk usage (du -s)
  int store_paths = 0;             // store paths registered in Nix's database
  std::int64_t garbage_bytes = 0;  // what a garbage collection frees now (nix-store --gc --print-dead)
  int garbage_paths = 0;
  StoreUsage usage;
  std::vector<GenerationSpace> generations;  // newest first
  std::vector<CleanupOption> cleanup;        // keep = 1, 2, ... (at most 50)
  std::vector<RootGroup> roots;              // most bytes first, at most 100
  std::int64_t computed = 0;                 // unix time the store was looked at
};
void to_json(json& j, const SpaceReport& r);
void from_json(const json& j, SpaceReport& r);

struct SpaceParams {
  bool refresh = false;  // look at the store now instead of answering with the last look
};
void to_json(json& j, const SpaceParams& p);
void from_json(const json& j, SpaceParams& p);

struct SpaceMethod {
  static constexpr std::string_view name = "space";
  static constexpr bool mutating = false;
  using Params = SpaceParams;
  using Result = SpaceReport;
};

}  // namespace nixtray::protocol
