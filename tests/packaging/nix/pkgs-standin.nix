# A stand-in for the nixpkgs package set: packages are named placeholders with an outPath, and
# stdenv.mkDerivation returns its attributes, so a test can read what package.nix asks for.
# callPackage passes arguments the way the real one does.
{
  lib,
  system ? "x86_64-linux",
}:
let
  placeholder = pname: {
    inherit pname;
    outPath = "/standin/${pname}";
    overrideAttrs = change: placeholder pname // change { cmakeFlags = [ ]; };
  };

  mkDerivation =
    attrsOrFunction:
    let
      attrs = if builtins.isFunction attrsOrFunction then attrsOrFunction final else attrsOrFunction;
      final = attrs // {
        name = "${attrs.pname}-${attrs.version}";
        outPath = "/standin/${attrs.pname}-${attrs.version}";
      };
    in
    final;

  pkgs =
    {
      inherit lib system;
      stdenv = {
        inherit mkDerivation;
        buildPlatform.canExecute = _: true;
        hostPlatform = { inherit system; };
      };
      callPackage =
        fn: args:
        let
          f = if builtins.isFunction fn then fn else import fn;
        in
        f (builtins.intersectAttrs (builtins.functionArgs f) pkgs // args);
      formats.json = _: { type = { _type = "option-type-standin"; name = "json"; }; };
      xorg = lib.genAttrs [ "libX11" "libXfixes" ] placeholder;
    }
    // lib.genAttrs [
      "boost"
      "catch2"
      "cmake"
      "gettext"
      "gitMinimal"
      "ninja"
      "nix"
      "nixos-rebuild"
      "nlohmann_json"
      "openssh"
      "openssl"
      "pkg-config"
      "librsvg"
      "python3"
      "sqlite"
      "systemd"
      "wrapGAppsHook3"
      "wxGTK32"
    ] placeholder;
in
pkgs
