# Evaluates flake.nix, resources/nixos/package.nix and resources/nixos/module.nix with the
# stand-ins and returns what the packaging tests compare with settings.json and the agent, as
# plain data (nix-instantiate --eval --strict --json).
#
#   repo:     the repository's root (absolute)
#   scenario: JSON of what a user writes under services.nixtray, e.g. {"enable": true, "tcp": {...}}
{ repo, scenario }:
let
  lib = import ./lib-standin.nix;
  pkgs = import ./pkgs-standin.nix { inherit lib; };
  root = /. + repo;
  user = builtins.fromJSON scenario;

  # --- the module, with the module system's merge done by hand -------------------------------
  module = import (root + "/resources/nixos/module.nix");
  evaluated = module {
    inherit config lib pkgs;
  };
  declared = evaluated.options.services.nixtray;
  settingsOptions = declared.settings.type.module.options;
  body = evaluated.config.content; # under mkIf cfg.enable
  moduleSettings = body.services.nixtray.settings;
  userSettings = user.settings or { };

  config = {
    services.nixtray = {
      enable = user.enable or declared.enable.default;
      package = declared.package.default;
      group = user.group or declared.group.default;
      tcp = {
        enable = user.tcp.enable or declared.tcp.enable.default;
        port = user.tcp.port or declared.tcp.port.default;
      };
      # Option defaults, then the module's own definitions, then the user's.
      settings = builtins.mapAttrs (_: option: option.default) settingsOptions // moduleSettings // userSettings;
    };
    nix = {
      package = pkgs.nix;
      envVars = { };
    };
    system.build.nixos-rebuild = pkgs.nixos-rebuild;
    programs.ssh.package = pkgs.openssh;
    environment.sessionVariables.NIX_PATH = "nixpkgs=/standin/nixpkgs";
    networking.proxy.envVars = { };
    users.groups = {
      root = { };
      wheel = { };
    };
  };

  describeType = type: if type.name == "nullOr" then "nullOr ${type.elemType.name}" else type.name;

  # Where the real module system would stop with "conflicting definition values".
  conflicts = builtins.filter (
    name: moduleSettings ? ${name} && moduleSettings.${name} != userSettings.${name}
  ) (builtins.attrNames userSettings);

  # --- the flake, with nixpkgs replaced by the stand-ins ----------------------------------------
  flake = import (root + "/flake.nix");
  outputs = flake.outputs {
    self = outputs;
    nixpkgs = {
      inherit lib;
      legacyPackages = lib.genAttrs [ "x86_64-linux" "aarch64-linux" ] (
        system: import ./pkgs-standin.nix { inherit lib system; }
      );
    };
  };

  names = map (p: p.pname);
  describePackage = drv: {
    inherit (drv) pname version cmakeFlags checkPhase postInstall dontWrapGApps;
    storePath = drv.outPath; # not "outPath": toJSON would print the set as that string
    meta = drv.meta;
    buildInputs = names drv.buildInputs;
    nativeBuildInputs = names drv.nativeBuildInputs;
    checkInputs = map (p: { inherit (p) pname cmakeFlags; }) drv.checkInputs;
    nativeCheckInputs = names drv.nativeCheckInputs;
    src = drv.src;
  };
in
{
  module = {
    options = {
      enable = declared.enable.default;
      group = declared.group.default;
      tcpEnable = declared.tcp.enable.default;
      tcpPort = declared.tcp.port.default;
      package = describePackage declared.package.default;
    };
    settingsOptions = builtins.mapAttrs (_: option: {
      type = describeType option.type;
      inherit (option) default description;
    }) settingsOptions;
    enabled = evaluated.config.condition;
    inherit conflicts;
    agentJson = builtins.fromJSON body.environment.etc."nixtray/agent.json".text;
    socket = body.systemd.sockets.nixtray-agent;
    service = body.systemd.services.nixtray-agent;
    tmpfiles = body.systemd.tmpfiles.rules;
    inherit (body) warnings;
    systemPackages = body.environment.systemPackages;
  };

  flake = {
    inherit (flake) description;
    nixpkgsUrl = flake.inputs.nixpkgs.url;
    packages = builtins.mapAttrs (_: builtins.mapAttrs (_: describePackage)) outputs.packages;
    nixosModule = map toString outputs.nixosModules.default.imports;
    nixosModuleAlias = outputs.nixosModules.nixtray == outputs.nixosModules.default;
    overlayProvides = builtins.attrNames (outputs.overlays.default pkgs pkgs);
  };
}
