# Toy NixOS generations for the nixtray test harness (see ../README.md, "Generation layout").
#
# Built without nixpkgs: every derivation uses /bin/sh from the host as builder (the store is built with
# `sandbox = false`), so the only inputs are this file and the JSON spec written by NixStore.
#
# specFile: JSON { "systems": [ <system>, ... ], "batches": [ { "system": <system>, "outputs": [ "g0001", ... ] } ] }
# as written by nixtray::testing::NixStore (nix_store.cpp).
# nameLabel is the label reduced to characters allowed in store names ("24.11.20241231.abcdef").
# The result is a list of toplevels: one per entry of "systems", in order, then one per output of each batch.
{ specFile }:
let
  spec = builtins.fromJSON (builtins.readFile specFile);
  system = builtins.currentSystem;

  # Single-quote a string for /bin/sh (no nixpkgs lib here).
  shellQuote = s: "'" + builtins.replaceStrings [ "'" ] [ "'\\''" ] s + "'";

  # A "package": a real store path named <name>-<version>, with bin/<name> and a payload of the chosen size,
  # so that closure sizes and `nix store diff-closures` (hello: 2.12.1 → 2.12.2) are meaningful.
  mkPackage = p: derivation {
    name = "${p.name}-${p.version}";
    inherit system;
    builder = "/bin/sh";
    args = [ "-c" ''
      set -e
      /bin/mkdir -p $out/bin $out/share/${p.name}
      printf '#!/bin/sh\necho "%s %s"\n' ${shellQuote p.name} ${shellQuote p.version} > $out/bin/${p.name}
      /bin/chmod +x $out/bin/${p.name}
      /usr/bin/head -c ${toString p.size} /dev/zero > $out/share/${p.name}/payload
    '' ];
  };

  # Write each entry of an attribute set { name = text; } as a file in directory dir (relative to $out).
  writeFiles = dir: mode: files: builtins.concatStringsSep "\n" (map (n: ''
    printf '%s' ${shellQuote files.${n}} > $out/${dir}/${n}
    /bin/chmod ${mode} $out/${dir}/${n}
  '') (builtins.attrNames files));

  # copy(template, out): symlinks as they are, files with @out@ replaced (modes kept), directories recursively.
  # Then nixos-version = "<labelPrefix>.<output>". Outputs and their paths come from the environment.
  copyTemplatePerl = ''
    use strict;
    sub copy_tree {
      my ($src, $dst, $out) = @_;
      mkdir $dst or die "mkdir $dst: $!";
      opendir(my $dh, $src) or die "opendir $src: $!";
      for my $e (grep { $_ ne "." && $_ ne ".." } readdir $dh) {
        my ($s, $d) = ("$src/$e", "$dst/$e");
        if (-l $s) { symlink(readlink($s), $d) or die "symlink $d: $!"; }
        elsif (-d $s) { copy_tree($s, $d, $out); }
        else {
          open(my $in, "<", $s) or die "$s: $!"; local $/; my $text = <$in>; close $in;
          $text =~ s/\@out\@/$out/g;
          open(my $fh, ">", $d) or die "$d: $!"; print $fh $text; close $fh or die "$d: $!";
          chmod((stat $s)[2] & 07777, $d);
        }
      }
      closedir $dh;
      chmod((stat $src)[2] & 07777, $dst);
    }
    my $template = shift;
    for my $output (split " ", $ENV{outputs}) {
      my $out = $ENV{$output};
      copy_tree($template, $out, $out);
      open(my $fh, ">", "$out/nixos-version") or die; print $fh "$ENV{labelPrefix}.$output"; close $fh;
    }
  '';

  mkSystem = s:
    let
      packages = map mkPackage s.packages;
      # Template units (user@.service) are instantiated on demand, never wanted by name.
      unitNames = builtins.filter (n: builtins.match ".*@\\..*" n == null) (builtins.attrNames s.units);

      # Stage-2 init, as NixOS-WSL's shim does it: run this generation's activate (status ignored), mark the
      # generation as booted, then exec this generation's systemd with the arguments given to init.
      # The harness exports SYSTEMD_UNIT_PATH (a private, writable unit directory) and NIXTRAY_HARNESS_TARGET
      # before it execs init; the units this generation contains are copied there and pulled in by the target.
      initScript = ''
        #!/bin/sh
        systemConfig=@out@
        echo "<<< NixOS Stage 2 (nixtray harness) >>>" >&2
        ${if s.initExitStatus != 0 then ''
          echo "init: failed to start the generation (simulated by the test spec)" >&2
          exit ${toString s.initExitStatus}
        '' else ""}
        if [ -x "$systemConfig/activate" ]; then "$systemConfig/activate" || true; fi
        /bin/ln -sfn "$systemConfig" "''${NIXTRAY_RUN_DIR:-/run}/booted-system"
        if [ -n "''${SYSTEMD_UNIT_PATH:-}" ] && [ -d "$systemConfig/etc/systemd/system" ]; then
          for u in "$systemConfig"/etc/systemd/system/*; do /bin/cp "$u" "$SYSTEMD_UNIT_PATH/"; done
          if [ -n "''${NIXTRAY_HARNESS_TARGET:-}" ]; then
            /bin/mkdir -p "$SYSTEMD_UNIT_PATH/$NIXTRAY_HARNESS_TARGET.wants"
            /bin/ln -sfn ../nixtray-generation.target "$SYSTEMD_UNIT_PATH/$NIXTRAY_HARNESS_TARGET.wants/nixtray-generation.target"
          fi
        fi
        exec "$systemConfig/systemd/lib/systemd/systemd" "$@"
      '';

      # Activation: messages go to stderr and, when NIXTRAY_ACTIVATION_LOG is set, are appended to that file in
      # kernel-log form "<PRIORITY>nixos-activation: message" (3 = error, 4 = warning, 6 = info), one per line.
      activateScript = ''
        #!/bin/sh
        systemConfig=@out@
        _status=0
        log() {
          echo "$2" >&2
          if [ -n "''${NIXTRAY_ACTIVATION_LOG:-}" ]; then
            printf '<%s>nixos-activation: %s\n' "$1" "$2" >> "$NIXTRAY_ACTIVATION_LOG"
          fi
        }
        log 6 "activating the configuration..."
        ${builtins.concatStringsSep "\n" (map (e: ''
          log 3 ${shellQuote e}
          _status=1
        '') s.activationErrors)}
        /bin/ln -sfn "$systemConfig" "''${NIXTRAY_RUN_DIR:-/run}/current-system"
        log 6 "activation finished (status $_status)"
        exit $_status
      '';

      # switch-to-configuration: records each call in NIXTRAY_SWITCH_LOG (if set), activates for switch/test,
      # then exits with the status the spec chose (4 is what NixOS uses when units failed).
      # dry-activate prints on stderr what nixpkgs' switch-to-configuration prints (same wording, units sorted
      # and joined with ", ", a line only when its list is not empty), from the service units of the running
      # system (/run/current-system) and of this one: a removed one would stop (unless X-StopOnRemoval=false);
      # a changed one would reload (X-ReloadIfChanged=true), not be stopped (X-RestartIfChanged=false),
      # restart (X-StopIfChanged=false), or else stop and start. Unlike NixOS it does not ask systemd which
      # units are active (it may run on the host), and new units are not listed (NixOS starts them through
      # their targets, which it does not list either).
      switchScript = ''
        #!/bin/sh
        systemConfig=@out@
        action="''${1:-}"
        case "$action" in
          switch|boot|test|dry-activate) ;;
          *) echo "Usage: $0 [switch|boot|test|dry-activate]" >&2; exit 1 ;;
        esac
        if [ -n "''${NIXTRAY_SWITCH_LOG:-}" ]; then echo "$action $systemConfig" >> "$NIXTRAY_SWITCH_LOG"; fi
        if [ "$action" = dry-activate ]; then
          cur="''${NIXTRAY_RUN_DIR:-/run}/current-system/etc/systemd/system"
          new="$systemConfig/etc/systemd/system"
          stop=""; skip=""; reload=""; restart=""; start=""
          for f in "$cur"/*.service; do
            [ -e "$f" ] || continue
            u=''${f##*/}
            if [ ! -e "$new/$u" ]; then
              /bin/grep -qx 'X-StopOnRemoval=false' "$f" || stop="$stop $u"
            elif ! /usr/bin/cmp -s "$f" "$new/$u"; then
              if /bin/grep -qx 'X-ReloadIfChanged=true' "$new/$u"; then reload="$reload $u"
              elif /bin/grep -qx 'X-RestartIfChanged=false' "$new/$u"; then skip="$skip $u"
              elif /bin/grep -qx 'X-StopIfChanged=false' "$new/$u"; then restart="$restart $u"
              else stop="$stop $u"; start="$start $u"
              fi
            fi
          done
          say() { [ -z "$2" ] || printf '%s%s\n' "$1" "$(printf '%s\n' $2 | LC_ALL=C /usr/bin/sort | /usr/bin/paste -sd, - | /bin/sed 's/,/, /g')" >&2; }
          say "would stop the following units: " "$stop"
          say "would NOT stop the following changed units: " "$skip"
          echo "would activate the configuration..." >&2
          say "would reload the following units: " "$reload"
          say "would restart the following units: " "$restart"
          say "would start the following units: " "$start"
          exit 0
        fi
        if [ "$action" = switch ] || [ "$action" = test ]; then "$systemConfig/activate" || true; fi
        ${if s.switchMessage != "" then "echo ${shellQuote s.switchMessage} >&2" else ""}
        ${if (s.switchDelaySeconds or 0) > 0 then "/bin/sleep ${toString s.switchDelaySeconds}" else ""}
        exit ${toString s.switchExitStatus}
      '';

      nixosVersionScript = ''
        #!/bin/sh
        label=$(/bin/cat @out@/nixos-version)
        if [ "''${1:-}" = --json ]; then
          printf '{"nixosVersion":"%s","configurationRevision":"%s"}\n' "$label" ${shellQuote (if s.configurationRevision == null then "" else s.configurationRevision)}
        else
          echo "$label"
        fi
      '';

      # Scripts are written with an @out@ placeholder, replaced by substituteOut once $out is final.
      writeScript = path: text: ''
        printf '%s' ${shellQuote text} > $out/${path}
        /bin/chmod 555 $out/${path}
      '';
      scriptFiles = builtins.filter (f: f != null) [
        (if s.hasInit then "init" else null)
        (if s.hasActivate then "activate" else null)
        (if s.hasSwitchToConfiguration then "bin/switch-to-configuration" else null)
        "sw/bin/nixos-version"
      ];
      substituteOut = ''
        (cd $out && /bin/sed -i "s|@out@|$out|g" ${builtins.concatStringsSep " " scriptFiles})
      '';

      # Builds one generation into $out, labelled $label (shell variables, so a batch can reuse it).
      buildGeneration = ''
        i=0
        while [ $i -lt ${toString (s.buildDelaySeconds or 0)} ]; do echo "building slowly: second $i"; /bin/sleep 1; i=$((i + 1)); done
        /bin/mkdir -p $out/sw/bin $out/bin $out/etc/systemd/system $out/systemd/lib/systemd
        printf '%s' "$label" > $out/nixos-version
        printf '%s' ${system} > $out/system
        ${if s.configurationRevision != null then "printf '%s' ${shellQuote s.configurationRevision} > $out/configuration-revision" else ""}
        ${if s.hasInit then writeScript "init" initScript else ""}
        ${if s.hasActivate then writeScript "activate" activateScript else ""}
        ${if s.hasSwitchToConfiguration then writeScript "bin/switch-to-configuration" switchScript else ""}
        ${writeScript "sw/bin/nixos-version" nixosVersionScript}
        ${if s.hasShell then "/bin/ln -s /bin/sh $out/sw/bin/sh" else ""}
        ${if s.systemd == "link" then "/bin/ln -s /lib/systemd/systemd $out/systemd/lib/systemd/systemd"
          else if s.systemd == "broken" then "/bin/ln -s /nonexistent/lib/systemd/systemd $out/systemd/lib/systemd/systemd"
          else ""}
        ${if s.agentPath != null then "/bin/ln -s ${shellQuote s.agentPath} $out/sw/bin/nixtray-agent" else ""}
        ${if s.wslConf != null then "printf '%s' ${shellQuote s.wslConf} > $out/etc/wsl.conf" else ""}
        ${writeFiles "etc" "444" (s.etcFiles or { })}
        ${writeFiles "sw/bin" "555" s.extraBinFiles}
        ${writeFiles "etc/systemd/system" "444" s.units}
        ${if unitNames != [ ] then ''
          printf '[Unit]\nDescription=Units of this generation\nWants=%s\n' ${shellQuote (builtins.concatStringsSep " " unitNames)} \
            > $out/etc/systemd/system/nixtray-generation.target
        '' else ""}
        # The packages: referenced from sw/bin (symlinks) so they are part of the closure.
        ${builtins.concatStringsSep "\n" (map (p: "/bin/ln -sfn ${p}/bin/* $out/sw/bin/") packages)}
        /bin/mkdir -p $out/sw/share && printf '%s\n' ${builtins.concatStringsSep " " (map toString packages)} > $out/sw/share/packages
      '';
    in
    {
      # One generation, one derivation: what NixStore::build_system builds.
      single = derivation {
        name = "nixos-system-${s.hostname}-${s.nameLabel}";
        inherit system;
        label = s.label;
        builder = "/bin/sh";
        args = [ "-c" "set -e\n${buildGeneration}\n${substituteOut}" ];
      };

      # Many generations from one derivation with one output per generation ("g0001", ...), each a separate
      # store path with the full layout. Used by NixStore::build_many: about 50 ms per derivation is Nix's
      # own overhead and ~20 processes per generation the shell builder's: too much for a thousand. Here the
      # shell builds one template, then a single perl process (perl-base is Essential in Debian) copies it
      # to every output with that output's label and @out@ paths.
      batch = outputNames: derivation {
        name = "nixos-system-${s.hostname}-${s.nameLabel}";
        inherit system;
        outputs = outputNames;
        labelPrefix = s.nameLabel;
        builder = "/bin/sh";
        args = [ "-c" ''
          set -e
          out=$TMPDIR/template
          label=template
          ${buildGeneration}
          exec /usr/bin/perl -e ${shellQuote copyTemplatePerl} "$TMPDIR/template"
        '' ];
      };
    };

  # A batch: one spec and the output names (each output becomes a generation).
  mkBatch = b: let drv = (mkSystem b.system).batch b.outputs; in map (o: drv.${o}) b.outputs;
in
map (s: (mkSystem s).single) spec.systems ++ builtins.concatLists (map mkBatch (spec.batches or [ ]))
