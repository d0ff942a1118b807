#pragma once
// Files of tests/harness embedded at build time, so the harness does not depend on the source tree at run
// time: nix/generations.nix and scripts/namespace-init.sh.
#include <string_view>

namespace nixtray::testing::embedded {

std::string_view generations_nix();
std::string_view namespace_init_script();

}  // namespace nixtray::testing::embedded
