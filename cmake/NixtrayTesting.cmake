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
  set_property(GLOBAL PROPERTY NIXTRAY_CATCH_LABELS_${name} "${ARG_LABELS}")
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

# nixtray_add_case_labels(<program> LABELS <label>... CASES <test case name>...)
# Adds labels to some test cases of a program made by nixtray_add_catch_test, on top of the
# program's own labels (a robustness case in a feature's test program stays `integration` too).
# Call it after nixtray_add_catch_test, in the same directory: the tests are only known once the
# program is built (Catch2 lists them after the build), so this writes a CTest include file that
# runs after the one that adds them. A case name that matches no test stops CTest with an error,
# so a renamed test case cannot silently drop out of its label.
function(nixtray_add_case_labels program)
  cmake_parse_arguments(ARG "" "" "LABELS;CASES" ${ARGN})
  if(CMAKE_CROSSCOMPILING)
    return()  # one CTest test per program there: no cases to label
  endif()
  get_property(own_labels GLOBAL PROPERTY NIXTRAY_CATCH_LABELS_${program})
  if(NOT own_labels)
    message(FATAL_ERROR "nixtray_add_case_labels: ${program} is not a nixtray_add_catch_test program")
  endif()
  set(labels ${own_labels} ${ARG_LABELS})
  list(REMOVE_DUPLICATES labels)
  set(file "${CMAKE_CURRENT_BINARY_DIR}/${program}_case_labels.cmake")
  # The tests are named "<program>:<case>" or "<program>: <case>" depending on the Catch2 version.
  set(script "if(DEFINED ${program}_TESTS)\n")
  foreach(case IN LISTS ARG_CASES)
    string(APPEND script
      "  set(found FALSE)\n"
      "  foreach(test IN LISTS ${program}_TESTS)\n"
      "    string(REGEX REPLACE \"^${program}: ?\" \"\" test_case \"\${test}\")\n"
      "    if(test_case STREQUAL [==[${case}]==])\n"
      "      set_tests_properties(\"\${test}\" PROPERTIES LABELS [==[${labels}]==])\n"
      "      set(found TRUE)\n"
      "    endif()\n"
      "  endforeach()\n"
      "  if(NOT found)\n"
      "    message(FATAL_ERROR [==[${file}: no test case \"${case}\" in ${program}]==])\n"
      "  endif()\n")
  endforeach()
  string(APPEND script "endif()\n")
  file(WRITE "${file}" "${script}")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${file}")
endfunction()
