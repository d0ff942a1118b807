# Toy NixOS generations for `scripts/demo`: real Nix store paths (built without nixpkgs, with the
# host's /bin/sh) laid out like a NixOS system closure, so the agent has something true to show on
# a machine without NixOS. Not a bootable system.
{ label, hello ? "2.12.1", coreutils ? "9.5" }:
let
  system = builtins.currentSystem;
  package = name: version: derivation {
    name = "${name}-${version}";
    inherit system;
    builder = "/bin/sh";
    args = [ "-c" ''
      /bin/mkdir -p $out/bin
      printf '#!/bin/sh\necho "${name} ${version}"\n' > $out/bin/${name}
      /bin/chmod +x $out/bin/${name}
    '' ];
  };
  hello-pkg = package "hello" hello;
  coreutils-pkg = package "coreutils" coreutils;
in derivation {
  name = "nixos-system-demo-${label}";
  inherit system;
  builder = "/bin/sh";
  args = [ "-c" ''
    /bin/mkdir -p $out/bin $out/sw/bin $out/systemd/lib/systemd
    printf '%s' '${label} (Demo)' > $out/nixos-version
    /bin/ln -s ${hello-pkg}/bin/hello $out/sw/bin/hello
    /bin/ln -s ${coreutils-pkg}/bin/coreutils $out/sw/bin/coreutils
    /bin/ln -s /bin/sh $out/sw/bin/sh
    printf '#!/bin/sh\necho "demo generation: nothing to activate"\n' > $out/activate
    printf '#!/bin/sh\necho "demo generation: not bootable"; exit 1\n' > $out/init
    printf '#!/bin/sh\necho "demo: switch-to-configuration $1"\n' > $out/bin/switch-to-configuration
    /bin/chmod +x $out/activate $out/init $out/bin/switch-to-configuration
  '' ];
}
