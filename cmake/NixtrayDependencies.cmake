# Third-party packages, found once for the whole tree.
# Debian 12: libboost1.81-dev (not the default 1.74), nlohmann-json3-dev, catch2 (2.13), libsystemd-dev,
# libwxgtk3.2-dev, libssl-dev (Linux; Windows uses its own BCrypt). The Windows cross build finds the
# same headers through its deps prefix.
find_package(Threads REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(Boost 1.81 REQUIRED CONFIG)
if(NOT WIN32)
  find_package(OpenSSL 3 REQUIRED COMPONENTS Crypto)  # libcrypto's HMAC-SHA-256 (Debian: libssl-dev)
endif()

if(NIXTRAY_BUILD_AGENT)
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd>=249)
  pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
endif()
