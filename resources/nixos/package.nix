# nixtray built with CMake from this repository, the nixpkgs way. flake.nix and module.nix call it
# with callPackage; `withTray = false` builds the agent alone, without wxWidgets.
# Needs nixpkgs 24.05 or newer (lib.fileset, lib.cmakeBool, wrapGAppsHook3).
{
  lib,
  stdenv,
  cmake,
  ninja,
  pkg-config,
  boost,
  nlohmann_json,
  systemd,
  sqlite,
  openssl,
  catch2,
  python3,
  wxGTK32,
  xorg,
  librsvg,
  gettext,
  wrapGAppsHook3,
  withTray ? true,
}:
let
  # One version number: the CMake project's.
  version = builtins.head (
    builtins.match ".*project\\(nixtray[^)]*VERSION ([0-9.]+).*" (builtins.readFile ../../CMakeLists.txt)
  );
in
stdenv.mkDerivation (finalAttrs: {
  pname = if withTray then "nixtray" else "nixtray-agent";
  inherit version;

  # What the CMake build reads, and nothing else: editing the README or these Nix files does not
  # rebuild the package.
  src = lib.fileset.toSource {
    root = ../..;
    fileset = lib.fileset.unions ([
      ../../CMakeLists.txt
      ../../cmake
      ../../shared
      ../../agent
      ../../tray
      ../../tests
      ../../resources/CMakeLists.txt
      ../../resources/agent
      ../../resources/systemd
    ]
    # The tray's pictures, desktop entry and translations.
    ++ lib.optionals withTray [
      ../../resources/icons
      ../../resources/linux
      ../../po
    ]);
  };

  strictDeps = true;

  nativeBuildInputs = [
    cmake
    ninja
    pkg-config
  ]
  ++ lib.optionals withTray [
    wrapGAppsHook3
    librsvg # rsvg-convert renders the icons
    gettext # msgfmt compiles the translations
  ];

  buildInputs = [
    boost # >= 1.81 (Asio awaitables); CMake checks the version
    nlohmann_json
    systemd # libsystemd: sd-bus, sd-daemon, sd-journal
    sqlite # reads Nix's own database
    openssl # libcrypto: HMAC-SHA-256 of the TCP handshake
  ]
  ++ lib.optionals withTray [
    wxGTK32
    xorg.libX11
    xorg.libXfixes # the tray watches for a tray host to come and go
  ];

  # nixpkgs' Catch2 2.13 without its prebuilt main; the tests link Catch2::Catch2WithMain, which
  # Debian's catch2 (the same 2.13.10) has. This builds it the way Debian does.
  checkInputs = [
    (catch2.overrideAttrs (old: {
      cmakeFlags = (old.cmakeFlags or [ ]) ++ [ "-DCATCH_BUILD_STATIC_LIBRARY=ON" ];
    }))
  ];
  nativeCheckInputs = [ python3 ];

  cmakeFlags = [
    (lib.cmakeBool "NIXTRAY_BUILD_TRAY" withTray)
    (lib.cmakeBool "NIXTRAY_BUILD_BENCH" false)
    (lib.cmakeBool "BUILD_TESTING" finalAttrs.doCheck)
  ];

  doCheck = stdenv.buildPlatform.canExecute stdenv.hostPlatform;

  # The unit-labelled tests: no systemd, no Nix store and no network in the build sandbox, which is
  # what the other labels need. The packaging tests (packaging_*) are left out: they check these
  # very Nix files from outside, with a Nix of their own.
  checkPhase = ''
    runHook preCheck
    HOME=$TMPDIR ctest -L unit -E '^packaging_' --output-on-failure --parallel $NIX_BUILD_CORES
    runHook postCheck
  '';

  # The tray's CMake builds nixtrayctl (it needs no wx) either way; the agent package is the agent.
  postInstall = lib.optionalString (!withTray) ''
    rm -f $out/bin/nixtrayctl
  '';

  # Only the tray is a GTK program. The agent stays unwrapped: it is the service's ExecStart and
  # runs its jobs as /proc/self/exe. (No bin/nixtray while the tray app is not built.)
  dontWrapGApps = true;
  postFixup = lib.optionalString withTray ''
    if [ -e $out/bin/nixtray ]; then
      wrapGApp $out/bin/nixtray
    fi
  '';

  doInstallCheck = finalAttrs.doCheck;
  installCheckPhase = ''
    runHook preInstallCheck
    $out/bin/nixtray-agent --version
    runHook postInstallCheck
  '';

  meta = {
    description =
      if withTray then
        "Tray companion for NixOS on WSL2: the tray app, its command line and the agent"
      else
        "Agent of nixtray: systemd state, generations and rebuilds of a NixOS (WSL) system";
    license = lib.licenses.mit;
    platforms = lib.platforms.linux;
    mainProgram = if withTray then "nixtray" else "nixtray-agent";
  };
})
