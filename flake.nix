{
  description = "nixtray: a tray companion for NixOS on WSL2 (the agent, the tray and the NixOS module)";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs =
    { self, nixpkgs }:
    let
      systems = [
        "x86_64-linux"
        "aarch64-linux"
      ];
      forAllSystems = nixpkgs.lib.genAttrs systems;
      nixtrayPackages = pkgs: {
        nixtray-agent = pkgs.callPackage ./resources/nixos/package.nix { withTray = false; };
        nixtray = pkgs.callPackage ./resources/nixos/package.nix { };
      };
    in
    {
      packages = forAllSystems (
        system:
        let
          built = nixtrayPackages nixpkgs.legacyPackages.${system};
        in
        built // { default = built.nixtray-agent; }
      );

      overlays.default = final: _prev: nixtrayPackages final;

      # The module builds its default package with the system's own nixpkgs (pkgs.callPackage),
      # so it also works imported by path, without this flake.
      nixosModules.default = {
        imports = [ ./resources/nixos/module.nix ];
      };
      nixosModules.nixtray = self.nixosModules.default;
    };
}
