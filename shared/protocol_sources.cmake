# The protocol library's sources, relative to shared/src/protocol: one list for the project's
# nixtray_protocol (shared/CMakeLists.txt) and for the fuzz build (tests/fuzz), which compiles the
# same files with libFuzzer's instrumentation as a project of its own.
set(NIXTRAY_PROTOCOL_SOURCES
  json.cpp
  error_code.cpp
  envelope.cpp
  wire_text.cpp
  line_framer.cpp
  hello.cpp
  status.cpp
  units.cpp
  generations.cpp
  verify.cpp
  verification.cpp
  default_user.cpp
  dry_activation.cpp
  flake_update.cpp
  jobs.cpp
  subscribe.cpp
  space.cpp)
