// The two settings of Nix that change what its garbage collector keeps: keep-derivations
// (default true: the .drv files of live paths stay) and keep-outputs (default false: the
// outputs of live .drv files stay; nix-direnv users turn it on). Read as Nix reads them: the
// nix.conf of NIX_CONF_DIR (default /etc/nix), then the NIX_CONFIG variable; the last line wins.
// `include` lines are not followed.
#pragma once

#include <string_view>

namespace nixtray::agent {

struct NixGcSettings {
  bool keep_derivations = true;
  bool keep_outputs = false;

  static NixGcSettings from_environment();
  // Applies the lines of a nix.conf text.
  void apply(std::string_view conf);
};

}  // namespace nixtray::agent
