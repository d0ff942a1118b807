// How a fuzz target reports a broken oracle: print what differed, then abort, so libFuzzer saves
// the input as a crash and the corpus replay fails its CTest test.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace nixtray::fuzz {

inline void require(bool holds, const char* what) {
  if (!holds) {
    std::fprintf(stderr, "fuzz oracle failed: %s\n", what);
    std::abort();
  }
}

}  // namespace nixtray::fuzz
