# services.nixtray: nixtray-agent as a socket-activated root service, on NixOS-WSL or a plain NixOS.
# The settings are generated from resources/agent/settings.json (agent-settings.nix) and written to
# /etc/nixtray/agent.json, the file the agent reads. resources/systemd/ has the same units for other
# distributions; tests/packaging checks that both agree with the agent.
{
  config,
  lib,
  pkgs,
  ...
}:
let
  cfg = config.services.nixtray;

  agentSettings = import ./agent-settings.nix {
    inherit lib;
    notes = {
      socket = "On NixOS the socket unit listens here; it cannot be moved.";
      group = "On NixOS it is set from services.nixtray.group.";
      tcp = "On NixOS it is set from services.nixtray.tcp.";
    };
  };

  socketPath = agentSettings.defaults.socket;
  tcpAddress = "127.0.0.1:${toString cfg.tcp.port}";

  # StateDirectory= creates the state directory when it is below /var/lib (the default); a state
  # directory moved elsewhere gets a tmpfiles rule instead.
  stateDir = cfg.settings."state-dir";
  stateDirUnderVarLib = lib.hasPrefix "/var/lib/" stateDir;

  unknownSettings = builtins.filter (name: !(agentSettings.defaults ? ${name})) (builtins.attrNames cfg.settings);

  # Hardening that leaves a root deploy agent its power. Rebuilds, rollbacks and garbage collection
  # run in transient units the agent asks systemd for (`nixtray-agent job-run DIR`), which inherit
  # none of this; the agent itself only reads the system, talks to systemd and writes its state
  # directory. Deliberately absent: ProtectSystem, ProtectHome and PrivateTmp (the agent sees the
  # system and the flake as they really are), PrivateDevices, ProtectKernelLogs and ProtectClock
  # (the activation report is read from the kernel log; ProtectClock's device rule would close
  # /dev/kmsg too), ProtectHostname (a switch may rename the host), CapabilityBoundingSet.
  # resources/systemd/nixtray-agent.service carries the same list.
  hardening = {
    NoNewPrivileges = true;
    LockPersonality = true;
    MemoryDenyWriteExecute = true;
    ProtectControlGroups = true;
    ProtectKernelModules = true;
    ProtectKernelTunables = true;
    RestrictNamespaces = true;
    RestrictRealtime = true;
    RestrictSUIDSGID = true;
    RestrictAddressFamilies = [
      "AF_UNIX"
      "AF_INET"
      "AF_INET6"
      "AF_NETLINK"
    ];
    SystemCallArchitectures = "native";
  };
in
{
  options.services.nixtray = {
    enable = lib.mkEnableOption "nixtray-agent, the nixtray daemon (root, started on the first connection to its socket)";

    package = lib.mkOption {
      type = lib.types.package;
      default = pkgs.callPackage ./package.nix { withTray = false; };
      defaultText = lib.literalExpression "pkgs.callPackage <nixtray>/resources/nixos/package.nix { withTray = false; }";
      description = ''
        The package whose `bin/nixtray-agent` runs the service; it is also put on `PATH` (the
        command-line client). On a desktop, the full `nixtray` package adds the tray.
      '';
    };

    group = lib.mkOption {
      type = lib.types.nullOr lib.types.str;
      default = "wheel";
      example = "nixtray";
      description = ''
        Members of this group may open the agent's socket and run mutating actions (rebuild,
        rollback, garbage collection, mark-good, cancel). `null`: only root.

        The group is trusted to change the system, as `wheel` is with sudo: a member can build
        and switch to the configured flake or to a flake reference of their choosing (evaluated,
        built and activated as root, so a member can make the system anything a NixOS
        configuration can make it), roll back to any generation, delete old generations and mark
        one known-good. Give it only to people you would let run `sudo nixos-rebuild switch`.

        What a member cannot do through the agent: activate a store path the agent did not build
        (only a `build` job's result that the agent still keeps, or an existing generation of the
        system profile; a tree added with `nix-store --add` is refused), so every system activated
        went through the rebuild command; delete the default, current, booted or known-good
        generation; cancel a job once it has begun to repoint the profile or to activate; start a
        job while another one runs. Users outside the group get read-only access.
      '';
    };

    tcp = {
      enable = lib.mkEnableOption "a listener on loopback TCP, which Windows reaches as localhost (the other way in is the wsl.exe stdio bridge); clients must prove they know the token from `nixtray-agent token`, which is never sent";
      port = lib.mkOption {
        type = lib.types.port;
        default = 7428;
        description = "Port on 127.0.0.1 the agent listens on when `tcp.enable` is set.";
      };
    };

    settings = lib.mkOption {
      type = lib.types.submodule {
        freeformType = (pkgs.formats.json { }).type;
        options = agentSettings.options;
      };
      default = { };
      example = {
        flake = "/etc/nixos#nixos";
        log-budget = 536870912;
      };
      description = ''
        The agent's settings, written to /etc/nixtray/agent.json. Names, types and defaults come
        from resources/agent/settings.json (see `nixtray-agent serve --help`); a null leaves a
        setting to the agent's default. The agent reads them when it starts; a switch does not
        restart it (it may be reporting on that very switch), so changes apply at its next start.
      '';
    };
  };

  config = lib.mkIf cfg.enable {
    services.nixtray.settings = {
      socket = socketPath;
      group = cfg.group;
      tcp = if cfg.tcp.enable then tcpAddress else null;
    };

    warnings =
      map (
        name: "services.nixtray.settings.${name} is not a setting of nixtray-agent (resources/agent/settings.json); the agent refuses to start with it."
      ) unknownSettings
      ++ lib.optional (
        cfg.group != null && !(config.users.groups ? ${cfg.group})
      ) "services.nixtray.group: the group ${cfg.group} is not declared in users.groups; the agent's socket cannot be given to it unless it exists.";

    environment.etc."nixtray/agent.json".text = builtins.toJSON (agentSettings.render cfg.settings);

    # The command-line client, and the path the Windows tray calls:
    # wsl.exe -d NixOS -u root -e /run/current-system/sw/bin/nixtray-agent ...
    environment.systemPackages = [ cfg.package ];

    systemd.sockets.nixtray-agent = {
      description = "nixtray agent socket";
      wantedBy = [ "sockets.target" ];
      listenStreams = [ socketPath ] ++ lib.optional cfg.tcp.enable tcpAddress;
      socketConfig = {
        SocketMode = "0660";
        DirectoryMode = "0750";
      }
      // lib.optionalAttrs (cfg.group != null) { SocketGroup = cfg.group; };
    };

    systemd.services.nixtray-agent = {
      description = "nixtray agent: systemd state, generations and rebuilds for the tray";
      wants = [ "nixtray-agent.socket" ];
      after = [ "nixtray-agent.socket" ];

      # A switch the agent started must not stop the agent that reports on it (deploy agents do
      # the same). Its jobs live in their own units anyway.
      restartIfChanged = false;
      stopIfChanged = false;

      # What jobs run (they inherit PATH, HOME and the NIX* variables from the agent), like
      # system.autoUpgrade: nix, nixos-rebuild, and git and ssh for flakes.
      path = [
        config.nix.package
        config.system.build.nixos-rebuild
        pkgs.gitMinimal
        config.programs.ssh.package
      ];
      environment =
        (config.nix.envVars or { })
        // lib.optionalAttrs (config.environment.sessionVariables ? NIX_PATH) {
          inherit (config.environment.sessionVariables) NIX_PATH; # rebuilds of a configuration.nix
        }
        // { HOME = "/root"; }
        // config.networking.proxy.envVars;

      serviceConfig = {
        Type = "notify";
        ExecStart = "${cfg.package}/bin/nixtray-agent serve";
        Restart = "on-failure";
        UMask = "0077";
      }
      // lib.optionalAttrs stateDirUnderVarLib {
        StateDirectory = lib.removePrefix "/var/lib/" stateDir;
        StateDirectoryMode = "0700";
      }
      // hardening;
    };

    systemd.tmpfiles.rules = [
      # systemd creates the socket's directory root-owned; members of the group must get through it.
      "d ${dirOf socketPath} 0750 root ${if cfg.group != null then cfg.group else "root"} - -"
    ]
    ++ lib.optional (!stateDirUnderVarLib) "d ${stateDir} 0700 root root - -";
  };
}
