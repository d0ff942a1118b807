# Project-wide switches. Everything else is per target.
if(WIN32)
  set(_nixtray_agent_default OFF)   # the agent lives inside the distro, never on Windows
else()
  set(_nixtray_agent_default ON)
endif()
option(NIXTRAY_BUILD_AGENT "Build nixtray-agent (Linux only: sd-bus, Unix sockets)" ${_nixtray_agent_default})
option(NIXTRAY_BUILD_TRAY "Build the wxWidgets tray (nixtray)" ON)
option(NIXTRAY_BUILD_BENCH "Build the benchmark programs" ON)
option(NIXTRAY_WERROR "Treat compiler warnings as errors (CI)" OFF)
set(NIXTRAY_WINDOWS_BUILD_DIR "" CACHE PATH
    "The Windows cross build tree whose programs the Wine tests run (tests/windows); empty: no Wine tests")
