// A store path's closure: every path it references, directly or not, itself included, with the
// size Nix recorded for each (narSize, the size of the path's NAR serialisation).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nixtray::agent {

struct StorePathSize {
  std::string path;
  std::int64_t nar_size = 0;
};

struct StoreClosure {
  std::vector<StorePathSize> paths;

  // What `nix path-info -S` reports as the closure size.
  [[nodiscard]] std::int64_t total_size() const {
    std::int64_t sum = 0;
    for (const auto& path : paths) {
      sum += path.nar_size;
    }
    return sum;
  }
};

}  // namespace nixtray::agent
