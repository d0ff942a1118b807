# Catch2 for the Windows cross build: the host's single-header Catch2 v2 (Debian's catch2, the same
# version the Linux tests use), copied into the build tree so that no -I/usr/include reaches the
# MinGW compiler, and its main() compiled once into Catch2::Catch2WithMain.
find_file(NIXTRAY_HOST_CATCH_HPP catch.hpp PATHS /usr/include/catch2 NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH REQUIRED)
set(_catch_dir ${PROJECT_BINARY_DIR}/host-headers)
file(COPY ${NIXTRAY_HOST_CATCH_HPP} DESTINATION ${_catch_dir}/catch2)
file(WRITE ${_catch_dir}/catch_main.cpp "#define CATCH_CONFIG_MAIN\n#include <catch2/catch.hpp>\n")

add_library(nixtray_catch2_main STATIC ${_catch_dir}/catch_main.cpp)
target_include_directories(nixtray_catch2_main SYSTEM PUBLIC ${_catch_dir})
add_library(Catch2::Catch2WithMain ALIAS nixtray_catch2_main)
# catch_discover_tests, for the test registrations of the cross tree (run through Wine).
list(APPEND CMAKE_MODULE_PATH /usr/lib/cmake/Catch2)
unset(_catch_dir)
