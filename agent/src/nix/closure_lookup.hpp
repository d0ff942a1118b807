// What looking up store paths' closures found: sizes, diffs, and why a lookup failed. Plain data,
// shared by the worker that computes it (ClosureQueries) and the state that caches it.
#pragma once

#include "nixtray/protocol/generations.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nixtray::agent {

// Why a store path's closure could not be read.
struct ClosureLookupError {
  enum class Kind {
    not_in_store,    // the path is not inside the Nix store (nothing to look up)
    missing,         // the store path is gone from disk (garbage-collected, deleted)
    not_registered,  // on disk but unknown to the database (partly deleted, unfinished build)
    database,        // the database could not be read: nothing is known
  };
  Kind kind = Kind::database;
  std::string message;  // for people: names the path or the database file and the reason
};

struct ClosureSizeResult {
  std::optional<std::int64_t> bytes;
  std::optional<ClosureLookupError> error;
};
using ClosureSizes = std::map<std::filesystem::path, ClosureSizeResult>;

struct ClosureComparison {
  std::optional<ClosureLookupError> from_error;
  std::optional<ClosureLookupError> to_error;
  std::vector<protocol::PackageChange> changes;  // empty unless both closures were read
  std::int64_t from_size = 0;
  std::int64_t to_size = 0;
};

}  // namespace nixtray::agent
