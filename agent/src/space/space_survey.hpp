// One look at the Nix store's space (the worker's job, seconds on a big store): the file
// system's free and total bytes, Nix's database, the garbage collector's roots, and the disk
// usage of every store path (cached across looks), put together by account_space.
#pragma once

#include "nix/nix_store_location.hpp"
#include "nix/store_disk_usage.hpp"
#include "nixtray/protocol/space.hpp"
#include "space/space_accounting.hpp"

namespace nixtray::agent {

// Throws NixDatabaseError when Nix's database cannot be read.
protocol::SpaceReport survey_space(const NixStoreLocation& store, const SpaceSubjects& subjects,
                                   StoreDiskUsage& usage_cache);

// Free and total bytes of the file system that holds `directory` (as df shows them); zeros when
// it cannot be asked.
std::pair<std::int64_t, std::int64_t> filesystem_space(const std::filesystem::path& directory);

}  // namespace nixtray::agent
