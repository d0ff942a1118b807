# CMake toolchain file: cross-compile nixtray for Windows x86_64 with Debian's MinGW-w64 (posix
# thread model, so std::thread / std::mutex work) on a Linux host.
#
#   scripts/windows/build-deps                  # once: builds/reuses the dependency prefix
#   cmake -S . -B build-win -G Ninja \
#         -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64-x86_64.cmake [-DNIXTRAY_WINDOWS_DEPS=<prefix>]
#
# NIXTRAY_WINDOWS_DEPS: the dependency prefix made by scripts/windows/build-deps (static wxMSW 3.2
# and libpng, symlinked header-only Boost 1.81 and nlohmann_json). Taken from, in this order: the
# -D cache variable, the NIXTRAY_WINDOWS_DEPS environment variable, the default
# /var/cache/nixtray/windows-deps/current (a symlink that build-deps points at the newest keyed
# prefix). build-deps prints the keyed prefix on stdout, so a caller that wants a build tree pinned
# to one exact key can pass -DNIXTRAY_WINDOWS_DEPS="$(scripts/windows/build-deps)".
#
# Only toolchain-level settings live here. Project targets add themselves what they need:
#   target_compile_definitions(t PRIVATE _WIN32_WINNT=0x0A00 WINVER=0x0A00)
#   target_link_options(t PRIVATE -static)            # libstdc++, libgcc, winpthread linked in
#   target_link_libraries(t PRIVATE ws2_32 mswsock)   # Boost.Asio
#   add_executable(gui WIN32 ...) for the tray app (wx::core/wx::base/wx::adv from
#   find_package(wxWidgets CONFIG REQUIRED COMPONENTS core base adv)).

set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(_nixtray_triple x86_64-w64-mingw32)
set(CMAKE_C_COMPILER   ${_nixtray_triple}-gcc-posix)
set(CMAKE_CXX_COMPILER ${_nixtray_triple}-g++-posix)
set(CMAKE_RC_COMPILER  ${_nixtray_triple}-windres)

# The dependency prefix (see above). try_compile() projects re-read this file: pass the value on.
if(NOT DEFINED NIXTRAY_WINDOWS_DEPS OR NIXTRAY_WINDOWS_DEPS STREQUAL "")
  if(DEFINED ENV{NIXTRAY_WINDOWS_DEPS} AND NOT "$ENV{NIXTRAY_WINDOWS_DEPS}" STREQUAL "")
    set(_nixtray_deps "$ENV{NIXTRAY_WINDOWS_DEPS}")
  else()
    set(_nixtray_deps /var/cache/nixtray/windows-deps/current)
  endif()
  set(NIXTRAY_WINDOWS_DEPS "${_nixtray_deps}" CACHE PATH
      "Windows dependency prefix built by scripts/windows/build-deps")
  unset(_nixtray_deps)
endif()
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES NIXTRAY_WINDOWS_DEPS)

# Warn once per configure (this file is read several times) if the prefix is missing or incomplete.
get_property(_nixtray_in_try_compile GLOBAL PROPERTY IN_TRY_COMPILE)
get_property(_nixtray_checked GLOBAL PROPERTY _NIXTRAY_WINDOWS_DEPS_CHECKED)
if(NOT _nixtray_in_try_compile AND NOT _nixtray_checked)
  set_property(GLOBAL PROPERTY _NIXTRAY_WINDOWS_DEPS_CHECKED TRUE)
  if(NOT EXISTS "${NIXTRAY_WINDOWS_DEPS}/.nixtray-deps-complete")
    message(WARNING
      "NIXTRAY_WINDOWS_DEPS=${NIXTRAY_WINDOWS_DEPS} is not a complete dependency prefix; "
      "run scripts/windows/build-deps first.")
  endif()
endif()
unset(_nixtray_in_try_compile)
unset(_nixtray_checked)

# Search for libraries, headers and packages only in the MinGW sysroot and the deps prefix (never
# in the host's /usr: no -I/usr/include, no Linux libraries); programs come from the host.
set(CMAKE_FIND_ROOT_PATH /usr/${_nixtray_triple} "${NIXTRAY_WINDOWS_DEPS}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Prefer installed <Pkg>Config.cmake packages (wx's own wxWidgetsConfig.cmake, nlohmann_json's)
# over Find modules (FindwxWidgets would go looking for a wx-config script).
set(CMAKE_FIND_PACKAGE_PREFER_CONFIG ON)

unset(_nixtray_triple)
