// The package-level difference of two closures, grouped as `nix store diff-closures` groups them:
// by package name (package_name_of), comparing each name's set of versions and total size.
// Pure: closures in, changes out.
#pragma once

#include "nix/store_closure.hpp"
#include "nixtray/protocol/generations.hpp"

#include <vector>

namespace nixtray::agent {

// Every package name whose versions or size differ, sorted by name. Versions are listed in full
// (every version in each closure, sorted); a size change with the same versions is "resized",
// however small (diff-closures hides changes under 8 KiB; clients may too).
std::vector<protocol::PackageChange> diff_closures(const StoreClosure& from, const StoreClosure& to);

}  // namespace nixtray::agent
