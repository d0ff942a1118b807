# One way to add a Catch2 test program: each TEST_CASE becomes its own CTest test
# (catch_discover_tests), carrying the given labels. Works with Catch2 v2 (Debian 12) and v3.
include(Catch)

# nixtray_add_catch_test(<name> SOURCES ... [LIBS ...] [LABELS ...] [PROPERTIES ...])
# A test name must not contain ";" (CMake splits it into two tests that match nothing);
# FAIL_REGULAR_EXPRESSION makes such a test fail instead of passing without running anything
# (Catch2 v2 takes a single --warn, which NoAssertions uses).
function(nixtray_add_catch_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS;LABELS;PROPERTIES" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE nixtray_test_support ${ARG_LIBS})
  nixtray_set_warnings(${name})
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  if(CMAKE_CROSSCOMPILING)
    # Debian's Catch2 v2 lists test cases by running the program after the build, which a cross
    # build cannot do: one test per program, run through CMAKE_CROSSCOMPILING_EMULATOR when set.
    # The Linux tree runs these programs under Wine (tests/windows).
    add_test(NAME ${name} COMMAND ${name} --order rand --warn NoAssertions)
    set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}" ${ARG_PROPERTIES})
    return()
  endif()
  catch_discover_tests(${name}
    TEST_PREFIX "${name}: "
    EXTRA_ARGS --order rand --warn NoAssertions
    PROPERTIES LABELS "${ARG_LABELS}" FAIL_REGULAR_EXPRESSION "No test cases matched" ${ARG_PROPERTIES}
    DISCOVERY_MODE PRE_TEST)
endfunction()
